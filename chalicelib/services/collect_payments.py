"""The card payment job (B5, B25): first charges of newly issued invoices, retries on the template's
schedule, and attempts whose outcome is not known yet looked up at Stripe (never charged again)."""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.card_payments import (
    RESOLVE_AFTER,
    Attempt,
    Collection,
    State,
    Trigger,
    chargeable,
    collection_for,
    settled,
    unavailable,
)
from chalicelib.domain.errors import Conflict
from chalicelib.domain.invoices import Invoice
from chalicelib.services.charge_invoice import SYSTEM, ChargeOutcome, apply_result, charge
from chalicelib.store import cards, collections

if TYPE_CHECKING:
    from chalicelib.adapters.payments_gateway import Charge

log = logging.getLogger(__name__)


def collect_due(now: datetime, limit: int = 500) -> dict[str, Any]:
    """Everything whose time has come. Safe to run twice at once: each attempt is claimed by a
    conditional write, so the slower runner skips it."""
    counts: Counter[str] = Counter()
    for collection in collections.due(now, limit=limit):
        try:
            outcome = step(collection, now)
        except Exception:  # one invoice's trouble must not stop the others; it stays due
            log.exception("card payment of invoice %s failed", collection.invoice_id)
            counts["errors"] += 1
            continue
        counts[outcome.status] += 1
    return {"card_" + k: v for k, v in sorted(counts.items())}


def step(collection: Collection, now: datetime) -> ChargeOutcome:
    attempt = collection.open_attempt
    if attempt is not None:
        return resolve(collection, attempt, now)
    trigger = Trigger.RETRY if collection.first_failed_at else Trigger.ISSUED
    return charge(collection.invoice_id, trigger, actor=SYSTEM, now=now)


def resolve(collection: Collection, attempt: Attempt, now: datetime) -> ChargeOutcome:
    """An attempt with no known outcome: what Stripe has for it decides; nothing found after a while
    means the request never arrived, and the attempt is closed without counting as a try."""
    from chalicelib import bootstrap
    from chalicelib.adapters.payments_gateway import GatewayUnavailable

    gateway = bootstrap.payment_gateway()
    profile = cards.profile(collection.customer_id)
    found: Charge | None
    try:
        if attempt.intent_id:
            found = gateway.payment_intent(attempt.intent_id)
        elif profile is not None:
            found = gateway.find_charge(
                stripe_customer_id=profile.stripe_customer_id, attempt_key=attempt.key
            )
        else:
            found = None
    except GatewayUnavailable as error:
        _bump(collection, now)
        return ChargeOutcome("pending", f"Stripe could not be asked about the payment: {error}")
    if found is not None:
        return apply_result(collection.invoice_id, attempt.key, found, now)
    if now - attempt.started_at < RESOLVE_AFTER:
        _bump(collection, now)
        return ChargeOutcome("pending", "waiting for Stripe")
    after = unavailable(collection, attempt.key, "the charge never reached Stripe", now)
    with contextlib.suppress(Conflict):
        collections.save(collection, after)
    return ChargeOutcome("failed", "the charge never reached Stripe: it is tried again")


def _bump(collection: Collection, now: datetime) -> None:
    with contextlib.suppress(Conflict):
        collections.save(collection, replace(collection, next_try_at=now + RESOLVE_AFTER))


def start_autopay(invoice: Invoice, *, now: datetime) -> ChargeOutcome | None:
    """An invoice issued by hand: charged at once when the customer pays automatically by card."""
    if not chargeable(invoice):
        return None
    profile = cards.get(invoice.customer_id)
    if profile is None or not profile.charges_automatically:
        return None
    with contextlib.suppress(Conflict):  # already started
        collections.save(None, collection_for(invoice, now))
    return charge(invoice.id, Trigger.ISSUED, actor=SYSTEM, now=now)


def retry_after_new_card(customer_id: str, *, actor: Actor, now: datetime) -> dict[str, int]:
    """One immediate retry of each declined, unpaid invoice of the customer with the new card."""
    counts: Counter[str] = Counter()
    for collection in collections.of_customer(customer_id, limit=200):
        if collection.state not in (State.FAILED, State.STOPPED) or collection.open_attempt is not None:
            continue
        try:
            outcome = charge(collection.invoice_id, Trigger.CARD_UPDATED, actor=actor, now=now)
        except Exception:
            log.exception("retry with the new card of invoice %s failed", collection.invoice_id)
            counts["errors"] += 1
            continue
        counts[outcome.status] += 1
    return dict(counts)


def invoices_paid(paid: list[Invoice], *, now: datetime) -> None:
    """Paid (or credited) in full outside the card: no more charges, and the contract's dunning is
    checked, so paying the open invoices in any way brings it back to ok."""
    from chalicelib.services.dunning_run import check_recovery

    found = collections.of_invoices([i.id for i in paid])
    for collection in found.values():
        if collection.state in (State.PAID, State.SETTLED):
            continue
        with contextlib.suppress(Conflict):
            collections.save(collection, settled(collection, "paid otherwise"))
    for owner in {(c.contract_id, c.customer_id) for c in found.values() if c.first_failed_at}:
        try:
            check_recovery(*owner, now=now)
        except Exception:  # the payment is saved; the dunning job restores the contract on its next run
            log.exception("dunning check after payment failed for %s", owner)
