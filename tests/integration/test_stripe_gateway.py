"""The Stripe gateway against localstripe (started by `make test`) and against small local HTTP
servers that time out, fail with 500 or rate-limit, the way Stripe sometimes does."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chalicelib.adapters.payments_gateway import (
    CardDetails,
    CardRefused,
    Charge,
    GatewayError,
    GatewayUnavailable,
    StripeGateway,
)

KEY = "sk_test_gateway_4f8a1c"


@pytest.fixture
def gateway(engines: dict[str, str]) -> StripeGateway:
    return StripeGateway(KEY, api_base=engines["stripe"])


def _customer(gateway: StripeGateway) -> str:
    # localstripe is shared by every test worker: unique ids keep this test's objects apart.
    return gateway.create_customer(
        customer_id=f"C-{uuid.uuid4().hex[:8]}", name="Anna Nováková", email="a@x.sk"
    )


def _saved_card(gateway: StripeGateway, customer: str, number: str) -> CardDetails:
    setup = gateway.start_card_setup(customer)
    return gateway.confirm_card_setup_dev(
        setup.setup_intent_id, number=number, exp_month=12, exp_year=2030, cvc="123"
    )


def _charge(gateway: StripeGateway, customer: str, card: CardDetails, amount: int, key: str) -> Charge:
    return gateway.charge(
        stripe_customer_id=customer,
        payment_method_id=card.payment_method_id,
        amount_minor=amount,
        currency="EUR",
        idempotency_key=key,
        metadata={"invoice_id": "INV-1"},
    )


def test_a_saved_card_shows_brand_last4_and_expiry(gateway: StripeGateway) -> None:
    customer = _customer(gateway)
    assert customer.startswith("cus_")
    setup = gateway.start_card_setup(customer)
    assert setup.setup_intent_id.startswith("seti_") and setup.client_secret.startswith(setup.setup_intent_id)

    card = gateway.confirm_card_setup_dev(
        setup.setup_intent_id, number="4242 4242 4242 4242", exp_month=12, exp_year=2030, cvc="123"
    )

    assert card.payment_method_id.startswith("pm_")
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("visa", "4242", 12, 2030)
    assert card.stripe_customer_id == customer
    assert gateway.card_of_setup(setup.setup_intent_id) == card
    assert gateway.card(card.payment_method_id) == card


def test_a_card_the_bank_refuses_is_not_saved(gateway: StripeGateway) -> None:
    customer = _customer(gateway)
    setup = gateway.start_card_setup(customer)

    with pytest.raises(CardRefused) as refused:
        gateway.confirm_card_setup_dev(
            setup.setup_intent_id, number="4000000000000002", exp_month=12, exp_year=2030, cvc="123"
        )
    assert refused.value.code == "card_declined"
    assert refused.value.message == "Your card was declined."
    with pytest.raises(GatewayError, match="card setup is not finished"):
        gateway.card_of_setup(setup.setup_intent_id)


def test_card_details_that_are_not_valid_are_refused_with_a_clear_message(gateway: StripeGateway) -> None:
    setup = gateway.start_card_setup(_customer(gateway))

    with pytest.raises(CardRefused) as refused:
        gateway.confirm_card_setup_dev(
            setup.setup_intent_id, number="4242", exp_month=12, exp_year=2030, cvc="1"
        )

    assert refused.value.code == "invalid_card"
    assert "check the number, the expiry date and the CVC" in refused.value.message


def test_a_card_that_declines_off_session_is_saved_and_its_charge_fails(gateway: StripeGateway) -> None:
    customer = _customer(gateway)
    card = _saved_card(gateway, customer, "4000000000000341")
    assert card.last4 == "0341"
    key = f"inv-1-attempt-{uuid.uuid4().hex}"

    charge = _charge(gateway, customer, card, 1250, key)

    assert charge.status == "failed"
    assert charge.decline_code == "card_declined"  # localstripe's only code; Stripe adds decline_code
    assert charge.message == "Your card was declined."
    assert (charge.amount_minor, charge.currency) == (1250, "EUR")
    # localstripe's error names only the charge: the gateway finds the PaymentIntent through it.
    assert charge.intent_id.startswith("pi_") and charge.charge_id.startswith("ch_")
    found = gateway.find_charge(stripe_customer_id=customer, attempt_key=key)
    assert found == charge
    assert gateway.payment_intent(charge.intent_id) == charge


def test_a_successful_charge_is_found_again_by_its_attempt_key(gateway: StripeGateway) -> None:
    customer = _customer(gateway)
    card = _saved_card(gateway, customer, "4242424242424242")
    key = f"inv-2-attempt-{uuid.uuid4().hex}"

    charge = _charge(gateway, customer, card, 9900, key)

    assert charge.status == "succeeded"
    assert (charge.amount_minor, charge.currency, charge.decline_code, charge.message) == (
        9900,
        "EUR",
        "",
        "",
    )
    assert charge.intent_id.startswith("pi_") and charge.charge_id.startswith("ch_")
    assert gateway.find_charge(stripe_customer_id=customer, attempt_key=key) == charge
    assert gateway.find_charge(stripe_customer_id=customer, attempt_key=key + "-other") is None
    assert gateway.find_charge(stripe_customer_id=_customer(gateway), attempt_key=key) is None
    assert gateway.payment_intent(charge.intent_id) == charge


def test_refunds_partial_then_the_rest_but_never_more_than_was_paid(gateway: StripeGateway) -> None:
    customer = _customer(gateway)
    card = _saved_card(gateway, customer, "4242424242424242")
    charge = _charge(gateway, customer, card, 1000, f"inv-3-{uuid.uuid4().hex}")
    first_key = f"refund-{uuid.uuid4().hex}"

    first = gateway.refund(intent_id=charge.intent_id, amount_minor=400, idempotency_key=first_key)
    again = gateway.refund(intent_id=charge.intent_id, amount_minor=400, idempotency_key=first_key)

    assert first.refund_id.startswith("re_") and (first.status, first.amount_minor) == ("succeeded", 400)
    assert again == first  # the same key refunds once, even on localstripe (which ignores the header)
    with pytest.raises(GatewayError) as too_much:
        gateway.refund(
            intent_id=charge.intent_id, amount_minor=601, idempotency_key=f"refund-{uuid.uuid4().hex}"
        )
    assert too_much.value.message == (
        "The refund of 6.01 EUR is more than the 6.00 EUR left to refund on this payment."
    )
    rest = gateway.refund(
        intent_id=charge.intent_id, amount_minor=600, idempotency_key=f"refund-{uuid.uuid4().hex}"
    )
    assert rest.amount_minor == 600


def test_a_failed_payment_cannot_be_refunded(gateway: StripeGateway) -> None:
    customer = _customer(gateway)
    card = _saved_card(gateway, customer, "4000000000000341")
    charge = _charge(gateway, customer, card, 1000, f"inv-4-{uuid.uuid4().hex}")

    with pytest.raises(GatewayError, match="Only a completed payment can be refunded"):
        gateway.refund(intent_id=charge.intent_id, amount_minor=100, idempotency_key="refund-failed")


def test_a_request_stripe_refuses_is_a_permanent_error_that_names_the_step(gateway: StripeGateway) -> None:
    with pytest.raises(GatewayError) as refused:
        gateway.charge(
            stripe_customer_id="cus_doesnotexist",
            payment_method_id="pm_doesnotexist",
            amount_minor=100,
            currency="EUR",
            idempotency_key="k",
            metadata={},
        )
    assert not isinstance(refused.value, GatewayUnavailable)
    assert refused.value.message == "Stripe refused charging the card: Not Found."


# --- Stripe misbehaving: a real HTTP server on loopback answers like a struggling Stripe ---------------


class _FakeStripe(BaseHTTPRequestHandler):
    mode = ""
    requests: list[str] = []

    def _answer(self) -> None:
        self.requests.append(self.path)
        if self.mode == "slow":
            time.sleep(3)
            self._json(200, {"id": "cus_late", "object": "customer"})
        elif self.mode == "500":
            self._json(500, {"error": {"type": "api_error", "message": "An unknown error occurred"}})
        elif self.mode == "429":
            self._json(
                429,
                {"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Slow down"}},
            )
        elif self.mode in ("401", "400"):
            # A server that repeats the key it was sent: the gateway must not pass it on to staff.
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            message = (
                f"Invalid API Key provided: {key}" if self.mode == "401" else f"Key {key} may not do {key}"
            )
            self._json(int(self.mode), {"error": {"type": "invalid_request_error", "message": message}})

    do_GET = do_POST = _answer

    def _json(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (the timeout test)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_stripe() -> Iterator[tuple[str, type[_FakeStripe]]]:
    handler = type("Handler", (_FakeStripe,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _create_customer(base: str, *, timeout: float = 5.0) -> None:
    StripeGateway(KEY, api_base=base, timeout=timeout).create_customer(customer_id="C1", name="A", email="")


def test_a_timeout_is_unavailable_with_an_unknown_outcome(fake_stripe: tuple[str, type[_FakeStripe]]) -> None:
    base, handler = fake_stripe
    handler.mode = "slow"
    started = time.monotonic()

    with pytest.raises(GatewayUnavailable) as unavailable:
        _create_customer(base, timeout=0.5)

    assert time.monotonic() - started < 2.5  # the gateway's timeout, not the server's 3 s
    assert unavailable.value.outcome_unknown is True
    assert "Stripe did not answer while creating the Stripe customer" in unavailable.value.message
    assert handler.requests == ["/v1/customers"]  # no retry by the SDK


def test_http_500_is_unavailable_with_an_unknown_outcome(fake_stripe: tuple[str, type[_FakeStripe]]) -> None:
    base, handler = fake_stripe
    handler.mode = "500"

    with pytest.raises(GatewayUnavailable) as unavailable:
        _create_customer(base)

    assert unavailable.value.outcome_unknown is True
    assert "temporary problem (HTTP 500)" in unavailable.value.message
    assert handler.requests == ["/v1/customers"]


def test_http_429_is_unavailable_and_certainly_not_done(fake_stripe: tuple[str, type[_FakeStripe]]) -> None:
    base, handler = fake_stripe
    handler.mode = "429"

    with pytest.raises(GatewayUnavailable) as unavailable:
        _create_customer(base)

    assert unavailable.value.outcome_unknown is False
    assert "limiting how fast" in unavailable.value.message
    assert handler.requests == ["/v1/customers"]


def test_no_server_at_all_is_unavailable_with_an_unknown_outcome() -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(GatewayUnavailable) as unavailable:
        _create_customer(f"http://127.0.0.1:{port}")

    assert unavailable.value.outcome_unknown is True


@pytest.mark.parametrize("mode", ["401", "400"])
def test_an_error_that_repeats_the_api_key_does_not_show_it(
    fake_stripe: tuple[str, type[_FakeStripe]], mode: str
) -> None:
    base, handler = fake_stripe
    handler.mode = mode

    with pytest.raises(GatewayError) as failed:
        _create_customer(base)

    assert not isinstance(failed.value, GatewayUnavailable)
    assert handler.requests == ["/v1/customers"]  # the key did reach the server
    assert KEY not in failed.value.message and KEY not in str(failed.value)
    assert "sk_test" not in failed.value.message
