"""Cheques after they are received: a post-dated one cleared on or after its date, any one bounced."""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.payments import Payment, bounce, clear
from chalicelib.domain.periods import local_date
from chalicelib.services.payment_changes import read_invoices, write
from chalicelib.store import payments


def _today(payment: Payment, now: datetime) -> date:
    from chalicelib.domain.errors import NotFound
    from chalicelib.store import customers

    try:
        timezone = customers.get(payment.customer_id).timezone or "UTC"
    except NotFound:
        timezone = "UTC"
    return local_date(now, timezone)


def clear_cheque(payment_id: str, *, actor: Actor, now: datetime) -> Payment:
    """From now on its allocations pay their invoices (each at most what is still open)."""
    before = payments.get(payment_id, consistent=True)
    stored = read_invoices(a.invoice_id for a in before.allocations)
    after = clear(before, _today(before, now), {i: invoice.open_minor for i, invoice in stored.items()})
    return write(before, after, action="payment.cleared", actor=actor, now=now, stored=stored)


def bounce_cheque(payment_id: str, reason: str, *, actor: Actor, now: datetime) -> Payment:
    """The bank returned it: the invoices it paid owe that again."""
    before = payments.get(payment_id, consistent=True)
    after = bounce(before, reason, _today(before, now))
    return write(before, after, action="payment.bounced", actor=actor, now=now)
