"""Invoices over JSON (issue 5): read only; the billing run issues them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint

if TYPE_CHECKING:
    from chalicelib.domain.invoices import Invoice

INVOICE: dict[str, Any] = {
    "type": "object",
    "description": "An invoice with its lines (amounts in minor units)",
}


def invoice_json(invoice: Invoice) -> dict[str, Any]:
    from chalicelib.domain.invoices import group_json, line_json

    return {
        "id": invoice.id,
        "number": invoice.number or None,
        "status": invoice.status,
        "series": invoice.series,
        "customer_id": invoice.customer_id,
        "contract_id": invoice.contract_id,
        "currency": invoice.currency,
        "kind": invoice.kind,
        "period_start": invoice.period.start.isoformat() if invoice.period else None,
        "period_end": invoice.period.end.isoformat() if invoice.period else None,
        "credits_id": invoice.credits_id or None,
        "paid_minor": invoice.paid_minor,
        "credited_minor": invoice.credited_minor,
        "open_minor": invoice.open_minor,
        "reference": invoice.reference or None,
        "version": invoice.version,
        "sent_at": invoice.sent_at.isoformat() if invoice.sent_at else None,
        "send_error": invoice.send_error or None,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "net_minor": invoice.net_minor,
        "tax_minor": invoice.tax_minor,
        "total_minor": invoice.total_minor,
        "tax_inclusive": invoice.tax_inclusive,
        "taxes": [group_json(g) for g in invoice.taxes],
        "note": invoice.note,
        "lines": [line_json(line) for line in invoice.lines],
    }


@endpoint(
    "/invoices",
    "GET",
    summary="Invoices of a contract or a customer",
    scope=ApiScope.INVOICES_READ,
    query=(("contract_id", "a contract's invoices"), ("customer_id", "a customer's invoices, newest first")),
)
def list_invoices(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import invoices

    if ctx.query.get("contract_id"):
        return {"items": [invoice_json(i) for i in invoices.of_contract(ctx.query["contract_id"])]}
    if ctx.query.get("customer_id"):
        return {"items": [invoice_json(i) for i in invoices.of_customer(ctx.query["customer_id"])]}
    raise ValidationError("ask for ?contract_id= or ?customer_id=", field="contract_id")


@endpoint(
    "/invoices/{invoice_id}",
    "GET",
    summary="One invoice",
    scope=ApiScope.INVOICES_READ,
    response_schema=INVOICE,
)
def get_invoice(ctx: ApiContext, invoice_id: str) -> dict[str, Any]:
    from chalicelib.store import invoices

    return invoice_json(invoices.get(invoice_id))
