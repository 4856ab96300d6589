"""/portal/<token>/orders/<id>: one order of the link's customer: its lines and total, its status, and
once delivered the equipment with serial numbers and where it was installed."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.money import format_amount
from chalicelib.web.portal import owned
from chalicelib.web.portal.access import PortalContext
from chalicelib.web.portal.overview import address_text, customer_of, day, line_row, order_row


def show(ctx: PortalContext) -> Response:
    from chalicelib.services.portal_overview import order_detail

    customer_of(ctx)
    order = owned.order(ctx, ctx.params.get("order_id", ""))
    detail = order_detail(order)
    delivered = [
        {
            "description": line.description,
            "serial": d.item.serial,
            "model": d.item.model,
            "site": address_text(d.site, ctx.t, ctx.locale) if d.site else "",
        }
        for line in order.lines
        for d in detail.delivered.get(line.id, ())
    ]
    return ctx.render(
        "portal/order.html",
        nav="overview",
        order=order_row(order, ctx),
        date=day(order.created_at.date()),
        lines=[line_row(line, order.currency, ctx) for line in order.lines],
        total=format_amount(order.total_minor, order.currency, ctx.locale),
        fulfilled=order.status.value == "fulfilled",
        cancelled=order.status.value == "cancelled",
        delivered=delivered,
        back_url=ctx.url(),
    )
