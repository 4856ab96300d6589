"""Invoices in the admin page (issue 5): the newest, per customer or contract, and one document."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.domain.errors import DomainError
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PageContext, admin_page

NOTICES = {
    "drafted": "Draft saved. It has no number until it is issued.",
    "saved": "Draft saved.",
    "issued": "Issued: it has its number and can no longer change.",
    "credited": "Credit note issued.",
    "deleted": "Draft deleted.",
    "sent": "Sent to the customer by email.",
    "not_sent": "Not sent: see why below.",
    "charge_paid": "Charged to the saved card: the invoice is paid.",
    "charge_failed": "The card was not charged: see the card payment below.",
    "charge_pending": "The charge is in progress: Stripe has not confirmed it yet.",
}


@admin_page("/invoices", permission=Permission.VIEW_INVOICES)
def invoice_list(ctx: PageContext) -> Response:
    from chalicelib.store import customers, invoices

    customer_id, contract_id = ctx.query.get("customer_id", ""), ctx.query.get("contract_id", "")
    if contract_id:
        found = sorted(invoices.of_contract(contract_id), key=lambda i: i.issue_key, reverse=True)
    elif customer_id:
        found = invoices.of_customer(customer_id)
    else:
        found = invoices.recent()
    names = {c.id: c.name for c in customers.get_many(list({i.customer_id for i in found}))}
    return ctx.render(
        "admin/invoices.html",
        200,
        invoices=found,
        names=names,
        customer_id=customer_id,
        contract_id=contract_id,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


@admin_page("/invoices/{invoice_id}", permission=Permission.VIEW_INVOICES)
def invoice_detail(ctx: PageContext, invoice_id: str) -> Response:
    return detail_page(ctx, invoice_id)


def detail_page(
    ctx: PageContext,
    invoice_id: str,
    status: int = 200,
    error: DomainError | None = None,
    preview: Invoice | None = None,
) -> Response:
    """One document, with what staff may do next: edit and issue a draft, credit, convert, send."""
    from chalicelib.services import collection_tasks
    from chalicelib.store import customers, invoices, mail
    from chalicelib.store.payments import allocated_to
    from chalicelib.web.admin.invoice_documents import credit_data, line_rows

    invoice = invoices.get(invoice_id)
    linked = invoices.linked_to(invoice.id) if invoice.credited_minor or invoice.kind == "proforma" else []
    mailed = None
    if invoice.mail_id:
        try:
            mailed = mail.get(invoice.mail_id)
        except DomainError:
            mailed = None
    typed = ctx.form if error is not None and ctx.form.get("line-0-description") is not None else None
    return ctx.render(
        "admin/invoice.html",
        status,
        invoice=invoice,
        customer=customers.get(invoice.customer_id),
        linked=linked,
        mailed=mailed,
        rows=line_rows(invoice, typed) if invoice.is_draft else [],
        series=invoices.all_series(ctx.now, for_invoices=True) if invoice.is_draft else [],
        form=ctx.form if error is not None or preview is not None else {},
        credit=credit_data(ctx.form) if preview is not None or error is not None else {},
        preview=preview,
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
        can_manage=ctx.can(Permission.MANAGE_INVOICES),
        paid_by=allocated_to(invoice.id) if invoice.owes else [],  # payments allocated to it (S14)
        collection=collection_tasks.of_invoice(invoice, now=ctx.now),  # its collection task (B26)
        **_card_payment(invoice),
    )


def _card_payment(invoice: Invoice) -> dict[str, Any]:
    """The invoice's card charges and whether the customer's card can be charged now (B5)."""
    from chalicelib.store import cards, collections

    if invoice.kind != "invoice" or not invoice.owes:
        return {"card_collection": None, "saved_card": None}
    return {
        "card_collection": collections.get(invoice.id, consistent=False),
        "saved_card": cards.get(invoice.customer_id),
    }
