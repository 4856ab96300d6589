"""Invoices and number series. Billing writes invoices in one transaction with their contracts."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.domain import lookups
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.invoices import Invoice, group_from_json, group_json, line_from_json, line_json
from chalicelib.domain.numbering import check_format, format_number
from chalicelib.domain.periods import Period
from chalicelib.domain.tickets import NUMBER_FORMAT as TICKET_FORMAT
from chalicelib.store import records
from chalicelib.store.models_billing import InvoiceModel, InvoiceSeriesModel, RevenueModel

DEFAULT_SERIES = "default"
DEFAULT_FORMAT = "INV-{YYYY}-{seq:06}"
# Series made on first use: invoices, credit notes and pro-formas each count on their own.
BUILT_IN = {
    DEFAULT_SERIES: ("Invoices", DEFAULT_FORMAT),
    "credit-notes": ("Credit notes", "CN-{YYYY}-{seq:06}"),
    "proformas": ("Pro-forma invoices", "PF-{YYYY}-{seq:06}"),
    "purchase-orders": ("Purchase orders", "PO-{YYYY}-{seq:05}"),
    "tickets": ("Service tickets", TICKET_FORMAT),
}
# Their numbers go on what we buy and on service tickets, not on what we bill.
NOT_FOR_INVOICES = frozenset({"purchase-orders", "tickets"})
NUMBERS_MOVED = "another run took invoice numbers meanwhile"
NUMBER_ATTEMPTS = 20


def to_item(invoice: Invoice) -> InvoiceModel:
    issued = invoice.issue_date.isoformat() if invoice.issue_date else ""
    owing = invoice.open_minor > 0
    unsent = invoice.status == "issued" and invoice.sent_at is None and not invoice.send_error
    return InvoiceModel(
        id=invoice.id,
        customer_id=invoice.customer_id,
        contract_id=invoice.contract_id or None,
        period_start=invoice.period.start.isoformat() if invoice.period else None,
        issue_key=invoice.issue_key,
        kind=invoice.kind,
        status=invoice.status,
        series=invoice.series,
        number=invoice.number or None,
        total_minor=invoice.total_minor,
        paid_minor=invoice.paid_minor,
        credited_minor=invoice.credited_minor,
        currency=invoice.currency,
        owing="open" if owing else None,
        due_key=f"{invoice.due_date.isoformat() if invoice.due_date else ''}#{invoice.id}" if owing else None,
        unsent="unsent" if unsent else None,
        body={
            "period_end": invoice.period.end.isoformat() if invoice.period else None,
            "issue_date": issued or None,
            "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
            "lines": [line_json(line) for line in invoice.lines],
            "taxes": [group_json(g) for g in invoice.taxes],
            "tax_inclusive": invoice.tax_inclusive,
            "note": invoice.note,
            "line_rates": list(invoice.line_rates),
            "credits_id": invoice.credits_id or None,
            "reference": invoice.reference or None,
            "sent_at": invoice.sent_at.isoformat() if invoice.sent_at else None,
            "send_error": invoice.send_error or None,
            "payment_days": invoice.payment_days,
            "mail_id": invoice.mail_id or None,
        },
        created_at=invoice.created_at,
        version=invoice.version,
    )


def from_item(item: Any) -> Invoice:
    body = item.body
    period = (
        Period(date.fromisoformat(item.period_start), date.fromisoformat(body["period_end"]))
        if item.period_start
        else None
    )
    return Invoice(
        id=item.id,
        customer_id=item.customer_id,
        contract_id=item.contract_id or "",
        currency=item.currency,
        series=item.series,
        status=item.status,
        period=period,
        lines=tuple(line_from_json(line) for line in body["lines"]),
        created_at=item.created_at,
        issue_date=date.fromisoformat(body["issue_date"]) if body.get("issue_date") else None,
        due_date=date.fromisoformat(body["due_date"]) if body.get("due_date") else None,
        number=item.number or "",
        taxes=tuple(group_from_json(g) for g in body.get("taxes", ())),
        tax_inclusive=bool(body.get("tax_inclusive")),
        note=body.get("note", ""),
        kind=item.kind or "invoice",
        credits_id=body.get("credits_id") or "",
        line_rates=tuple(int(r) for r in body.get("line_rates", ())),
        paid_minor=int(item.paid_minor or 0),
        credited_minor=int(item.credited_minor or 0),
        reference=body.get("reference") or "",
        sent_at=datetime.fromisoformat(body["sent_at"]) if body.get("sent_at") else None,
        send_error=body.get("send_error") or "",
        payment_days=int(body.get("payment_days", 14)),
        mail_id=body.get("mail_id") or "",
        version=int(item.version or 1),
    )


def saved(before: Invoice | None, after: Invoice, change: records.Change, message: str = "") -> Invoice:
    """Adds `after` to `change`: new (the id must be free) or the next version of `before`."""
    item = records.save_version(
        change, lambda v: to_item(replace(after, version=v)), before.version if before else None
    )
    if message:
        change.messages[id(item)] = message
    if before is None and after.credits_id:  # a credit note, or the invoice of a pro-forma
        change.lookups(lookups.ref("invoice", after.id), (), [origin_key(after.credits_id)])
    return replace(after, version=int(item.version))


def origin_key(invoice_id: str) -> str:
    """The lookup key under which the documents made from an invoice or pro-forma are found."""
    return lookups.key("invoice", "from", invoice_id)


def linked_to(invoice_id: str) -> list[Invoice]:
    """Credit notes of an invoice, or the invoice made from a pro-forma: one lookup query and a batch."""
    ids = [lookups.split_ref(ref)[1] for ref in records.refs(origin_key(invoice_id))]
    found = [from_item(i) for i in InvoiceModel.batch_get(ids)] if ids else []
    return sorted(found, key=lambda i: i.issue_key)


def get(invoice_id: str, consistent: bool = False) -> Invoice:
    try:
        return from_item(InvoiceModel.get(invoice_id, consistent_read=consistent))
    except DoesNotExist:
        raise NotFound(f"no invoice {invoice_id}", field="invoice_id") from None


def get_many(invoice_ids: list[str]) -> dict[str, Invoice]:
    """The invoices found (one BatchGet per 100); unknown ids are left out."""
    ids = list(dict.fromkeys(i for i in invoice_ids if i))
    return {i.id: i for i in (from_item(item) for item in InvoiceModel.batch_get(ids))} if ids else {}


def of_contract(contract_id: str) -> list[Invoice]:
    return [from_item(i) for i in InvoiceModel.by_contract.query(contract_id)]


def of_customer(customer_id: str) -> list[Invoice]:
    return [from_item(i) for i in InvoiceModel.by_customer.query(customer_id, scan_index_forward=False)]


def revenue_items(invoice: Invoice) -> list[RevenueModel]:
    """The invoice's net amount per month, written with the invoice (in the same transaction).

    A credit note takes its amount off the same months; a pro-forma is not revenue."""
    from chalicelib.domain.revenue import monthly_revenue

    if invoice.kind == "proforma":
        return []
    sign = -1 if invoice.kind == "credit_note" else 1
    return [
        RevenueModel(
            month=month,
            invoice_id=invoice.id,
            amount_minor=sign * amount,
            currency=invoice.currency,
            contract_id=invoice.contract_id,
            customer_id=invoice.customer_id,
        )
        for month, amount in monthly_revenue(invoice).items()
    ]


def revenue_of_month(month: str) -> dict[str, int]:
    """Recognised revenue in one month per currency: one query of the month's partition."""
    totals: dict[str, int] = {}
    for item in RevenueModel.query(month):
        totals[item.currency] = totals.get(item.currency, 0) + int(item.amount_minor)
    return totals


