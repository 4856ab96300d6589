"""The Stripe gateway's pure parts: error translation, PaymentIntent shapes, its settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import stripe

from chalicelib.adapters.payments_gateway import GatewayError, GatewayUnavailable, _charge, translate
from chalicelib.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk_live_51HxUnitTestKey0123456789"


def _errors_repeating(text: str) -> list[stripe.StripeError]:
    body = {"error": {"message": text, "type": "invalid_request_error"}}
    return [
        stripe.AuthenticationError(text, http_status=401, json_body=body),
        stripe.PermissionError(text, http_status=403, json_body=body),
        stripe.InvalidRequestError(text, "customer", http_status=400, json_body=body),
        stripe.IdempotencyError(text, http_status=400, json_body=body),
        stripe.CardError(text, None, "card_declined", http_status=402, json_body=body),
        stripe.RateLimitError(text, http_status=429, json_body=body),
        stripe.APIError(text, http_status=500, json_body=body),
        stripe.APIError(text, http_status=418, json_body=body),
        stripe.APIConnectionError(text),
    ]


@pytest.mark.parametrize("error", _errors_repeating(f"Invalid API Key provided: {KEY}"), ids=type)
def test_no_error_message_shows_the_api_key(error: stripe.StripeError) -> None:
    failure = translate(error, "charging the card", KEY)

    assert KEY not in failure.message and KEY not in str(failure)
    assert failure.message[0].isupper() and failure.message.endswith(".")


@pytest.mark.parametrize(
    "error", _errors_repeating("Key sk_test_OtherKeyInTheText42 is not allowed"), ids=type
)
def test_any_secret_key_in_a_message_is_removed_even_one_we_were_not_told(error: stripe.StripeError) -> None:
    assert "sk_test_" not in translate(error, "refunding the payment").message


def test_errors_are_sorted_into_retry_later_and_permanent() -> None:
    def outcome(error: stripe.StripeError) -> bool | None:
        failure = translate(error, "charging the card")
        return failure.outcome_unknown if isinstance(failure, GatewayUnavailable) else None

    assert outcome(stripe.APIConnectionError("timed out")) is True
    assert outcome(stripe.APIError("boom", http_status=502)) is True
    assert outcome(stripe.APIError("same key in flight", http_status=409)) is True
    assert outcome(stripe.RateLimitError("slow down", http_status=429)) is False
    assert (
        outcome(stripe.InvalidRequestError("No such customer: 'cus_x'", "customer", http_status=404)) is None
    )
    assert outcome(stripe.AuthenticationError("bad key", http_status=401)) is None
    refused = translate(
        stripe.InvalidRequestError("No such customer: 'cus_x'", "customer"), "charging the card"
    )
    assert isinstance(refused, GatewayError)
    assert refused.message == "Stripe refused charging the card: No such customer: 'cus_x'."


def _intent(**fields: Any) -> dict[str, Any]:
    return {"id": "pi_1", "object": "payment_intent", "amount": 1250, "currency": "eur", **fields}


def test_a_payment_intent_reads_the_same_in_the_current_and_the_old_api_shape() -> None:
    current = _intent(status="succeeded", latest_charge="ch_1")
    expanded = _intent(status="succeeded", latest_charge={"id": "ch_1", "object": "charge"})
    old = _intent(
        status="succeeded", charges={"object": "list", "data": [{"id": "ch_1", "object": "charge"}]}
    )

    charges = {_charge(shape) for shape in (current, expanded, old)}

    assert len(charges) == 1
    (charge,) = charges
    assert (charge.intent_id, charge.status, charge.amount_minor, charge.currency, charge.charge_id) == (
        "pi_1",
        "succeeded",
        1250,
        "EUR",
        "ch_1",
    )


def test_a_declined_payment_intent_carries_the_decline_code_and_message() -> None:
    stripe_shape = _intent(
        status="requires_payment_method",
        latest_charge="ch_2",
        last_payment_error={
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "No funds.",
        },
    )
    localstripe_shape = _intent(
        status="requires_payment_method",
        latest_charge={"id": "ch_2", "failure_code": "card_declined", "failure_message": "Declined."},
    )

    declined = _charge(stripe_shape)
    assert (declined.status, declined.decline_code, declined.message) == (
        "failed",
        "insufficient_funds",
        "No funds.",
    )
    assert (_charge(localstripe_shape).decline_code, _charge(localstripe_shape).message) == (
        "card_declined",
        "Declined.",
    )


@pytest.mark.parametrize(
    ("status", "ours"),
    [
        ("succeeded", "succeeded"),
        ("processing", "processing"),
        ("requires_action", "requires_action"),
        ("requires_payment_method", "failed"),
        ("canceled", "failed"),
    ],
)
def test_payment_intent_statuses_map_to_ours(status: str, ours: str) -> None:
    charge = _charge(_intent(status=status))
    assert charge.status == ours
    assert (charge.decline_code != "") == (ours == "failed")  # a failure always says why


def test_the_development_card_form_is_on_only_against_localstripe() -> None:
    local = load_settings(
        {"CRM_STRIPE_API_BASE": "http://127.0.0.1:8420", "CRM_STRIPE_PUBLISHABLE_KEY": "pk_x"}
    )
    aws = load_settings({"CRM_STAGE": "prod", "CRM_SECRET_KEY": "x" * 40})

    assert (local.stripe_dev_cards, local.stripe_publishable_key) == (True, "pk_x")
    assert (aws.stripe_dev_cards, aws.stripe_publishable_key) == (False, "")


def test_building_the_gateway_does_not_load_stripe() -> None:
    code = (
        "import sys; from chalicelib import bootstrap; g = bootstrap.payment_gateway();"
        "print(type(g).__name__, 'stripe' in sys.modules)"
    )
    env = {"PATH": "/usr/bin:/bin", "CRM_STRIPE_API_BASE": "http://127.0.0.1:1"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["StripeGateway", "False"]
