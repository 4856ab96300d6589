"""Stripe event handlers: what each incoming (verified, stored) webhook event does to our records.

Called by services.receive_stripe_event once per event id. Returns an outcome text that starts with
"processed: ..." or "ignored: ..."; raises for a transient failure (the event is then marked failed
and the endpoint answers 500, so Stripe sends it again).

Events may come late, twice (with new ids) or out of order: every handler applies a state change
only from a state that allows it (a failure after a success changes nothing, a success twice records
one payment), so the order of arrival does not matter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.card_payments import Card

STRIPE = Actor("stripe", "Stripe")


def handle(event: dict[str, Any], *, now: datetime) -> str:
    kind = str(event.get("type") or "")
    handler = HANDLERS.get(kind)
    if handler is None:
        return f"ignored: {kind or 'an event without a type'} is not handled"
    obj = (event.get("data") or {}).get("object") or {}
    if not isinstance(obj, dict):
        return f"ignored: {kind} without an object"
    return handler(obj, now)


def _ours(obj: dict[str, Any]) -> tuple[str, str] | None:
    metadata = obj.get("metadata") or {}
    invoice_id, key = metadata.get("crm_invoice"), metadata.get("crm_attempt")
    if not invoice_id or not key:
        return None
    return str(invoice_id), str(key)


def _payment_succeeded(obj: dict[str, Any], now: datetime) -> str:
    from chalicelib.services.charge_invoice import apply_success

    ours = _ours(obj)
    if ours is None:
        return f"ignored: payment {obj.get('id')} was not started by the CRM"
    invoice_id, key = ours
    amount = int(obj.get("amount_received") or obj.get("amount") or 0)
    outcome = apply_success(invoice_id, key, str(obj.get("id") or ""), amount, now)
    return f"processed: invoice {invoice_id} {outcome.status} ({outcome.message})"


def _payment_failed(obj: dict[str, Any], now: datetime) -> str:
    from chalicelib.services.charge_invoice import apply_failure

    ours = _ours(obj)
    if ours is None:
        return f"ignored: payment {obj.get('id')} was not started by the CRM"
    invoice_id, key = ours
    error = obj.get("last_payment_error") or {}
    code = str(error.get("decline_code") or error.get("code") or "card_declined")
    outcome = apply_failure(
        invoice_id, key, str(obj.get("id") or ""), code, str(error.get("message") or ""), now
    )
    if outcome.message == "nothing changed":
        return f"ignored: invoice {invoice_id} already has an outcome for this attempt ({outcome.status})"
    return f"processed: invoice {invoice_id} {outcome.status} ({outcome.message})"


def _profile_of(obj: dict[str, Any]) -> Any:
    from chalicelib.store import cards

    customer = obj.get("customer")
    if isinstance(customer, dict):
        customer = customer.get("id")
    return cards.by_stripe_customer(str(customer or ""))


def _setup_succeeded(obj: dict[str, Any], now: datetime) -> str:
    """A card saved through Stripe Checkout or Stripe.js (on AWS): kept like one saved here."""
    from chalicelib import bootstrap
    from chalicelib.services.card_setup import save_card

    profile = _profile_of(obj)
    if profile is None:
        return f"ignored: no customer of ours is Stripe customer {obj.get('customer')}"
    method = obj.get("payment_method")
    method_id = str(method.get("id") if isinstance(method, dict) else method or "")
    if not method_id:
        return "ignored: the setup has no payment method"
    if profile.card is not None and profile.card.payment_method_id == method_id:
        return "ignored: this card is already saved"
    details = bootstrap.payment_gateway().card(method_id)
    card = Card(details.payment_method_id, details.brand, details.last4, details.exp_month, details.exp_year)
    save_card(profile, card, actor=STRIPE, now=now)
    return f"processed: card {card.label} saved for customer {profile.customer_id}"


def _method_updated(obj: dict[str, Any], now: datetime) -> str:
    """The bank sent new details (expiry) for the saved card: kept, and expiry notices start again."""
    from dataclasses import replace

    from chalicelib.store import cards

    profile = _profile_of(obj)
    if profile is None:
        return f"ignored: no customer of ours is Stripe customer {obj.get('customer')}"
    if profile.card is None or profile.card.payment_method_id != obj.get("id"):
        return "ignored: not the card saved for the customer"
    raw = obj.get("card") or {}
    card = Card(
        profile.card.payment_method_id,
        str(raw.get("brand") or profile.card.brand),
        str(raw.get("last4") or profile.card.last4),
        int(raw.get("exp_month") or profile.card.exp_month),
        int(raw.get("exp_year") or profile.card.exp_year),
    )
    if card == profile.card:
        return "ignored: nothing changed"
    entry = STRIPE.entry(
        "customer", profile.customer_id, "card.updated", now, {"card": profile.label}, {"card": card.label}
    )
    cards.save(profile, replace(profile, card=card, notices=(), updated_at=now), entry)
    return f"processed: card details updated to {card.label}"


def _source_expiring(obj: dict[str, Any], now: datetime) -> str:
    from chalicelib.services.card_expiry_notices import notify

    profile = _profile_of(obj)
    if profile is None or profile.card is None:
        return f"ignored: no saved card for Stripe customer {obj.get('customer')}"
    sent = notify(profile, now=now, days=30)
    return "processed: expiry notice sent" if sent else "ignored: the notice was sent already"


def _refunded(obj: dict[str, Any], now: datetime) -> str:
    from chalicelib.services.refund_payment import record_stripe_refund

    intent = obj.get("payment_intent")
    intent_id = str(intent.get("id") if isinstance(intent, dict) else intent or "")
    listed = (obj.get("refunds") or {}).get("data") or []
    refunds = [(str(r.get("id")), int(r.get("amount") or 0)) for r in listed if isinstance(r, dict)]
    if not refunds and obj.get("amount_refunded"):  # an old shape without the list: one refund per total
        refunds = [(f"{obj.get('id')}-refunded-{obj.get('amount_refunded')}", int(obj["amount_refunded"]))]
    return record_stripe_refund(intent_id, refunds, now=now)


def _disputed(obj: dict[str, Any], now: datetime) -> str:
    from chalicelib.services.refund_payment import record_dispute

    intent = obj.get("payment_intent")
    intent_id = str(intent.get("id") if isinstance(intent, dict) else intent or "")
    return record_dispute(
        intent_id,
        int(obj.get("amount") or 0),
        str(obj.get("reason") or ""),
        str(obj.get("id") or ""),
        now=now,
    )


HANDLERS: dict[str, Callable[[dict[str, Any], datetime], str]] = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "setup_intent.succeeded": _setup_succeeded,
    "payment_method.updated": _method_updated,
    "payment_method.automatically_updated": _method_updated,
    "customer.source.expiring": _source_expiring,
    "charge.refunded": _refunded,
    "charge.dispute.created": _disputed,
}
