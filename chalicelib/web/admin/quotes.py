"""Quotes (C14): list by status, a new quote typed line by line, the detail with its workflow buttons."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib import bootstrap
from chalicelib.domain.errors import DomainError, NotFound, ValidationError
from chalicelib.domain.quotes import Quote, QuoteStatus
from chalicelib.domain.roles import Permission
from chalicelib.services import manage_quotes
from chalicelib.services.quote_summary import summary
from chalicelib.store import customers, quotes
from chalicelib.web.admin.customer_picker import customer_choices
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.admin.typed_lines import by_typed_line, parse_text_lines
from chalicelib.web.responses import redirect

NOTICES = {
    "created": "Quote saved as a draft.",
    "sent": "Quote marked as sent.",
    "emailed": "Quote sent by email.",
    "viewed": "Quote marked as viewed.",
    "declined": "Quote marked as declined.",
    "accepted": "Quote accepted.",
    "linked": "Quote link emailed to the customer: they can accept, decline or ask a question online.",
}
LINES_HELP = "CARE | 2 | | 10 | recurring\nINSTALL | 1 | 250.00 | | one-off"
FORM_ERRORS = (400, 409)


def _customer_names(found: list[Quote]) -> dict[str, str]:
    return {c.id: c.name for c in customers.get_many(list({q.customer_id for q in found}))}


@admin_page("/quotes", permission=Permission.VIEW_CONTRACTS)
def quote_list(ctx: PageContext) -> Response:
    wanted = ctx.query.get("status", "")
    # The status as of today, not as stored: an open quote past its date is listed as expired.
    listed = [(q, q.status_on(manage_quotes.today_of(q, ctx.now))) for q in quotes.recent(limit=200)]
    found = [(q, s) for q, s in listed if not wanted or s.value == wanted]
    return ctx.render(
        "admin/quotes.html",
        rows=[{"quote": q, "status_now": s, "summary": summary(q)} for q, s in found],
        names=_customer_names([q for q, _s in found]),
        statuses=[s.value for s in QuoteStatus],
        wanted=wanted,
    )


def _form_page(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    from chalicelib.store import contract_templates, price_lists, staff

    found, search, chosen = customer_choices(ctx)
    form = ctx.form if error else {"salesperson_id": ctx.user.id, "customer_id": chosen}
    return ctx.render(
        "admin/quote_new.html",
        status,
        customers=found,
        customer_q=search,
        templates=[t for t in contract_templates.list_all() if t.active],
        price_lists=price_lists.list_all(),
        people=[s for s in staff.list_all() if s.active],
        form=form,
        error=error,
        lines_help=LINES_HELP,
    )


@admin_page("/quotes/new", permission=Permission.MANAGE_QUOTES)
def quote_new(ctx: PageContext) -> Response:
    return _form_page(ctx)


def _data(form: dict[str, str]) -> tuple[dict[str, Any], list[int]]:
    currency = (form.get("currency") or "").strip().upper()
    if not currency:
        try:
            currency = customers.get(form.get("customer_id", "")).currency
        except NotFound:
            currency = "EUR"  # the service names the missing customer
    lines, numbers = parse_text_lines(form.get("lines", ""), currency)
    data = {
        name: form.get(name, "").strip()
        for name in ("customer_id", "template_id", "price_list_id", "valid_until", "salesperson_id", "notes")
    }
    return {**data, "currency": currency, "lines": lines}, numbers


@admin_page("/quotes", permission=Permission.MANAGE_QUOTES, methods=("POST",))
def quote_create(ctx: PageContext) -> Response:
    numbers: list[int] = []
    try:
        data, numbers = _data(ctx.form)
        quote = manage_quotes.create_quote(data, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _form_page(ctx, 400, by_typed_line(error, numbers))
    return redirect(f"{PREFIX}/quotes/{quote.id}?notice=created")


def _detail(ctx: PageContext, quote_id: str, status: int = 200, error: DomainError | None = None) -> Response:
    from chalicelib.store import audit

    quote = quotes.get(quote_id)
    customer = customers.get_many([quote.customer_id])
    today = manage_quotes.today_of(quote, ctx.now)
    return ctx.render(
        "admin/quote.html",
        status,
        quote=quote,
        customer=customer[0] if customer else None,
        view=summary(quote),
        salesperson=_name_of("staff", quote.salesperson_id),
        price_list=_name_of("price_list", quote.price_list_id),
        status_now=quote.status_on(today),
        actions=quote.actions_on(today),
        history=audit.for_entity("quote", quote.id, limit=20),
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


def _name_of(kind: str, record_id: str) -> str:
    """The salesperson's or price list's name; the id if it is gone, nothing if none was chosen."""
    if not record_id:
        return ""
    from chalicelib.store import price_lists, staff

    try:
        return staff.get(record_id).name if kind == "staff" else price_lists.get(record_id).name
    except NotFound:
        return record_id


@admin_page("/quotes/{quote_id}", permission=Permission.VIEW_CONTRACTS)
def quote_detail(ctx: PageContext, quote_id: str) -> Response:
    return _detail(ctx, quote_id)


@admin_page("/quotes/{quote_id}/status", permission=Permission.MANAGE_QUOTES, methods=("POST",))
def quote_mark(ctx: PageContext, quote_id: str) -> Response:
    """Mark sent (sent by hand), viewed or declined."""
    try:
        quote = manage_quotes.mark(quote_id, ctx.form.get("action", ""), actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _detail(ctx, quote_id, error.status, error)
    return redirect(f"{PREFIX}/quotes/{quote_id}?notice={quote.status.value}")


@admin_page("/quotes/{quote_id}/email", permission=Permission.MANAGE_QUOTES, methods=("POST",))
def quote_email(ctx: PageContext, quote_id: str) -> Response:
    from chalicelib.services.send_quote import Mailer, send_quote

    mailer = Mailer(
        transport=bootstrap.mail_transport(),
        blobs=bootstrap.blobs(),
        sender=ctx.settings.mail_from,
        company=ctx.settings.company_name,
    )
    try:
        send_quote(quote_id, mailer=mailer, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _detail(ctx, quote_id, error.status, error)
    return redirect(f"{PREFIX}/quotes/{quote_id}?notice=emailed")


@admin_page("/quotes/{quote_id}/accept", permission=Permission.MANAGE_QUOTES, methods=("POST",))
def quote_accept(ctx: PageContext, quote_id: str) -> Response:
    from chalicelib.services.accept_quote import accept_quote

    try:
        accept_quote(quote_id, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _detail(ctx, quote_id, error.status, error)
    return redirect(f"{PREFIX}/quotes/{quote_id}?notice=accepted")


@admin_page("/quotes/{quote_id}/link", permission=Permission.MANAGE_QUOTES, methods=("POST",))
def quote_link(ctx: PageContext, quote_id: str) -> Response:
    """Email the customer a link to this quote in the portal (issue 7)."""
    from chalicelib.services.link_mail import send_link

    quote = quotes.get(quote_id)
    try:
        send_link(quote.customer_id, "quote", quote.id, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in FORM_ERRORS:
            raise
        return _detail(ctx, quote_id, error.status, error)
    return redirect(f"{PREFIX}/quotes/{quote_id}?notice=linked")
