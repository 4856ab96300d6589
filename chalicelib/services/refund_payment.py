"""Refunds of card payments (full or partial) through Stripe, each recorded with a credit note.

The refund is checked and its credit note built before Stripe is asked; Stripe's refund id is kept
on the payment, so the refund recorded from the admin page and the one Stripe reports by webhook
(charge.refunded) are the same record, whichever arrives first. A refund made in Stripe's own
dashboard arrives only by webhook and is recorded the same way.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.invoice_documents import credit_note, issued_credit_note
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.money import format_amount
from chalicelib.domain.payments import Payment, Refund, paid_changes, refund_share, refunded
from chalicelib.domain.periods import local_date
from chalicelib.store import audit, invoices, payments, records

log = logging.getLogger(__name__)
STRIPE = Actor("stripe", "Stripe")
MAX_RACES = 3


def refund_payment(payment_id: str, data: dict[str, Any], *, actor: Actor, now: datetime) -> Payment:
    """data: {"full": true} or {"amount": "12.50"} / {"amount_minor": 1250}, and an optional reason."""
    from chalicelib import bootstrap
    from chalicelib.services.card_setup import gateway_errors
    from chalicelib.services.payment_changes import amount as read_amount

    payment = payments.get(payment_id, consistent=True)
    full = data.get("full") in (True, "1", "on", "true", "yes")
    minor = payment.refundable_minor if full else read_amount(data, payment.currency, "amount")
    reason = str(data.get("reason") or "").strip()[:500]
    invoice_id, share = refund_share(payment, minor)
    if invoice_id:  # the credit note must be possible before money moves
        _credit_note(invoices.get(invoice_id, consistent=True), share, reason, now)
    if not payment.reference.startswith("pi_"):
        raise ValidationError("this card payment has no Stripe payment to refund", field="payment_id")
    with gateway_errors():
        done = bootstrap.payment_gateway().refund(
            intent_id=payment.reference,
            amount_minor=minor,
            idempotency_key=f"crm-refund-{payment.id}-{len(payment.refunds) + 1}",
        )
    if done.status == "failed":
        raise ValidationError("Stripe could not refund this payment", field="amount")
    return record_refund(payment.id, done.refund_id, minor, reason, actor=actor, now=now)


def record_refund(
    payment_id: str, refund_id: str, amount_minor: int, reason: str, *, actor: Actor, now: datetime
) -> Payment:
    """Keeps a refund Stripe made (once per refund id), with its credit note, in one transaction."""
    from chalicelib.services.issue_invoice import write_numbered
    from chalicelib.store import customers

    for _race in range(MAX_RACES):
        before = payments.get(payment_id, consistent=True)
        if any(r.id == refund_id for r in before.refunds):
            return before
        today = local_date(now, customers.get(before.customer_id).timezone or "UTC")
        invoice_id, share = refund_share(before, amount_minor)
        if not invoice_id:
            after = refunded(before, Refund(refund_id, amount_minor, today, reason))
            try:
                return payments.save(before, after, [], [_entry(actor, before, after, now)])
            except Conflict:
                continue
        invoice = invoices.get(invoice_id, consistent=True)
        note = _credit_note(invoice, share, reason or "refund", now)
        after = refunded(before, Refund(refund_id, amount_minor, today, reason, invoice_id, note.id))
        try:
            write_numbered(
                None,
                partial(_numbered, note=note, today=today),
                today,
                actor,
                now,
                partial(
                    _with_payment,
                    before=before,
                    after=after,
                    invoice=invoice,
                    note=note,
                    actor=actor,
                    now=now,
                ),
            )
        except Conflict:
            continue
        return payments.get(payment_id, consistent=True)
    raise Conflict("the payment is being changed by someone else: try the refund again")


def _numbered(number: str, *, note: Invoice, today: date) -> Invoice:
    return issued_credit_note(note, number, today)


def _with_payment(
    change: records.Change,
    *,
    before: Payment,
    after: Payment,
    invoice: Invoice,
    note: Invoice,
    actor: Actor,
    now: datetime,
) -> None:
    """The payment's refund and the invoice (less paid, more credited) in the credit note's transaction."""
    delta = paid_changes(before, after).get(invoice.id, 0)
    changed = replace(
        invoice,
        paid_minor=max(0, invoice.paid_minor + delta),
        credited_minor=invoice.credited_minor + note.total_minor,
    )
    records.save_version(change, lambda v: payments.to_item(after, v), before.version)
    invoices.saved(invoice, changed, change, f"invoice {invoice.number} was changed meanwhile: try again")
    change.save(audit.to_item(_entry(actor, before, after, now)))


def _entry(actor: Actor, before: Payment, after: Payment, now: datetime) -> Any:
    last = after.refunds[-1]
    return actor.entry(
        "payment",
        after.id,
        "payment.refunded",
        now,
        {"refunded_minor": before.refunded_minor},
        {"refunded_minor": after.refunded_minor, "refund": last.id, "amount_minor": last.amount_minor},
    )


def _credit_note(invoice: Invoice, gross_minor: int, reason: str, now: datetime) -> Invoice:
    """A credit note for `gross_minor` in total (tax included): the whole invoice, or its lines scaled
    down, nudged by a cent or two so that the tax rounding lands exactly on the refund."""
    if invoice.kind != "invoice" or invoice.is_draft:
        raise ValidationError("the payment's invoice cannot take a credit note", field="amount")
    if gross_minor > invoice.creditable_minor:
        raise ValidationError(
            "the invoice can be credited only "
            f"{format_amount(invoice.creditable_minor, invoice.currency)} more",
            field="amount",
        )
    reason = reason or "refund"
    if gross_minor == invoice.total_minor:
        return credit_note(invoice, None, note_id=new_id(), reason=reason, now=now)
    amounts = {
        i: line.amount_minor * gross_minor // invoice.total_minor
        for i, line in enumerate(invoice.lines)
        if line.amount_minor > 0
    }
    if not amounts:
        raise ValidationError("the invoice has no line to credit", field="amount")
    largest = max(amounts, key=lambda i: invoice.lines[i].amount_minor)
    note_id = new_id()
    for _nudge in range(6):
        note = credit_note(
            invoice, {i: a for i, a in amounts.items() if a > 0}, note_id=note_id, reason=reason, now=now
        )
        gap = gross_minor - note.total_minor
        if gap == 0:
            return note
        amounts[largest] += gap if abs(gap) > 1 else (1 if gap > 0 else -1)
    raise ValidationError(
        "the refund cannot be matched by a credit note: refund in full or by line", field="amount"
    )


def record_stripe_refund(intent_id: str, refunds: list[tuple[str, int]], *, now: datetime) -> str:
    """charge.refunded: every refund Stripe lists that is not recorded yet (made in Stripe's dashboard,
    or by us and not saved yet)."""
    payment = payments.by_intent(intent_id)
    if payment is None:
        return f"ignored: no card payment of ours for {intent_id or 'a payment without an intent'}"
    added = 0
    for refund_id, amount in refunds:
        if any(r.id == refund_id for r in payment.refunds) or amount <= 0:
            continue
        payment = record_refund(payment.id, refund_id, amount, "refunded in Stripe", actor=STRIPE, now=now)
        added += 1
    if not added:
        return "ignored: every refund is recorded already"
    return f"processed: {added} refund(s) recorded on payment {payment.id}"


def record_dispute(intent_id: str, amount_minor: int, reason: str, dispute_id: str, *, now: datetime) -> str:
    """A chargeback: staff are told at once (evidence is due within days) and it is in the history."""
    from chalicelib import bootstrap
    from chalicelib.services.dunning_mail import _send

    payment = payments.by_intent(intent_id)
    if payment is None:
        return f"ignored: no card payment of ours for {intent_id or 'a payment without an intent'}"
    entry = STRIPE.entry(
        "payment",
        payment.id,
        "payment.disputed",
        now,
        None,
        {"dispute": dispute_id, "amount_minor": amount_minor, "reason": reason},
    )
    records.commit(records.Change(audit=entry))
    settings = bootstrap.settings()
    _send(
        settings.company_email,
        "payment_disputed",
        {
            "payment_id": payment.id,
            "amount": format_amount(amount_minor, payment.currency),
            "reason": reason or "not given",
            "dispute_id": dispute_id,
            "admin_url": f"{settings.base_url}/admin/payments/{payment.id}",
        },
        now,
    )
    return f"processed: dispute {dispute_id} on payment {payment.id}; staff told"
