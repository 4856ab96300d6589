"""The log of incoming Stripe events: newest first, by status, one event's payload, and "process
again" for a failed one."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Response

from chalicelib.domain.roles import Permission
from chalicelib.domain.stripe_event_log import Status
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

LIMIT = 100
NOTICES = {
    "processed": "Event processed.",
    "ignored": "Event processed again: nothing to do for it.",
    "failed": "Processing failed again: the error is in the outcome below.",
    "in_progress": "Another delivery is processing this event right now.",
}


@admin_page("/stripe-events", permission=Permission.MANAGE_PAYMENTS)
def stripe_event_list(ctx: PageContext) -> Response:
    from chalicelib.store import stripe_events

    chosen = ctx.query.get("status", "")
    status = Status(chosen) if chosen in {s.value for s in Status} else None
    return ctx.render(
        "admin/stripe_events.html",
        events=stripe_events.recent(status=status, limit=LIMIT),
        statuses=[s.value for s in Status],
        selected=status.value if status else "",
        limit=LIMIT,
    )


@admin_page("/stripe-events/{event_id}", permission=Permission.MANAGE_PAYMENTS)
def stripe_event_detail(ctx: PageContext, event_id: str) -> Response:
    from chalicelib.store import stripe_events

    event = stripe_events.get(event_id)
    notice = NOTICES.get(ctx.query.get("notice", ""), "")
    return ctx.render("admin/stripe_event.html", event=event, notice=notice)


@admin_page("/stripe-events/{event_id}/process", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def stripe_event_process_again(ctx: PageContext, event_id: str) -> Response:
    from chalicelib.services.receive_stripe_event import process_again

    receipt = process_again(event_id, now=ctx.now)
    return redirect(f"{PREFIX}/stripe-events/{quote(event_id, safe='')}?notice={receipt.status}")
