"""Purchase orders (S13): the list, a new draft (blank or from a customer order), one order with its
draft form, Send (numbers and emails it), Mark received, Cancel, and the PDF."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import bootstrap
from chalicelib.domain.errors import DomainError, ValidationError
from chalicelib.domain.money import plain_amount
from chalicelib.domain.purchase_orders import PurchaseOrder, PurchaseOrderStatus
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.customer_picker import customers_to_offer
from chalicelib.web.admin.line_table import typed_table, with_blank_rows
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.pdf_response import pdf_response
from chalicelib.web.responses import redirect

LINE_FIELDS = ("product_code", "description", "quantity", "unit_cost")
FIELDS = ("vendor_id", "currency", "order_id", "deliver_to_id", "delivery_notes", "expected_date")
FORM_ERRORS = (400, 409)
NOTICES = {
    "drafted": "Draft saved: check quantities and unit costs, then send it.",
    "saved": "Draft saved.",
    "sent": "Purchase order sent: numbered and emailed to the vendor.",
    "emailed": "Purchase order emailed to the vendor again.",
    "not_emailed": "Purchase order sent and numbered, but not emailed: the vendor has no email address.",
    "received": "Purchase order marked as received.",
    "cancelled": "Purchase order cancelled.",
}


def form_data(form: dict[str, str]) -> dict[str, Any]:
    return {**{n: form.get(n, "").strip() for n in FIELDS}, "lines": typed_table(form, LINE_FIELDS)}


def _rows(po: PurchaseOrder | None, form: dict[str, str] | None) -> list[dict[str, str]]:
    """The typed rows after an error, else the draft's lines; plus blank rows to add more."""
    from chalicelib.store import products

    if form is not None:
        rows = typed_table(form, LINE_FIELDS)
    elif po is not None:
        codes = {p.id: p.code for p in products.get_many([line.product_id for line in po.lines]).values()}
        rows = [
            {
                "product_code": codes.get(line.product_id, ""),
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_cost": plain_amount(line.unit_cost_minor, po.currency),
            }
            for line in po.lines
        ]
    else:
        rows = []
    return with_blank_rows(rows, LINE_FIELDS)


def _sites(order_id: str, chosen: str) -> list[Any]:
    """Where the goods may go: the linked order's installation sites and customer address."""
    from chalicelib.services.manage_purchase_orders import delivery_sites
    from chalicelib.store import addresses, orders

    found = []
    if order_id:
        try:
            found = delivery_sites(orders.get(order_id))
        except DomainError:
            found = []
    if chosen and chosen not in {a.id for a in found}:
        found += list(addresses.get_many([chosen]).values())
    return found


@admin_page("/purchase-orders", permission=Permission.VIEW_CONTRACTS)
def purchase_order_list(ctx: PageContext) -> Response:
    from chalicelib.store import customers, purchase_orders

    wanted = ctx.query.get("status", "")
    if wanted not in {s.value for s in PurchaseOrderStatus}:
        wanted = ""
    found = purchase_orders.recent(limit=200, status=wanted)
    names = {c.id: c.name for c in customers.get_many(list({p.vendor_id for p in found}))}
    return ctx.render(
        "admin/purchase_orders.html",
        found=found,
        names=names,
        statuses=[s.value for s in PurchaseOrderStatus],
        wanted=wanted,
    )


