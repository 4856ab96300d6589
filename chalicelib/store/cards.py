"""Payment profiles: a customer's Stripe customer and saved card (brand, last 4, expiry only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.card_payments import Card, SavedCard
from chalicelib.store import audit, records
from chalicelib.store.models_cards import PaymentProfileModel

CONFLICT = "the customer's card was changed meanwhile: reload and try again"


def to_item(profile: SavedCard, version: int) -> PaymentProfileModel:
    card = profile.card
    return PaymentProfileModel(
        customer_id=profile.customer_id,
        stripe_customer_id=profile.stripe_customer_id,
        has_card="card" if card else None,
        expiry_key=f"{card.exp_year:04d}-{card.exp_month:02d}#{profile.customer_id}" if card else None,
        body={
            "card": card.__dict__ if card else None,
            "autopay": profile.autopay,
            "notices": list(profile.notices),
        },
        updated_at=profile.updated_at,
        version=version,
    )


def from_item(item: Any) -> SavedCard:
    body = item.body
    raw = body.get("card")
    card = (
        Card(
            payment_method_id=raw["payment_method_id"],
            brand=raw.get("brand", "card"),
            last4=raw.get("last4", ""),
            exp_month=int(raw["exp_month"]),
            exp_year=int(raw["exp_year"]),
        )
        if raw
        else None
    )
    return SavedCard(
        customer_id=item.customer_id,
        stripe_customer_id=item.stripe_customer_id,
        card=card,
        autopay=bool(body.get("autopay", True)),
        updated_at=item.updated_at,
        notices=tuple(body.get("notices", ())),
        version=int(item.version or 1),
    )


def profile(customer_id: str, *, consistent: bool = False) -> SavedCard | None:
    try:
        return from_item(PaymentProfileModel.get(customer_id, consistent_read=consistent))
    except DoesNotExist:
        return None


def get(customer_id: str, *, consistent: bool = False) -> SavedCard | None:
    """The customer's profile when a card is saved on it, else None."""
    found = profile(customer_id, consistent=consistent)
    return found if found and found.card else None


def of_customers(customer_ids: list[str]) -> dict[str, SavedCard]:
    ids = list(dict.fromkeys(i for i in customer_ids if i))
    return {p.customer_id: p for p in (from_item(i) for i in PaymentProfileModel.batch_get(ids))}


def by_stripe_customer(stripe_customer_id: str) -> SavedCard | None:
    if not stripe_customer_id:
        return None
    for item in PaymentProfileModel.by_stripe_customer.query(stripe_customer_id, limit=1):
        return from_item(item)
    return None


def expiring_by(last_month: date, limit: int = 1000) -> list[SavedCard]:
    """Profiles whose card expires in `last_month`'s month or earlier."""
    upper = f"{last_month.year:04d}-{last_month.month:02d}$"
    found = PaymentProfileModel.expiring.query(
        "card", range_key_condition=PaymentProfileModel.expiry_key < upper, limit=limit
    )
    return [from_item(i) for i in found]


def add_to(change: records.Change, before: SavedCard | None, after: SavedCard) -> SavedCard:
    """Adds the profile's next version to `change`, conditional on the stored one being `before`."""
    item = records.save_version(change, lambda v: to_item(after, v), before.version if before else None)
    change.messages[id(item)] = CONFLICT
    return replace(after, version=int(item.version))


def save(before: SavedCard | None, after: SavedCard, entry: AuditEntry | None = None) -> SavedCard:
    change = records.Change(conflict_message=CONFLICT)
    saved = add_to(change, before, after)
    if entry is not None:
        change.save(audit.to_item(entry))
    records.commit(change)
    return saved
