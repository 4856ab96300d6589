"""A customer's links (B7): email a link of any scope (portal, quote, payment, card update, signup from a
quote) valid for a number of days, see each link's scope, subject, use and state, revoke one.

Its own page (a tab of the customer): the customer page keeps its DynamoDB request budget.
Form fields of the send form: scope, subject_id (a quote or invoice, for those scopes), days.
"""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

NOTICES = {
    "sent": "Link emailed to the customer.",
    "revoked": "Link revoked: it now shows the customer a 'no longer valid' page.",
}
SCOPE_LABELS = {
    "portal": "Customer portal",
    "quote": "One quote (view, accept, decline, ask)",
    "invoice_payment": "Pay one invoice",
    "card_update": "Card update",
    "signup": "Signup from a quote",
}
NEEDS_SUBJECT = {"quote": "quote", "signup": "quote", "invoice_payment": "invoice"}


def _choices(customer_id: str, ctx: PageContext) -> dict[str, list[tuple[str, str]]]:
    """The records a link may open: the customer's open quotes and unpaid invoices."""
    from chalicelib.domain.money import format_amount
    from chalicelib.services.manage_quotes import today_of
    from chalicelib.store import invoices, quotes

    open_quotes = [
        (q.id, f"{q.number} · valid until {q.valid_until}")
        for q in quotes.of_customer(customer_id)
        if q.awaits_answer(today_of(q, ctx.now))
    ]
    unpaid = [
        (i.id, f"{i.number} · {format_amount(i.open_minor, i.currency)} open")
        for i in invoices.of_customer(customer_id)
        if i.open_minor > 0  # only an issued invoice (not a draft, credit note or pro-forma) is open
    ]
    return {"quote": open_quotes, "invoice": unpaid}


def _page(
    ctx: PageContext, customer_id: str, status: int = 200, error: ValidationError | None = None
) -> Response:
    from chalicelib.domain.links import Scope
    from chalicelib.services import manage_links
    from chalicelib.services.link_mail import SENDABLE
    from chalicelib.services.manage_links import default_days
    from chalicelib.store import customers

    customer = customers.get(customer_id)
    can_send = ctx.can(Permission.MANAGE_PAYMENTS) and bool(customer.email)  # the form's shown
    scopes: list[dict[str, Any]] = [
        {"value": s.value, "label": SCOPE_LABELS[s.value], "days": default_days(s)} for s in SENDABLE
    ]
    return ctx.render(
        "admin/customer_links.html",
        status,
        customer=customer,
        links=manage_links.of_customer(customer.id),
        scopes=scopes,
        choices=_choices(customer.id, ctx) if can_send else {"quote": [], "invoice": []},
        form=ctx.form if error else {"scope": Scope.CARD_UPDATE.value},
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
        tab="links",
    )


@admin_page("/customers/{customer_id}/links", permission=Permission.VIEW_INVOICES)
def customer_links(ctx: PageContext, customer_id: str) -> Response:
    return _page(ctx, customer_id)


@admin_page("/customers/{customer_id}/links", permission=Permission.MANAGE_PAYMENTS, methods=("POST",))
def customer_link_send(ctx: PageContext, customer_id: str) -> Response:
    from chalicelib.services.link_mail import send_link

    scope = ctx.form.get("scope", "").strip() or "card_update"
    subject_id = ctx.form.get(f"subject_{NEEDS_SUBJECT[scope]}", "") if scope in NEEDS_SUBJECT else ""
    subject_id = subject_id or ctx.form.get("subject_id", "")
    try:
        send_link(customer_id, scope, subject_id, days=ctx.form.get("days", ""), actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _page(ctx, customer_id, 400, error)
    return redirect(f"{PREFIX}/customers/{customer_id}/links?notice=sent")


@admin_page(
    "/customers/{customer_id}/links/{link_id}/revoke",
    permission=Permission.MANAGE_PAYMENTS,
    methods=("POST",),
)
def customer_link_revoke(ctx: PageContext, customer_id: str, link_id: str) -> Response:
    from chalicelib.services.manage_links import revoke_link

    revoke_link(link_id, customer_id=customer_id, actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/customers/{customer_id}/links?notice=revoked")
