"""Tickets from portal complaints (issue 7, item 7): the list, one ticket with its status change, and
the feedback customers gave on service visits (B3)."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


@admin_page("/tickets", permission=Permission.VIEW_CUSTOMERS)
def ticket_list(ctx: PageContext) -> Response:
    from chalicelib.domain.tickets import STATUS_LABELS, STATUSES, check_status
    from chalicelib.store import customers, items, tickets

    status = check_status(ctx.query["status"]) if ctx.query.get("status") else ""
    found = tickets.recent(200, status)
    names = {c.id: c.name for c in customers.get_many(list({t.customer_id for t in found}))} if found else {}
    serials = {i.id: i.serial for i in items.get_many([t.item_id for t in found])} if found else {}
    return ctx.render(
        "admin/tickets.html",
        tickets=found,
        names=names,
        serials=serials,
        statuses=STATUSES,
        status_labels=STATUS_LABELS,
        chosen=status,
    )


def _ticket_page(ctx: PageContext, ticket_id: str, status: int = 200, error: str = "") -> Response:
    from chalicelib.domain.errors import NotFound
    from chalicelib.domain.tickets import MOVES, STATUS_LABELS
    from chalicelib.store import contracts, customers, items, tickets

    ticket = tickets.get(ticket_id, consistent=True)
    try:
        item = items.get(ticket.item_id)
    except NotFound:
        item = None
    try:
        contract = contracts.get(ticket.contract_id) if ticket.contract_id else None
    except NotFound:
        contract = None
    notice = "Status changed." if ctx.query.get("notice") == "status" else ""
    return ctx.render(
        "admin/ticket.html",
        status,
        ticket=ticket,
        customer=customers.get(ticket.customer_id),
        item=item,
        contract=contract,
        moves=MOVES[ticket.status],
        status_labels=STATUS_LABELS,
        error=error,
        notice=notice,
    )


@admin_page("/tickets/{ticket_id}", permission=Permission.VIEW_CUSTOMERS)
def ticket_detail(ctx: PageContext, ticket_id: str) -> Response:
    return _ticket_page(ctx, ticket_id)


@admin_page("/tickets/{ticket_id}/status", permission=Permission.LOG_INTERACTIONS, methods=("POST",))
def ticket_status(ctx: PageContext, ticket_id: str) -> Response:
    from chalicelib.domain.errors import Conflict
    from chalicelib.services.manage_tickets import change_status

    try:
        change_status(
            ticket_id,
            ctx.form.get("status", ""),
            version=ctx.form.get("version", ""),
            actor=ctx.actor,
            now=ctx.now,
        )
    except (ValidationError, Conflict) as error:
        return _ticket_page(ctx, ticket_id, error.status, error.message)
    return redirect(f"{PREFIX}/tickets/{ticket_id}?notice=status")


@admin_page("/feedback", permission=Permission.VIEW_CUSTOMERS)
def feedback_list(ctx: PageContext) -> Response:
    from chalicelib.store import customers, feedback, items

    found = feedback.recent(200)
    names = {c.id: c.name for c in customers.get_many(list({f.customer_id for f in found}))} if found else {}
    serials = {i.id: i.serial for i in items.get_many([f.item_id for f in found])} if found else {}
    low = ctx.query.get("low") == "1"
    return ctx.render(
        "admin/feedback.html",
        feedback=[f for f in found if f.is_low] if low else found,
        names=names,
        serials=serials,
        low=low,
    )
