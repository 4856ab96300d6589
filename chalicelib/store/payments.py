"""Payments: each change is one transaction with the invoices it pays (each with a version check),
the lookup keys of its invoices and the audit entries. A concurrent change of the payment or of
any of its invoices fails the whole transaction: nothing is half-written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import lookups
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.payments import Allocation, Method, Payment, Refund, Status
from chalicelib.store import audit, invoices, records
from chalicelib.store.models_payments import PaymentModel

CONFLICT = "this payment was changed by someone else meanwhile: reload it and try again"


def as_json(payment: Payment) -> dict[str, Any]:
    return {
        "received_on": payment.received_on.isoformat(),
        "reference": payment.reference,
        "bank": payment.bank,
        "note": payment.note,
        "cheque_date": _day(payment.cheque_date),
        "allocations": [
            {"invoice_id": a.invoice_id, "number": a.number, "amount_minor": a.amount_minor}
            for a in payment.allocations
        ],
        "cleared_on": _day(payment.cleared_on),
        "bounced_on": _day(payment.bounced_on),
        "bounce_reason": payment.bounce_reason,
        "refunds": [
            {
                "id": r.id,
                "amount_minor": r.amount_minor,
                "refunded_on": r.refunded_on.isoformat(),
                "reason": r.reason,
                "invoice_id": r.invoice_id,
                "credit_note_id": r.credit_note_id,
            }
            for r in payment.refunds
        ],
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def to_item(payment: Payment, version: int) -> PaymentModel:
    held = payment.status is Status.HELD and payment.cheque_date is not None
    return PaymentModel(
        id=payment.id,
        customer_id=payment.customer_id,
        received_key=f"{payment.received_on.isoformat()}#{payment.id}",
        method=payment.method.value,
        status=payment.status.value,
        amount_minor=payment.amount_minor,
        allocated_minor=payment.allocated_minor,
        currency=payment.currency,
        holding="held" if held else None,
        cheque_key=f"{_day(payment.cheque_date)}#{payment.id}" if held else None,
        body=as_json(payment),
        created_at=payment.created_at,
        version=version,
    )


def from_item(item: Any) -> Payment:
    body = item.body
    received_on = _date(body["received_on"])
    assert received_on is not None
    return Payment(
        id=item.id,
        customer_id=item.customer_id,
        currency=item.currency,
        amount_minor=int(item.amount_minor),
        method=Method(item.method),
        received_on=received_on,
        status=Status(item.status),
        created_at=item.created_at,
        reference=body.get("reference", ""),
        bank=body.get("bank", ""),
        note=body.get("note", ""),
        cheque_date=_date(body.get("cheque_date")),
        allocations=tuple(
            Allocation(a["invoice_id"], a.get("number", ""), int(a["amount_minor"]))
            for a in body.get("allocations", ())
        ),
        cleared_on=_date(body.get("cleared_on")),
        bounced_on=_date(body.get("bounced_on")),
        bounce_reason=body.get("bounce_reason", ""),
        refunds=tuple(
            Refund(
                id=r["id"],
                amount_minor=int(r["amount_minor"]),
                refunded_on=date.fromisoformat(r["refunded_on"]),
                reason=r.get("reason", ""),
                invoice_id=r.get("invoice_id", ""),
                credit_note_id=r.get("credit_note_id", ""),
            )
            for r in body.get("refunds", ())
        ),
        version=int(item.version or 1),
    )


def invoice_key(invoice_id: str) -> str:
    return lookups.key("payment", "invoice", invoice_id)


def _invoice_keys(payment: Payment | None) -> set[str]:
    return {invoice_key(a.invoice_id) for a in payment.allocations} if payment else set()


def save(
    before: Payment | None,
    after: Payment,
    paid: Sequence[tuple[Invoice, Invoice]],
    entries: Sequence[AuditEntry],
    also: Callable[[records.Change], None] | None = None,
) -> Payment:
    """Writes the payment, each invoice of `paid` as (stored, new) and the audit `entries` at once
    (with whatever `also` adds: a card payment's collection)."""
    change = records.Change(conflict_message=CONFLICT)
    item = records.save_version(change, lambda v: to_item(after, v), before.version if before else None)
    for stored, new in paid:
        label = stored.number or stored.id
        message = f"invoice {label} was changed meanwhile (paid or credited): reload and try again"
        invoices.saved(stored, new, change, message)
    change.lookups(lookups.ref("payment", after.id), _invoice_keys(before), _invoice_keys(after))
    for entry in entries:
        change.save(audit.to_item(entry))
    if also is not None:
        also(change)
    records.commit(change)
    return replace(after, version=int(item.version))


def intent_key(intent_id: str) -> str:
    return lookups.key("payment", "intent", intent_id)


def by_intent(intent_id: str) -> Payment | None:
    """The card payment Stripe's PaymentIntent paid (found through its lookup key)."""
    ids = [lookups.split_ref(r)[1] for r in records.refs(intent_key(intent_id))] if intent_id else []
    return get(ids[0], consistent=True) if ids else None


def get(payment_id: str, *, consistent: bool = False) -> Payment:
    try:
        return from_item(PaymentModel.get(payment_id, consistent_read=consistent))
    except DoesNotExist:
        raise NotFound(f"no payment {payment_id}", field="payment_id") from None


def recent(limit: int = 100) -> list[Payment]:
    found = PaymentModel.recent.query("payment", scan_index_forward=False, limit=limit)
    return [from_item(i) for i in found]


def of_customer(customer_id: str, *, until: date | None = None, limit: int | None = None) -> list[Payment]:
    """The customer's payments, newest received first; with `until`, only those received by then."""
    condition = PaymentModel.received_key < _after(until) if until else None
    found = PaymentModel.by_customer.query(
        customer_id, range_key_condition=condition, scan_index_forward=False, limit=limit
    )
    return [from_item(i) for i in found]


def _after(day: date) -> str:
    """A key just past every key of `day`: "<day>#<id>" < "<day>$"."""
    return f"{day.isoformat()}$"


def held(limit: int = 100) -> list[Payment]:
    """Post-dated cheques waiting to be banked, the earliest dated first."""
    return [from_item(i) for i in PaymentModel.held.query("held", limit=limit)]


def allocated_to(invoice_id: str) -> list[Payment]:
    """The payments allocated to an invoice (bounced ones too), oldest first."""
    ids = [lookups.split_ref(r)[1] for r in records.refs(invoice_key(invoice_id))]
    if not ids:
        return []
    found = [from_item(i) for i in PaymentModel.batch_get(ids)]
    return sorted(found, key=lambda p: (p.received_on, p.id))
