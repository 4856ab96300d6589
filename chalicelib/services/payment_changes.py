"""What every payment use case shares: reading its input, the invoices it pays, and writing a change
of the payment with the invoices' paid amounts and the audit entries in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.money import MAX_MINOR, parse_amount
from chalicelib.domain.payments import Payment, paid_changes, with_paid
from chalicelib.services import collection_tasks
from chalicelib.store import invoices, payments, records

MAX_INPUT_ALLOCATIONS = 100  # more than a payment may hold: the domain names the real limit


def text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string", field=name)
    return value


def amount(raw: Mapping[str, Any], currency: str, where: str) -> int:
    """`amount_minor` (whole minor units, as the API sends) or `amount` (text such as "12.50", as typed)."""
    if raw.get("amount_minor") is not None:
        value = raw["amount_minor"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(
                f"{where}_minor must be whole minor units such as 1250", field=f"{where}_minor"
            )
        if value <= 0:
            raise ValidationError(f"{where}_minor must be more than zero", field=f"{where}_minor")
        if value >= MAX_MINOR:
            raise ValidationError(f"{where}_minor is too large", field=f"{where}_minor")
        return value
    typed = raw.get("amount")
    if typed is None or (isinstance(typed, str) and not typed.strip()):
        raise ValidationError(f"enter the {where}", field=where)
    if not isinstance(typed, str):
        raise ValidationError(f'{where} must be text such as "12.50" (or send {where}_minor)', field=where)
    minor = parse_amount(typed, currency, field=where, allow_negative=True)
    if minor <= 0:
        raise ValidationError(f"the {where} must be more than zero", field=where)
    return minor


def allocations(raw: Any, currency: str) -> tuple[dict[str, int], dict[str, Invoice]]:
    """[{"invoice_id": ..., "amount_minor" | "amount": ...}, ...] -> (invoice id -> minor units, the
    invoices as stored). They are read first: an unknown one is a 404, a bad amount names its invoice."""
    if raw in (None, ""):
        return {}, {}
    if not isinstance(raw, list) or len(raw) > MAX_INPUT_ALLOCATIONS:
        raise ValidationError(
            f"allocations must be a list of up to {MAX_INPUT_ALLOCATIONS} {{invoice_id, amount_minor}}",
            field="allocations",
        )
    asked: list[tuple[str, dict[str, Any], str]] = []
    for index, item in enumerate(raw):
        where = f"allocations[{index}]"
        if not isinstance(item, dict):
            raise ValidationError(f"{where} must be an object with invoice_id and amount_minor", field=where)
        invoice_id = item.get("invoice_id")
        if not isinstance(invoice_id, str) or not invoice_id.strip():
            raise ValidationError(f"{where}.invoice_id must be an invoice id", field=f"{where}.invoice_id")
        asked.append((invoice_id.strip(), item, where))
    stored = read_invoices(i for i, _item, _where in asked)
    found: dict[str, int] = {}
    for invoice_id, item, where in asked:
        try:
            minor = amount(item, currency, f"{where}.amount")
        except ValidationError as error:
            label = stored[invoice_id].number or invoice_id
            raise ValidationError(f"invoice {label}: {error.message}", field=error.field) from None
        found[invoice_id] = found.get(invoice_id, 0) + minor
    return found, stored


def read_invoices(invoice_ids: Iterable[str]) -> dict[str, Invoice]:
    """The invoices as stored now (consistent reads: their paid amounts are about to change).
    An unknown id is a 404 naming it."""
    return {i: invoices.get(i, consistent=True) for i in dict.fromkeys(invoice_ids)}


def audited(payment: Payment) -> dict[str, Any]:
    return {
        "status": payment.status.value,
        "method": payment.method.value,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
        "received_on": payment.received_on.isoformat(),
        "allocations": {a.number: a.amount_minor for a in payment.allocations},
        **({"bounce_reason": payment.bounce_reason} if payment.bounce_reason else {}),
    }


def write(
    before: Payment | None,
    after: Payment,
    *,
    action: str,
    actor: Actor,
    now: datetime,
    stored: Mapping[str, Invoice] | None = None,
    also: Callable[[records.Change], None] | None = None,
) -> Payment:
    """Saves the change with each invoice it pays more or less; `stored`: invoices already read."""
    changes = paid_changes(before, after)
    known = dict(stored or {})
    known.update(read_invoices(i for i in changes if i not in known))
    paid = [(known[i], with_paid(known[i], delta)) for i, delta in changes.items()]
    entries = [
        actor.entry("payment", after.id, action, now, audited(before) if before else None, audited(after))
    ]
    for old, new in paid:
        entries.append(
            actor.entry(
                "invoice",
                old.id,
                "invoice.paid" if new.paid_minor > old.paid_minor else "invoice.payment_reversed",
                now,
                {"paid_minor": old.paid_minor, "open_minor": old.open_minor},
                {"paid_minor": new.paid_minor, "open_minor": new.open_minor, "payment": after.id},
            )
        )
    saved = payments.save(before, after, paid, entries, also)
    collection_tasks.close_paid([new for _old, new in paid], now=now)  # paid in full: task done (B26)
    card_payments_settled([new for _old, new in paid], now=now)
    return saved


def card_payments_settled(changed: list[Invoice], *, now: datetime) -> None:
    """Invoices paid in full some other way stop being charged; dunning looks again (B25)."""
    from chalicelib.services.collect_payments import invoices_paid

    paid = [i for i in changed if i.open_minor <= 0]
    if paid:
        invoices_paid(paid, now=now)
