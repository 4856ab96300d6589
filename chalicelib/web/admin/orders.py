"""Orders (C15): the list with the value of open orders per currency, and one order with its lines."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.errors import DomainError
from chalicelib.domain.money import format_amount
from chalicelib.domain.orders import Order, OrderStatus, open_totals
from chalicelib.domain.roles import Permission
from chalicelib.services.quote_summary import line_row
from chalicelib.store import customers, orders
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

NOTICES = {"fulfilled": "Order marked as fulfilled.", "cancelled": "Order cancelled."}
FORM_ERRORS = (400, 409)


def _names(found: list[Order]) -> dict[str, str]:
    return {c.id: c.name for c in customers.get_many(list({o.customer_id for o in found}))}


@admin_page("/orders", permission=Permission.VIEW_CONTRACTS)
def order_list(ctx: PageContext) -> Response:
    wanted = ctx.query.get("status", "")
    if wanted not in {s.value for s in OrderStatus}:
        wanted = ""
    found = orders.recent(limit=200, status=wanted)
    totals = open_totals(orders.open_orders())
    return ctx.render(
        "admin/orders.html",
        rows=[{"order": o, "total": format_amount(o.total_minor, o.currency)} for o in found],
        names=_names(found),
        open_totals=[(currency, format_amount(minor, currency)) for currency, minor in totals.items()],
        statuses=[s.value for s in OrderStatus],
        wanted=wanted,
    )


def _detail(ctx: PageContext, order_id: str, status: int = 200, error: DomainError | None = None) -> Response:
    order = orders.get(order_id)
    customer = customers.get_many([order.customer_id])
    return ctx.render(
        "admin/order.html",
        status,
        order=order,
        customer=customer[0] if customer else None,
        rows=[line_row(line, order.currency) for line in order.lines],
        total=format_amount(order.total_minor, order.currency),
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


@admin_page("/orders/{order_id}", permission=Permission.VIEW_CONTRACTS)
def order_detail(ctx: PageContext, order_id: str) -> Response:
    return _detail(ctx, order_id)


@admin_page("/orders/{order_id}/status", permission=Permission.MANAGE_CONTRACTS, methods=("POST",))
def order_status(ctx: PageContext, order_id: str) -> Response:
    from chalicelib.services.manage_orders import change_order_status

    try:
        order = change_order_status(order_id, ctx.form.get("action", ""), actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _detail(ctx, order_id, error.status, error)
    return redirect(f"{PREFIX}/orders/{order_id}?notice={order.status.value}")
