"""Payments received by hand (S14): bank transfers, cash, cheques and post-dated cheques.

A payment pays invoices through its allocations, but only while it is cleared: a post-dated cheque
is held until its date and pays nothing yet; a bounced cheque pays nothing any more. So what an
invoice has been paid changes by `paid_changes(before, after)` whenever a payment changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.money import format_amount

# Each allocation writes its invoice, an invoice audit entry and a lookup key in the payment's
# transaction (DynamoDB allows 100 writes in one): 30 keeps a bounce or a clear in one transaction.
MAX_ALLOCATIONS = 30
MAX_TEXT = {"reference": 100, "bank": 100, "note": 1000, "reason": 500}


class Method(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    CHEQUE = "cheque"
    POST_DATED_CHEQUE = "post_dated_cheque"
    CARD = "card"  # reserved: card payments will come from Stripe, never typed in

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def is_cheque(self) -> bool:
        return self in (Method.CHEQUE, Method.POST_DATED_CHEQUE)


LABELS = {
    Method.BANK_TRANSFER: "Bank transfer",
    Method.CASH: "Cash",
    Method.CHEQUE: "Cheque",
    Method.POST_DATED_CHEQUE: "Post-dated cheque",
    Method.CARD: "Card",
}
MANUAL_METHODS = (Method.BANK_TRANSFER, Method.CASH, Method.CHEQUE, Method.POST_DATED_CHEQUE)


class Status(StrEnum):
    HELD = "held"  # a post-dated cheque before it is banked
    CLEARED = "cleared"
    BOUNCED = "bounced"


@dataclass(frozen=True)
class Allocation:
    invoice_id: str
    number: str  # the invoice's number, kept for lists and statements
    amount_minor: int


@dataclass(frozen=True)
class Refund:
    """Money given back on a card payment (through Stripe), with the credit note it came with."""

    id: str  # Stripe's refund id
    amount_minor: int
    refunded_on: date
    reason: str = ""
    invoice_id: str = ""  # the invoice whose payment it took back ("" when from money on account)
    credit_note_id: str = ""


@dataclass(frozen=True)
class Payment:
    id: str
    customer_id: str
    currency: str
    amount_minor: int
    method: Method
    received_on: date
    status: Status
    created_at: datetime
    reference: str = ""  # bank reference, or the cheque number
    bank: str = ""  # the cheque's bank
    note: str = ""
    cheque_date: date | None = None  # a post-dated cheque may be banked from this day
    allocations: tuple[Allocation, ...] = ()
    cleared_on: date | None = None  # from this day it counts (set once, kept when it bounces)
    bounced_on: date | None = None
    bounce_reason: str = ""
    refunds: tuple[Refund, ...] = ()
    version: int = 1

    @property
    def allocated_minor(self) -> int:
        return sum(a.amount_minor for a in self.allocations)

    @property
    def refunded_minor(self) -> int:
        return sum(r.amount_minor for r in self.refunds)

    @property
    def refundable_minor(self) -> int:
        return self.amount_minor - self.refunded_minor if self.method is Method.CARD and self.counts else 0

    @property
    def unallocated_minor(self) -> int:
        return self.amount_minor - self.allocated_minor - self.refunded_minor

    @property
    def counts(self) -> bool:
        """Only a cleared payment pays anything."""
        return self.status is Status.CLEARED

    @property
    def can_clear(self) -> bool:
        return self.status is Status.HELD

    @property
    def can_bounce(self) -> bool:
        return self.method.is_cheque and self.status is not Status.BOUNCED

    def allocated_to(self, invoice_id: str) -> int:
        return sum(a.amount_minor for a in self.allocations if a.invoice_id == invoice_id)


def parse_method(value: str) -> Method:
    try:
        method = Method(value.strip())
    except ValueError:
        allowed = ", ".join(m.value for m in MANUAL_METHODS)
        raise ValidationError(f"method must be one of {allowed}", field="method") from None
    if method not in MANUAL_METHODS:
        raise ValidationError("card payments are taken through Stripe, not recorded by hand", field="method")
    return method


def check_text(name: str, value: str) -> str:
    text = value.strip()
    if len(text) > MAX_TEXT[name]:
        raise ValidationError(f"{name} is longer than {MAX_TEXT[name]} characters", field=name)
    return text


def check_amount(amount_minor: int, field: str = "amount") -> int:
    if amount_minor <= 0:
        raise ValidationError("the amount must be more than zero", field=field)
    return amount_minor


@dataclass(frozen=True)
class Received:
    """What staff type in about a payment, checked by `new_payment`."""

    customer_id: str
    currency: str
    amount_minor: int
    method: Method
    received_on: date
    reference: str = ""
    bank: str = ""
    note: str = ""
    cheque_date: date | None = None


def new_payment(payment_id: str, received: Received, *, today: date, now: datetime) -> Payment:
    """A payment as received: cleared at once, or held when it is a post-dated cheque."""
    check_amount(received.amount_minor)
    if received.received_on > today:
        raise ValidationError(
            f"received_on {received.received_on} is in the future (today is {today})", field="received_on"
        )
    method = received.method
    if method.is_cheque and not received.reference.strip():
        raise ValidationError("enter the cheque number as the reference", field="reference")
    cheque_date = received.cheque_date if method is Method.POST_DATED_CHEQUE else None
    if method is Method.POST_DATED_CHEQUE:
        if cheque_date is None:
            raise ValidationError("a post-dated cheque needs the date written on it", field="cheque_date")
        if cheque_date <= received.received_on:
            raise ValidationError(
                f"a post-dated cheque is dated after the day it was received ({received.received_on}); "
                "record a cheque dated earlier as a cheque",
                field="cheque_date",
            )
    held = method is Method.POST_DATED_CHEQUE
    return Payment(
        id=payment_id,
        customer_id=received.customer_id,
        currency=received.currency,
        amount_minor=received.amount_minor,
        method=method,
        received_on=received.received_on,
        status=Status.HELD if held else Status.CLEARED,
        created_at=now,
        reference=check_text("reference", received.reference),
        bank=check_text("bank", received.bank),
        note=check_text("note", received.note),
        cheque_date=cheque_date,
        cleared_on=None if held else received.received_on,
    )


def invoice_label(invoice: Invoice) -> str:
    return invoice.number or invoice.id


def check_payable(payment: Payment, invoice: Invoice) -> None:
    """Only the customer's own issued invoices in the payment's currency can be paid."""
    label = invoice_label(invoice)
    if invoice.customer_id != payment.customer_id:
        raise ValidationError(f"invoice {label} belongs to another customer", field="allocations")
    if invoice.kind == "credit_note":
        raise ValidationError(f"{label} is a credit note: payments go to invoices", field="allocations")
    if invoice.kind == "proforma":
        raise ValidationError(
            f"{label} is a pro-forma: pay the invoice issued from it instead", field="allocations"
        )
    if not invoice.owes:
        raise ValidationError(
            f"invoice {label} is a draft: only issued invoices are paid", field="allocations"
        )
    if invoice.currency != payment.currency:
        raise ValidationError(
            f"invoice {label} is in {invoice.currency}, the payment in {payment.currency}",
            field="allocations",
        )


def allocate(payment: Payment, invoices: Mapping[str, Invoice], amounts: Mapping[str, int]) -> Payment:
    """The payment with `amounts` (invoice id -> minor units) added to its allocations.

    Each amount is at most what the invoice still has open, and all of them at most what the
    payment has unallocated. `invoices` holds every invoice named in `amounts`, as stored now.
    """
    if payment.status is Status.BOUNCED:
        raise ValidationError("this payment bounced: it cannot pay invoices", field="allocations")
    for invoice_id, amount in amounts.items():
        invoice = invoices[invoice_id]
        check_payable(payment, invoice)
        label = invoice_label(invoice)
        if amount <= 0:
            raise ValidationError(
                f"the amount for invoice {label} must be more than zero", field="allocations"
            )
        available = open_for(payment, invoice)
        if amount > available:
            raise ValidationError(
                f"invoice {label} has only {_money(available, invoice.currency)} open; "
                f"{_money(amount, invoice.currency)} is too much",
                field="allocations",
            )
    total = sum(amounts.values())
    if total > payment.unallocated_minor:
        raise ValidationError(
            f"the allocations add up to {_money(total, payment.currency)}, but only "
            f"{_money(payment.unallocated_minor, payment.currency)} of the payment is unallocated",
            field="allocations",
        )
    merged = {a.invoice_id: a for a in payment.allocations}
    for invoice_id, amount in amounts.items():
        before = merged.get(invoice_id)
        number = invoice_label(invoices[invoice_id])
        merged[invoice_id] = Allocation(invoice_id, number, amount + (before.amount_minor if before else 0))
    if len(merged) > MAX_ALLOCATIONS:
        raise ValidationError(f"a payment pays at most {MAX_ALLOCATIONS} invoices", field="allocations")
    return replace(payment, allocations=tuple(merged.values()))


def open_for(payment: Payment, invoice: Invoice) -> int:
    """What `payment` may still allocate to `invoice`: its open amount, less what this payment already
    holds for it while it does not count yet (a held cheque's allocations are not in paid_minor)."""
    reserved = 0 if payment.counts else payment.allocated_to(invoice.id)
    return max(0, invoice.open_minor - reserved)


def unallocate(payment: Payment, invoice_id: str) -> Payment:
    if payment.status is Status.BOUNCED:
        raise ValidationError("this payment bounced: its allocations no longer count", field="invoice_id")
    if not payment.allocated_to(invoice_id):
        raise ValidationError(f"this payment is not allocated to invoice {invoice_id}", field="invoice_id")
    return replace(payment, allocations=tuple(a for a in payment.allocations if a.invoice_id != invoice_id))


def clear(payment: Payment, today: date, open_now: Mapping[str, int]) -> Payment:
    """A held post-dated cheque banked on or after its date. Its allocations start to count; one
    larger than what its invoice still has open (paid otherwise meanwhile) is cut to that, and the
    rest stays on account."""
    if payment.status is not Status.HELD:
        raise Conflict(f"this payment is {payment.status.value}: only a held post-dated cheque is cleared")
    assert payment.cheque_date is not None  # every held payment is a post-dated cheque
    if today < payment.cheque_date:
        raise ValidationError(
            f"this cheque is dated {payment.cheque_date}: it can be cleared from that day, not before "
            f"(today is {today})",
            field="cheque_date",
        )
    fitted = tuple(
        replace(a, amount_minor=min(a.amount_minor, open_now.get(a.invoice_id, 0)))
        for a in payment.allocations
    )
    return replace(
        payment,
        status=Status.CLEARED,
        cleared_on=today,
        allocations=tuple(a for a in fitted if a.amount_minor > 0),
    )


def bounce(payment: Payment, reason: str, today: date) -> Payment:
    """A cheque the bank returned: whatever it paid is owed again; the allocations stay as a record."""
    if not payment.method.is_cheque:
        raise ValidationError("only cheques bounce", field="method")
    if payment.status is Status.BOUNCED:
        raise Conflict("this cheque has already bounced")
    text = check_text("reason", reason)
    if not text:
        raise ValidationError("say why the cheque bounced", field="reason")
    return replace(payment, status=Status.BOUNCED, bounced_on=today, bounce_reason=text)


def refund_share(payment: Payment, amount_minor: int) -> tuple[str, int]:
    """(invoice id, amount) of a refund that takes back an invoice's payment: money on account is
    given back first, then the payment's allocation (a card payment pays one invoice)."""
    if payment.method is not Method.CARD:
        raise ValidationError("only card payments are refunded through Stripe", field="payment_id")
    if not payment.counts:
        raise ValidationError(
            f"this payment is {payment.status.value}: nothing to refund", field="payment_id"
        )
    check_amount(amount_minor)
    if amount_minor > payment.refundable_minor:
        raise ValidationError(
            f"the refund of {_money(amount_minor, payment.currency)} is above what is left of the payment, "
            f"{_money(payment.refundable_minor, payment.currency)}",
            field="amount",
        )
    from_invoices = amount_minor - min(amount_minor, payment.unallocated_minor)
    if not from_invoices:
        return "", 0
    allocation = next((a for a in reversed(payment.allocations) if a.amount_minor >= from_invoices), None)
    if allocation is None:
        raise ValidationError("refund at most what the payment paid one invoice at a time", field="amount")
    return allocation.invoice_id, from_invoices


def refunded(payment: Payment, refund: Refund) -> Payment:
    """The payment with the refund kept and the invoice's allocation reduced by its share."""
    allocations = tuple(
        replace(
            a,
            amount_minor=a.amount_minor
            - (_share(refund, payment) if a.invoice_id == refund.invoice_id else 0),
        )
        for a in payment.allocations
    )
    return replace(
        payment,
        allocations=tuple(a for a in allocations if a.amount_minor > 0),
        refunds=(*payment.refunds, refund),
    )


def _share(refund: Refund, payment: Payment) -> int:
    return refund.amount_minor - min(refund.amount_minor, payment.unallocated_minor)


def counted(payment: Payment | None) -> dict[str, int]:
    """What the payment pays towards each invoice now: its allocations while it is cleared."""
    if payment is None or not payment.counts:
        return {}
    paid: dict[str, int] = {}
    for a in payment.allocations:
        paid[a.invoice_id] = paid.get(a.invoice_id, 0) + a.amount_minor
    return paid


def paid_changes(before: Payment | None, after: Payment) -> dict[str, int]:
    """How much more (or less) each invoice is paid after the payment changes from `before`."""
    old, new = counted(before), counted(after)
    changes = {i: new.get(i, 0) - old.get(i, 0) for i in set(old) | set(new)}
    return {i: delta for i, delta in sorted(changes.items()) if delta}


def with_paid(invoice: Invoice, delta: int) -> Invoice:
    return replace(invoice, paid_minor=max(0, invoice.paid_minor + delta))


def _money(minor: int, currency: str) -> str:
    return format_amount(minor, currency)