def recent(limit: int = 100) -> list[Invoice]:
    return [from_item(i) for i in InvoiceModel.recent.query("invoice", scan_index_forward=False, limit=limit)]


def all_series(now: datetime, *, for_invoices: bool = False) -> list[InvoiceSeriesModel]:
    """Every series (a handful), the built-in ones made on first use; `for_invoices`: those a
    template or a draft may choose."""
    found = {s.id: s for s in InvoiceSeriesModel.scan()}
    for built_in in BUILT_IN:
        if built_in not in found:
            found[built_in] = series(built_in, now)
    skip = NOT_FOR_INVOICES if for_invoices else frozenset()
    return sorted((s for s in found.values() if s.id not in skip), key=lambda s: s.id)


def create_series(item: InvoiceSeriesModel, entry: AuditEntry) -> None:
    change = records.Change(audit=entry).save(
        item, InvoiceSeriesModel.id.does_not_exist(), f"the series code {item.id} is taken"
    )
    records.commit(change)


def series(series_id: str, now: datetime) -> InvoiceSeriesModel:
    """The series as stored now (a consistent read: its last number is about to be used)."""
    try:
        return InvoiceSeriesModel.get(series_id, consistent_read=True)
    except DoesNotExist:
        if series_id not in BUILT_IN:
            raise NotFound(f"no invoice series {series_id}", field="series") from None
        name, fmt = BUILT_IN[series_id]
        default = InvoiceSeriesModel(
            id=series_id, name=name, format=check_format(fmt), last_seq=0, created_at=now
        )
        with contextlib.suppress(PutError):  # created meanwhile by another run: read that one
            default.save(InvoiceSeriesModel.id.does_not_exist())
        return InvoiceSeriesModel.get(series_id, consistent_read=True)


def take_numbers(change: records.Change, series: InvoiceSeriesModel, count: int) -> range:
    """The next `count` sequence numbers of `series`, taken in `change`: the counter moves from n to
    n + count only if it is still n, so two writers never take one number and none is skipped."""
    last = int(series.last_seq)
    counter = InvoiceSeriesModel(
        id=series.id,
        name=series.name,
        format=series.format,
        last_seq=last + count,
        created_at=series.created_at,
    )
    change.save(counter, InvoiceSeriesModel.last_seq == last, NUMBERS_MOVED)
    return range(last + 1, last + count + 1)


def unsent(limit: int = 500) -> list[str]:
    """Ids of issued documents not emailed yet (a sparse index: only those are in it), oldest first."""
    return [i.id for i in InvoiceModel.unsent_index.query("unsent", limit=limit)]


def with_next_number[T](
    series_id: str, today: date, now: datetime, write: Callable[[str, records.Change], T]
) -> T:
    """`write(number, change)` with the series' next number taken in `change` (write commits it).
    When another writer took numbers meanwhile, the commit fails and it runs again with the next."""
    for _attempt in range(NUMBER_ATTEMPTS):
        current = series(series_id, now)
        change = records.Change()
        seq = take_numbers(change, current, 1)[0]
        try:
            return write(format_number(current.format, seq, today), change)
        except Conflict as error:
            if error.message != NUMBERS_MOVED:
                raise
            time.sleep(random.uniform(0, 0.02))  # noqa: S311 - jitter, not security
    raise Conflict("could not take a number: too many documents numbered at once; try again")
