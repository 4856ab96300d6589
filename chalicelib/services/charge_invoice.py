"""Charging one invoice to the customer's saved card (B5), and applying what Stripe answers.

The attempt is saved (conditionally) before Stripe is called, with an idempotency key derived from the
invoice and the attempt number; the answer is saved after. A crash or timeout in between leaves the
attempt pending: the job looks it up at Stripe later instead of charging again. The invoice is marked
paid only when Stripe confirms, synchronously or by webhook, whichever comes first; the other finds
the collection paid and does nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from chalicelib.domain.audit import Actor
from chalicelib.domain.card_payments import (
    Attempt,
    Collection,
    State,
    Trigger,
    chargeable,
    collection_for,
    declined,
    settled,
    start_attempt,
    still_pending,
    succeeded,
    unavailable,
)
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.money import format_amount
from chalicelib.domain.payments import Method, Received, allocate, new_payment
from chalicelib.domain.periods import local_date
from chalicelib.store import cards, collections, invoices, records

log = logging.getLogger(__name__)
SYSTEM = Actor("job:collect_payments", "Card payments")
MAX_RACES = 3


@dataclass(frozen=True)
class ChargeOutcome:
    status: str  # paid | failed | pending
    message: str


def pay_now(invoice_id: str, *, actor: Actor, now: datetime) -> ChargeOutcome:
    """The customer (or staff) asks to charge the saved card now, whatever the retry schedule says."""
    trigger = Trigger.PAY_NOW if actor.id.startswith("customer:") else Trigger.STAFF
    return charge(invoice_id, trigger, actor=actor, now=now)


def charge(invoice_id: str, trigger: Trigger, *, actor: Actor, now: datetime) -> ChargeOutcome:
    invoice = invoices.get(invoice_id, consistent=True)
    before = collections.get(invoice_id)
    if not chargeable(invoice):
        if before is not None and before.state not in (State.PAID, State.SETTLED):
            _save_quietly(before, settled(before, "nothing left to pay"))
        reason = "it is a draft" if invoice.is_draft else "nothing is left to pay"
        if invoice.kind != "invoice":
            reason = f"it is a {invoice.kind.replace('_', ' ')}"
        return ChargeOutcome("paid" if invoice.owes else "failed", f"not charged: {reason}")
    profile = cards.get(invoice.customer_id, consistent=True)
    if profile is None or profile.card is None:
        if trigger in (Trigger.PAY_NOW, Trigger.STAFF):
            raise ValidationError("no card is saved for this customer: save one first", field="card")
        if before is not None:
            stop = replace(before, state=State.STOPPED, next_try_at=None, stop_reason="no card saved")
            _save_quietly(before, stop)
        return ChargeOutcome("failed", "no card saved")
    if before is None:
        try:
            before = collections.save(None, collection_for(invoice, now))
        except Conflict:
            before = collections.get(invoice_id)
            assert before is not None
    try:
        started = collections.save(before, start_attempt(before, trigger, invoice.open_minor, now))
    except Conflict as refused:
        # Another runner started one (or the schedule says not yet): never a second charge.
        return ChargeOutcome("pending", refused.message)
    attempt = started.attempts[-1]
    return _send(started, attempt, invoice, profile.stripe_customer_id, profile.card.payment_method_id, now)


def _send(
    collection: Collection,
    attempt: Attempt,
    invoice: Invoice,
    stripe_customer: str,
    method: str,
    now: datetime,
) -> ChargeOutcome:
    from chalicelib import bootstrap
    from chalicelib.adapters.payments_gateway import GatewayError, GatewayUnavailable

    try:
        result = bootstrap.payment_gateway().charge(
            stripe_customer_id=stripe_customer,
            payment_method_id=method,
            amount_minor=attempt.amount_minor,
            currency=invoice.currency,
            idempotency_key=attempt.key,
            metadata={"crm_invoice": invoice.id, "crm_customer": invoice.customer_id},
        )
    except GatewayUnavailable as error:
        reason = str(error)
        if error.outcome_unknown:
            _update(invoice.id, lambda c: still_pending(c, attempt.key, "", reason, now))
            return ChargeOutcome(
                "pending", "Stripe did not answer in time: the payment is checked again soon"
            )
        _update(invoice.id, lambda c: unavailable(c, attempt.key, reason, now))
        return ChargeOutcome("failed", "Stripe is busy or unreachable: the charge is tried again soon")
    except GatewayError as error:
        return apply_failure(invoice.id, attempt.key, "", "request_refused", str(error), now)
    return apply_result(invoice.id, attempt.key, result, now)


def apply_result(invoice_id: str, key: str, result: object, now: datetime) -> ChargeOutcome:
    """Stripe's answer for the attempt `key` (a gateway Charge), from the call or a later look-up."""
    status = getattr(result, "status", "")
    intent_id = getattr(result, "intent_id", "")
    if status == "succeeded":
        return apply_success(invoice_id, key, intent_id, int(getattr(result, "amount_minor", 0)), now)
    if status == "failed":
        code = getattr(result, "decline_code", "") or "card_declined"
        return apply_failure(invoice_id, key, intent_id, code, getattr(result, "message", ""), now)
    if status == "requires_action":  # off-session: the bank wants the customer; they pay from the link
        return apply_failure(
            invoice_id,
            key,
            intent_id,
            "authentication_required",
            "the bank asks the customer to confirm",
            now,
        )
    _update(invoice_id, lambda c: still_pending(c, key, intent_id, f"Stripe says {status}", now))
    return ChargeOutcome("pending", f"Stripe is processing the payment ({status})")


