"""Allocating a payment's unallocated amount to invoices, and taking an allocation back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.payments import Payment, allocate, unallocate
from chalicelib.services.payment_changes import allocations, write
from chalicelib.store import payments


def allocate_payment(payment_id: str, raw: Any, *, actor: Actor, now: datetime) -> Payment:
    """`raw`: [{"invoice_id", "amount_minor" | "amount"}]; each at most the invoice's open amount."""
    before = payments.get(payment_id, consistent=True)
    amounts, stored = allocations(raw, before.currency)
    if not amounts:
        raise ValidationError("choose an invoice and the amount to allocate to it", field="allocations")
    after = allocate(before, stored, amounts)
    return write(before, after, action="payment.allocated", actor=actor, now=now, stored=stored)


def unallocate_payment(payment_id: str, invoice_id: str, *, actor: Actor, now: datetime) -> Payment:
    """The invoice owes again what this payment paid it; the amount goes back on account."""
    before = payments.get(payment_id, consistent=True)
    after = unallocate(before, invoice_id)
    return write(before, after, action="payment.unallocated", actor=actor, now=now)
