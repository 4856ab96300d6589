"""Draft invoices and pro-formas written by hand (S13, S15): created, edited and deleted until issued."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain import lookups
from chalicelib.domain.audit import Actor
from chalicelib.domain.billing import InvoiceLine
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.invoice_documents import DraftFields, check_draft, edited, ensure_draft, new_draft
from chalicelib.domain.invoices import Invoice
from chalicelib.store import invoices, records
from chalicelib.store.models_billing import InvoiceModel


def audited(invoice: Invoice) -> dict[str, Any]:
    return {
        "kind": invoice.kind,
        "status": invoice.status,
        "number": invoice.number or None,
        "currency": invoice.currency,
        "total_minor": invoice.total_minor,
        "lines": len(invoice.lines),
        "reference": invoice.reference or None,
    }


def _checked(data: dict[str, Any], now: datetime) -> DraftFields:
    """The fields checked, and the customer, series and products they name known (else 4xx)."""
    from chalicelib.store import customers

    customer_id = str(data.get("customer_id") or "").strip()
    if not customer_id:
        raise ValidationError("choose the customer", field="customer_id")
    fields = check_draft(data, customers.get(customer_id).currency)
    if fields.series in invoices.NOT_FOR_INVOICES:
        raise ValidationError(f"the {fields.series} series is not for invoices", field="series")
    invoices.series(fields.series, now)
    _check_products(fields.lines)
    return fields


def _check_products(lines: tuple[InvoiceLine, ...]) -> None:
    from chalicelib.store import products

    wanted = {line.product_id for line in lines if line.product_id}
    known = products.get_many(list(wanted)) if wanted else {}
    for index, line in enumerate(lines):
        if line.product_id and line.product_id not in known:
            raise ValidationError(f"lines[{index}]: no product {line.product_id}", field=f"lines[{index}]")


def create_draft(data: dict[str, Any], *, actor: Actor, now: datetime) -> Invoice:
    draft = new_draft(new_id(), _checked(data, now), now)
    change = records.Change(
        audit=actor.entry("invoice", draft.id, "invoice.drafted", now, after=audited(draft))
    )
    saved = invoices.saved(None, draft, change)
    records.commit(change)
    return saved


def update_draft(
    invoice_id: str, data: dict[str, Any], *, version: int, actor: Actor, now: datetime
) -> Invoice:
    before = invoices.get(invoice_id, consistent=True)
    ensure_draft(before)
    if version != before.version:
        raise Conflict(records.CONCURRENT, field="version")
    after = edited(before, _checked({**data, "customer_id": before.customer_id}, now))
    entry = actor.entry("invoice", invoice_id, "invoice.draft_edited", now, audited(before), audited(after))
    change = records.Change(audit=entry)
    saved = invoices.saved(before, after, change)
    records.commit(change)
    return saved


def delete_draft(invoice_id: str, *, actor: Actor, now: datetime) -> None:
    """Only drafts go: an issued number must stay (gapless), and is corrected by a credit note."""
    before = invoices.get(invoice_id, consistent=True)
    ensure_draft(before)
    change = records.Change(
        audit=actor.entry("invoice", invoice_id, "invoice.draft_deleted", now, audited(before))
    )
    change.delete(InvoiceModel(id=invoice_id), InvoiceModel.version == before.version)
    if before.credits_id:  # an invoice drafted from a pro-forma: no longer listed with it
        change.lookups(lookups.ref("invoice", invoice_id), [invoices.origin_key(before.credits_id)], ())
    records.commit(change)