def card_payment_id(key: str) -> str:
    """One payment per attempt, whoever records it first (the call's answer or the webhook)."""
    return "card-" + key.removeprefix("crm-invoice-")


def apply_success(
    invoice_id: str, key: str, intent_id: str, amount_minor: int, now: datetime
) -> ChargeOutcome:
    """Records the card payment, allocated to the invoice, with the collection marked paid: one
    transaction. A second report of the same success finds it paid and changes nothing."""
    from chalicelib.services.payment_changes import write
    from chalicelib.store import customers

    for _race in range(MAX_RACES):
        collection = collections.get(invoice_id)
        if collection is None:
            return ChargeOutcome("failed", f"no card payment was started for invoice {invoice_id}")
        if collection.state is State.PAID:
            return ChargeOutcome("paid", "already paid")
        invoice = invoices.get(invoice_id, consistent=True)
        attempt = collection.attempt(key)
        amount = amount_minor or (attempt.amount_minor if attempt else 0)
        if amount <= 0:
            return ChargeOutcome("failed", "Stripe reported a payment without an amount")
        today = local_date(now, customers.get(invoice.customer_id).timezone or "UTC")
        payment = new_payment(
            card_payment_id(key),
            Received(
                customer_id=invoice.customer_id,
                currency=collection.currency,
                amount_minor=amount,
                method=Method.CARD,
                received_on=today,
                reference=intent_id,
                note=f"card payment for invoice {invoice.number or invoice.id}",
            ),
            today=today,
            now=now,
        )
        share = min(amount, invoice.open_minor)
        if share > 0:  # paid otherwise meanwhile: the money stays on account, staff refund or allocate it
            payment = allocate(payment, {invoice.id: invoice}, {invoice.id: share})
        after = succeeded(collection, key, intent_id, payment.id, now)
        try:
            write(
                None,
                payment,
                action="payment.card",
                actor=SYSTEM,
                now=now,
                stored={invoice.id: invoice},
                also=partial(
                    _add_collection,
                    before=collection,
                    after=after,
                    payment_id=payment.id,
                    intent_id=intent_id,
                ),
            )
        except Conflict:
            continue  # the webhook and the call's answer raced, or the invoice changed: look again
        _after_paid(after, now)
        return ChargeOutcome("paid", f"paid {format_amount(amount, collection.currency)} by card")
    return ChargeOutcome("pending", "the payment is being recorded by another process")


