"""Documents over JSON (X2, S13): draft invoices and pro-formas, issue, credit notes, sending."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.invoices import INVOICE, invoice_json
from chalicelib.web.api.routing import ApiContext, endpoint

DRAFT_LINE: dict[str, Any] = {
    "type": "object",
    "required": ["description"],
    "properties": {
        "description": {"type": "string", "maxLength": 300},
        "quantity": {"type": "string", "description": "decimal, default 1"},
        "unit_price": {"type": "string", "description": "money as typed, e.g. 120.50"},
        "unit_price_minor": {"type": "integer", "description": "or the price in minor units"},
        "product_id": {"type": "string", "description": "its tax category applies"},
        "tax_category": {"type": "string", "description": "for a line without a product (default standard)"},
        "service_start": {"type": "string", "format": "date"},
        "service_end": {"type": "string", "format": "date"},
        "detail": {"type": "string", "description": "installation details: serial, site, date"},
    },
}
DRAFT: dict[str, Any] = {
    "type": "object",
    "required": ["customer_id", "lines"],
    "properties": {
        "customer_id": {"type": "string"},
        "kind": {"enum": ["invoice", "proforma"]},
        "currency": {"type": "string", "description": "default: the customer's"},
        "series": {"type": "string", "description": "default: by kind"},
        "due_days": {"type": "integer", "minimum": 0, "maximum": 365},
        "reference": {"type": "string", "maxLength": 100},
        "tax_inclusive": {"type": "boolean"},
        "lines": {"type": "array", "items": DRAFT_LINE, "minItems": 1},
    },
}
EDIT: dict[str, Any] = {
    **DRAFT,
    "required": ["version", "lines"],
    "properties": {**DRAFT["properties"], "version": {"type": "integer"}},
}
CREDIT = {
    "type": "object",
    "required": ["reason"],
    "properties": {
        "full": {"type": "boolean", "description": "credit the whole invoice"},
        "amounts": {
            "type": "object",
            "description": "line index (from 0) -> amount to credit, minor units or typed money",
        },
        "reason": {"type": "string", "maxLength": 300},
    },
}


@endpoint(
    "/invoices",
    "POST",
    summary="Create a draft invoice or pro-forma (no number until issued)",
    scope=ApiScope.INVOICES_WRITE,
    request_schema=DRAFT,
    response_schema=INVOICE,
    status=201,
)
def post_draft(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_invoice_drafts import create_draft

    return invoice_json(create_draft(ctx.body, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/invoices/{invoice_id}",
    "PUT",
    summary="Replace a draft's lines and terms (409 once issued, or if `version` is not the current one)",
    scope=ApiScope.INVOICES_WRITE,
    request_schema=EDIT,
    response_schema=INVOICE,
)
def put_draft(ctx: ApiContext, invoice_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_invoice_drafts import update_draft

    version = ctx.body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError("version is the draft's current version number", field="version")
    body = {**ctx.body, "customer_id": ""}
    return invoice_json(update_draft(invoice_id, body, version=version, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/invoices/{invoice_id}",
    "DELETE",
    summary="Delete a draft (an issued document stays: credit it)",
    scope=ApiScope.INVOICES_WRITE,
)
def delete_draft(ctx: ApiContext, invoice_id: str) -> dict[str, Any]:
    from chalicelib.services import manage_invoice_drafts

    manage_invoice_drafts.delete_draft(invoice_id, actor=ctx.actor, now=ctx.now)
    return {"deleted": invoice_id}


@endpoint(
    "/invoices/{invoice_id}/issue",
    "POST",
    summary="Issue a draft: taxed, numbered in its series, then emailed by the sending job",
    scope=ApiScope.INVOICES_WRITE,
    response_schema=INVOICE,
)
def post_issue(ctx: ApiContext, invoice_id: str) -> dict[str, Any]:
    from chalicelib.services.issue_invoice import issue_invoice

    return invoice_json(issue_invoice(invoice_id, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/invoices/{invoice_id}/credit-notes",
    "POST",
    summary="Issue a credit note for the whole invoice or amounts per line (400 above what is left)",
    scope=ApiScope.INVOICES_WRITE,
    request_schema=CREDIT,
    response_schema=INVOICE,
    status=201,
)
def post_credit_note(ctx: ApiContext, invoice_id: str) -> dict[str, Any]:
    from chalicelib.services.credit_invoice import credit_invoice

    return invoice_json(credit_invoice(invoice_id, ctx.body, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/invoices/{invoice_id}/invoice",
    "POST",
    summary="Turn an issued pro-forma into a draft invoice with the same lines",
    scope=ApiScope.INVOICES_WRITE,
    response_schema=INVOICE,
    status=201,
)
def post_invoice_from_proforma(ctx: ApiContext, invoice_id: str) -> dict[str, Any]:
    from chalicelib.services.convert_proforma import invoice_proforma

    return invoice_json(invoice_proforma(invoice_id, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/invoices/{invoice_id}/send",
    "POST",
    summary="Email the document to the customer now, with its PDF (again if it was sent)",
    scope=ApiScope.INVOICES_WRITE,
    response_schema=INVOICE,
)
def post_send(ctx: ApiContext, invoice_id: str) -> dict[str, Any]:
    from chalicelib.services.send_invoice import InvoiceMailer, send_invoice

    sent = send_invoice(invoice_id, mailer=InvoiceMailer.from_settings(), now=ctx.now, again=True)
    return invoice_json(sent)
