"""/portal/<token>/items/<id>: one of the customer's items (S4) with its service history, and a form to
report a problem with it, which opens a ticket (issue 7, item 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.web.portal.access import PortalContext, redirect

if TYPE_CHECKING:
    from chalicelib.domain.items import Item

COMPLAINT = "complaint"  # the form's only action


def _error_text(ctx: PortalContext, error: ValidationError) -> str:
    """The customer's language for the fields of this form; anything else as the rule said it."""
    from chalicelib.domain.tickets import MAX_DESCRIPTION

    if error.field == "description":
        if "at most" in error.message:
            return ctx.t["service_description_too_long"].format(limit=MAX_DESCRIPTION)
        return ctx.t["service_description_required"]
    if error.field == "urgency":
        return ctx.t["service_urgency_invalid"]
    return error.message


def _item(ctx: PortalContext) -> Item:
    """The route's item, if it is the link's customer's (else 404, before anything)."""
    from chalicelib.web.portal import owned

    return owned.item(ctx, ctx.params.get("item_id", ""))


def _page(
    ctx: PortalContext, item: Item, status: int = 200, *, error: ValidationError | None = None
) -> Response:
    from chalicelib.domain.tickets import URGENCIES
    from chalicelib.services.item_history import item_history

    timezone = ctx.customer.timezone if ctx.customer else "UTC"
    history = item_history(item, ctx.link.customer_id, timezone=timezone, now=ctx.now)
    opened = ctx.query.get("ticket", "")
    notice = ""
    if opened and any(t.number == opened for t in history.tickets) and error is None:
        notice = ctx.t["service_ticket_opened"].format(number=opened)
    return ctx.render(
        "portal/item.html",
        status,
        nav="overview",
        history=history,
        item=item,
        urgencies=URGENCIES,
        form=ctx.form if error else {},
        error=_error_text(ctx, error) if error else "",
        error_field=error.field if error else "",
        notice=notice,
        action=ctx.url(f"items/{item.id}/{COMPLAINT}"),
        contract_url=ctx.url(f"contracts/{history.contract.id}") if history.contract else "",
    )


def show(ctx: PortalContext) -> Response:
    return _page(ctx, _item(ctx))


def complaint(ctx: PortalContext) -> Response:
    from chalicelib.services.report_complaint import report_complaint
    from chalicelib.web.portal.overview import customer_of

    item = _item(ctx)
    if ctx.form.get("action", COMPLAINT) != COMPLAINT:
        raise ValidationError("unknown action", field="action")
    try:
        ticket = report_complaint(customer_of(ctx), item, ctx.form, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _page(ctx, item, 400, error=error)
    return redirect(ctx.url(f"items/{item.id}") + f"?ticket={ticket.number}")