def _add_collection(
    change: records.Change, *, before: Collection, after: Collection, payment_id: str, intent_id: str
) -> None:
    from chalicelib.domain import lookups
    from chalicelib.store import payments

    collections.add_to(change, before, after)
    if intent_id:  # refunds and disputes name the PaymentIntent: this finds the payment
        change.lookups(lookups.ref("payment", payment_id), (), [payments.intent_key(intent_id)])


def _after_paid(collection: Collection, now: datetime) -> None:
    from chalicelib.services.dunning_run import check_recovery

    try:
        check_recovery(collection.contract_id, collection.customer_id, now=now)
    except Exception:  # the payment is recorded; the dunning job restores the contract on its next run
        log.exception("dunning check after payment of %s failed", collection.invoice_id)


def apply_failure(
    invoice_id: str, key: str, intent_id: str, code: str, message: str, now: datetime
) -> ChargeOutcome:
    """A decline: the next retry scheduled (template's retry days) or charging stopped; audited on the
    invoice; the customer emailed. A failure reported late, after a success, changes nothing."""
    from chalicelib.services.dunning_run import on_failure

    for _race in range(MAX_RACES):
        collection = collections.get(invoice_id)
        if collection is None:
            return ChargeOutcome("failed", f"no card payment was started for invoice {invoice_id}")
        retry_days = _retry_days(collection)
        profile = cards.get(collection.customer_id)
        after = declined(
            replace(collection, retry_days=retry_days),
            key,
            intent_id=intent_id,
            code=code,
            message=message,
            has_card=profile is not None,
            now=now,
        )
        if after.attempts == collection.attempts:
            return ChargeOutcome("paid" if collection.state is State.PAID else "failed", "nothing changed")
        attempt = after.attempt(key)
        assert attempt is not None
        change = records.Change(conflict_message=collections.CONFLICT)
        change.audit = SYSTEM.entry(
            "invoice",
            invoice_id,
            "invoice.card_declined",
            now,
            None,
            {
                "attempt": attempt.number,
                "decline_code": attempt.decline_code,
                "message": message,
                "next_try_at": after.next_try_at.isoformat() if after.next_try_at else None,
                "stopped": after.stop_reason,
            },
        )
        collections.add_to(change, collection, after)
        try:
            records.commit(change)
        except Conflict:
            continue
        try:
            on_failure(after, attempt, now=now)
        except Exception:  # the decline is recorded; dunning's emails are retried by the mail job
            log.exception("dunning after the decline of %s failed", invoice_id)
        text = f"declined ({attempt.decline_code})" + (f": {message}" if message else "")
        return ChargeOutcome("failed", text)
    return ChargeOutcome("pending", "the decline is being recorded by another process")


def _retry_days(collection: Collection) -> tuple[int, ...]:
    """The contract template's retry days as they are now (edits apply to the next failure)."""
    from chalicelib.domain.errors import NotFound
    from chalicelib.store import contract_templates, contracts

    if not collection.contract_id:
        return collection.retry_days
    try:
        contract = contracts.get(collection.contract_id)
        return contract_templates.get(contract.template_id).retry_days
    except NotFound:
        return collection.retry_days


def _update(invoice_id: str, change_it: Callable[[Collection], Collection]) -> None:
    for _race in range(MAX_RACES):
        collection = collections.get(invoice_id)
        if collection is None:
            return
        after = change_it(collection)
        if after == collection:
            return
        try:
            collections.save(collection, after)
            return
        except Conflict:
            continue


def _save_quietly(before: Collection, after: Collection) -> None:
    if after == before:
        return
    with contextlib.suppress(Conflict):  # someone else moved it on: their state wins
        collections.save(before, after)
