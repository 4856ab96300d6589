"""Invoices in the admin page (issue 5): the newest, per customer or contract, and one invoice."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PageContext, admin_page


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
    )


@admin_page("/invoices/{invoice_id}", permission=Permission.VIEW_INVOICES)
def invoice_detail(ctx: PageContext, invoice_id: str) -> Response:
    from chalicelib.store import customers, invoices

    invoice = invoices.get(invoice_id)
    return ctx.render("admin/invoice.html", 200, invoice=invoice, customer=customers.get(invoice.customer_id))
