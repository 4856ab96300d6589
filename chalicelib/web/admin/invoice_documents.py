"""Documents written by hand in the admin page (X2, S13): draft invoices and pro-formas, issuing,
credit notes, a pro-forma turned into an invoice, and (re)sending by email."""

from __future__ import annotations

import re
from typing import Any

from chalice import Response

from chalicelib.domain.errors import DomainError
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.money import plain_amount
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.customer_picker import customer_choices
from chalicelib.web.admin.line_table import typed_table, with_blank_rows
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

LINE_FIELDS = (
    "description",
    "quantity",
    "unit_price",
    "tax_category",
    "service_start",
    "service_end",
    "detail",
)
FORM_ERRORS = (400, 409)


def draft_data(form: dict[str, str]) -> dict[str, Any]:
    names = ("customer_id", "kind", "currency", "reference", "due_days", "series", "tax_inclusive")
    return {**{n: form.get(n, "").strip() for n in names}, "lines": typed_table(form, LINE_FIELDS)}


def line_rows(invoice: Invoice | None, form: dict[str, str] | None) -> list[dict[str, str]]:
    """What the line table shows: the typed rows after an error, else the draft's lines; plus blanks."""
    if form is not None:
        rows = typed_table(form, LINE_FIELDS)
    elif invoice is not None:
        rows = [
            {
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": plain_amount(line.unit_price_minor, invoice.currency),
                "tax_category": line.tax_category,
                "service_start": line.service_start.isoformat() if line.service_start else "",
                "service_end": line.service_end.isoformat() if line.service_end else "",
                "detail": line.detail,
            }
            for line in invoice.lines
        ]
    else:
        rows = []
    return with_blank_rows(rows, LINE_FIELDS)


def _series(ctx: PageContext) -> list[Any]:
    from chalicelib.store import invoices

    return invoices.all_series(ctx.now, for_invoices=True)


def _new_page(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    found, search, chosen = customer_choices(ctx)
    form = (
        ctx.form
        if error
        else {"customer_id": chosen, "kind": ctx.query.get("kind", "invoice"), "due_days": "14"}
    )
    return ctx.render(
        "admin/invoice_new.html",
        status,
        customers=found,
        customer_q=search,
        form=form,
        rows=line_rows(None, ctx.form if error else None),
        series=_series(ctx),
        error=error,
    )


@admin_page("/invoices/new", permission=Permission.MANAGE_INVOICES)
def invoice_new(ctx: PageContext) -> Response:
    return _new_page(ctx)


@admin_page("/invoices/new", permission=Permission.MANAGE_INVOICES, methods=("POST",))
def invoice_create(ctx: PageContext) -> Response:
    from chalicelib.services.manage_invoice_drafts import create_draft

    try:
        draft = create_draft(draft_data(ctx.form), actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _new_page(ctx, error.status, error)
    return redirect(f"{PREFIX}/invoices/{draft.id}?notice=drafted")


def _on_detail(ctx: PageContext, invoice_id: str, error: DomainError) -> Response:
    from chalicelib.web.admin.invoices import detail_page

    if error.status not in FORM_ERRORS:
        raise error
    return detail_page(ctx, invoice_id, error.status, error)


@admin_page("/invoices/{invoice_id}/draft", permission=Permission.MANAGE_INVOICES, methods=("POST",))
def invoice_draft_save(ctx: PageContext, invoice_id: str) -> Response:
    from chalicelib.services.manage_invoice_drafts import update_draft

    try:
        version = int(ctx.form.get("version") or 0)
        data = {**draft_data(ctx.form), "customer_id": ""}
        update_draft(invoice_id, data, version=version, actor=ctx.actor, now=ctx.now)
    except ValueError:
        return _on_detail(ctx, invoice_id, _bad("the form is out of date: open the draft again"))
    except DomainError as error:
        return _on_detail(ctx, invoice_id, error)
    return redirect(f"{PREFIX}/invoices/{invoice_id}?notice=saved")


def _bad(message: str) -> DomainError:
    from chalicelib.domain.errors import ValidationError

    return ValidationError(message, field="version")


@admin_page("/invoices/{invoice_id}/issue", permission=Permission.MANAGE_INVOICES, methods=("POST",))
def invoice_issue(ctx: PageContext, invoice_id: str) -> Response:
    from chalicelib.services.issue_invoice import issue_invoice

    try:
        issue_invoice(invoice_id, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        return _on_detail(ctx, invoice_id, error)
    return redirect(f"{PREFIX}/invoices/{invoice_id}?notice=issued")


@admin_page("/invoices/{invoice_id}/delete", permission=Permission.MANAGE_INVOICES, methods=("POST",))
def invoice_delete(ctx: PageContext, invoice_id: str) -> Response:
    from chalicelib.services.manage_invoice_drafts import delete_draft

    try:
        delete_draft(invoice_id, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        return _on_detail(ctx, invoice_id, error)
    return redirect(f"{PREFIX}/invoices?notice=deleted")


@admin_page("/invoices/{invoice_id}/credit", permission=Permission.MANAGE_INVOICES, methods=("POST",))
def invoice_credit(ctx: PageContext, invoice_id: str) -> Response:
    """`preview` shows the credit note's totals first; `issue` issues it."""
    from chalicelib.services.credit_invoice import credit_invoice, preview_credit_note
    from chalicelib.web.admin.invoices import detail_page

    data = credit_data(ctx.form)
    try:
        if ctx.form.get("step") == "preview":
            return detail_page(
                ctx, invoice_id, 200, preview=preview_credit_note(invoice_id, data, now=ctx.now)
            )
        note = credit_invoice(invoice_id, data, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        return _on_detail(ctx, invoice_id, error)
    return redirect(f"{PREFIX}/invoices/{note.id}?notice=credited")


def credit_data(form: dict[str, str]) -> dict[str, Any]:
    amounts = {m[1]: v for name, v in form.items() if (m := re.match(r"^credit-(\d{1,3})$", name))}
    return {"full": form.get("full", ""), "amounts": amounts, "reason": form.get("reason", "")}


@admin_page("/invoices/{invoice_id}/invoice", permission=Permission.MANAGE_INVOICES, methods=("POST",))
def proforma_to_invoice(ctx: PageContext, invoice_id: str) -> Response:
    from chalicelib.services.convert_proforma import invoice_proforma

    try:
        draft = invoice_proforma(invoice_id, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        return _on_detail(ctx, invoice_id, error)
    return redirect(f"{PREFIX}/invoices/{draft.id}?notice=drafted")


@admin_page("/invoices/{invoice_id}/send", permission=Permission.MANAGE_INVOICES, methods=("POST",))
def invoice_send(ctx: PageContext, invoice_id: str) -> Response:
    from chalicelib.services.send_invoice import InvoiceMailer, send_invoice

    try:
        sent = send_invoice(invoice_id, mailer=InvoiceMailer.from_settings(), now=ctx.now, again=True)
    except DomainError as error:
        return _on_detail(ctx, invoice_id, error)
    return redirect(f"{PREFIX}/invoices/{invoice_id}?notice={'sent' if sent.sent_at else 'not_sent'}")