def _new_page(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    from chalicelib.store import orders, products

    form = ctx.form if error else {"vendor_id": ctx.query.get("vendor_id", ""), "order_id": ""}
    order_id = ctx.form.get("order_id") or ctx.query.get("order_id", "")
    order = orders.get(order_id) if order_id and not error else None
    if order is not None:
        form = {**form, "order_id": order.id}
        known = products.get_many([line.product_id for line in order.lines])
        stock = [
            line
            for line in order.lines
            if line.product_id in known and known[line.product_id].kind != "service"
        ]
    else:
        stock = []
    return ctx.render(
        "admin/purchase_order_new.html",
        status,
        vendors=customers_to_offer(ctx.query.get("vendor_q", ""), form.get("vendor_id", "")),
        vendor_q=ctx.query.get("vendor_q", ""),
        form=form,
        order=order,
        stock=stock,
        sites=_sites(form.get("order_id", ""), form.get("deliver_to_id", "")),
        rows=_rows(None, ctx.form if error else None),
        error=error,
    )


@admin_page("/purchase-orders/new", permission=Permission.MANAGE_CONTRACTS)
def purchase_order_new(ctx: PageContext) -> Response:
    return _new_page(ctx)


@admin_page("/purchase-orders/new", permission=Permission.MANAGE_CONTRACTS, methods=("POST",))
def purchase_order_create(ctx: PageContext) -> Response:
    from chalicelib.services.manage_purchase_orders import create_draft

    try:
        draft = create_draft(form_data(ctx.form), actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _new_page(ctx, error.status, error)
    return redirect(f"{PREFIX}/purchase-orders/{draft.id}?notice=drafted")


@admin_page("/purchase-orders/from-order", permission=Permission.MANAGE_CONTRACTS, methods=("POST",))
def purchase_order_from_order(ctx: PageContext) -> Response:
    from chalicelib.services.manage_purchase_orders import draft_from_order

    try:
        draft = draft_from_order(
            ctx.form.get("order_id", ""), ctx.form.get("vendor_id", ""), actor=ctx.actor, now=ctx.now
        )
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _new_page(ctx, error.status, error)
    return redirect(f"{PREFIX}/purchase-orders/{draft.id}?notice=drafted")


def _detail(ctx: PageContext, po_id: str, status: int = 200, error: DomainError | None = None) -> Response:
    from chalicelib.store import addresses, customers, orders, purchase_orders

    po = purchase_orders.get(po_id)
    vendor = customers.get_many([po.vendor_id])
    order = orders.get(po.order_id) if po.order_id else None
    site = addresses.get_many([po.deliver_to_id]).get(po.deliver_to_id)
    editing = po.is_draft and ctx.can(Permission.MANAGE_CONTRACTS)
    form = ctx.form if error and ctx.form.get("version") is not None else None
    shown: dict[str, str] = (
        dict(form)
        if form
        else {
            "vendor_id": po.vendor_id,
            "currency": po.currency,
            "order_id": po.order_id,
            "deliver_to_id": po.deliver_to_id,
            "delivery_notes": po.delivery_notes,
            "expected_date": po.expected_date.isoformat() if po.expected_date else "",
        }
    )
    return ctx.render(
        "admin/purchase_order.html",
        status,
        po=po,
        vendor=vendor[0] if vendor else None,
        order=order,
        site=site,
        editing=editing,
        form=shown,
        vendors=customers_to_offer(ctx.query.get("vendor_q", ""), shown.get("vendor_id", ""))
        if editing
        else [],
        sites=_sites(shown.get("order_id", ""), shown.get("deliver_to_id", "")) if editing else [],
        rows=_rows(po, form) if editing else [],
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


def _on_detail(ctx: PageContext, po_id: str, error: DomainError) -> Response:
    if error.status not in FORM_ERRORS:
        raise error
    return _detail(ctx, po_id, error.status, error)


@admin_page("/purchase-orders/{po_id}", permission=Permission.VIEW_CONTRACTS)
def purchase_order_detail(ctx: PageContext, po_id: str) -> Response:
    return _detail(ctx, po_id)


@admin_page("/purchase-orders/{po_id}/edit", permission=Permission.MANAGE_CONTRACTS, methods=("POST",))
def purchase_order_edit(ctx: PageContext, po_id: str) -> Response:
    from chalicelib.services.manage_purchase_orders import update_draft

    try:
        try:
            version = int(ctx.form.get("version") or "")
        except ValueError:
            raise ValidationError("the form is out of date: open the draft again", field="version") from None
        update_draft(po_id, form_data(ctx.form), version=version, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        return _on_detail(ctx, po_id, error)
    return redirect(f"{PREFIX}/purchase-orders/{po_id}?notice=saved")


@admin_page("/purchase-orders/{po_id}/send", permission=Permission.MANAGE_CONTRACTS, methods=("POST",))
def purchase_order_send(ctx: PageContext, po_id: str) -> Response:
    from chalicelib.services.send_invoice import InvoiceMailer
    from chalicelib.services.send_purchase_order import send_purchase_order
    from chalicelib.store import purchase_orders

    try:
        again = purchase_orders.get(po_id, consistent=True).status is PurchaseOrderStatus.SENT
        sent = send_purchase_order(po_id, mailer=InvoiceMailer.from_settings(), actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        return _on_detail(ctx, po_id, error)
    notice = "not_emailed" if sent.send_error else "emailed" if again else "sent"
    return redirect(f"{PREFIX}/purchase-orders/{po_id}?notice={notice}")


@admin_page("/purchase-orders/{po_id}/status", permission=Permission.MANAGE_CONTRACTS, methods=("POST",))
def purchase_order_status(ctx: PageContext, po_id: str) -> Response:
    from chalicelib.services.manage_purchase_orders import change_status

    try:
        po = change_status(po_id, ctx.form.get("action", ""), actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        return _on_detail(ctx, po_id, error)
    return redirect(f"{PREFIX}/purchase-orders/{po_id}?notice={po.status.value}")


@admin_page("/purchase-orders/{po_id}/pdf", permission=Permission.VIEW_CONTRACTS)
def purchase_order_pdf_download(ctx: PageContext, po_id: str) -> Response:
    from chalicelib.services.purchase_order_pdf import purchase_order_filename, purchase_order_pdf
    from chalicelib.store import purchase_orders

    po = purchase_orders.get(po_id)
    data = purchase_order_pdf(
        po, renderer=bootstrap.pdf_renderer(), today=ctx.now.date(), settings=ctx.settings
    )
    return pdf_response(data, purchase_order_filename(po))
