"""Recording a payment received by hand (S14), allocated to invoices at once or kept on account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.money import check_currency
from chalicelib.domain.payments import Payment, Received, allocate, new_payment, parse_method
from chalicelib.domain.periods import local_date, parse_day
from chalicelib.services.payment_changes import allocations, amount, text, write


def record_payment(data: dict[str, Any], *, actor: Actor, now: datetime) -> Payment:
    """Checks everything first: the payment, its allocations and their invoices are written together
    or, on any error, not at all."""
    from chalicelib.store import customers

    customer_id = text(data, "customer_id").strip()
    try:
        customer = customers.get(customer_id)
    except NotFound:
        raise ValidationError(f"no customer {customer_id!r}", field="customer_id") from None
    currency = check_currency(text(data, "currency") or customer.currency)
    today = local_date(now, customer.timezone or "UTC")
    received = Received(
        customer_id=customer.id,
        currency=currency,
        amount_minor=amount(data, currency, "amount"),
        method=parse_method(text(data, "method")),
        received_on=parse_day(text(data, "received_on"), "received_on") or today,
        reference=text(data, "reference"),
        bank=text(data, "bank"),
        note=text(data, "note"),
        cheque_date=parse_day(text(data, "cheque_date"), "cheque_date"),
    )
    payment = new_payment(new_id(), received, today=today, now=now)
    amounts, stored = allocations(data.get("allocations"), currency)
    if amounts:
        payment = allocate(payment, stored, amounts)
    return write(None, payment, action="payment.recorded", actor=actor, now=now, stored=stored)
