"""/portal/<token>/quote (a quote link: the link's quote) and /portal/<token>/quotes/<id> (a portal
link: any sent quote of the customer): the quote with its lines, totals with tax and terms, and the
customer's answers (field "action"): accept (accept_terms=1), decline (optional reason), question
(message). An expired, declined or accepted quote shows its state and no answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Response

from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.domain.links import Scope
from chalicelib.web.portal.access import PortalContext, redirect

if TYPE_CHECKING:
    from chalicelib.domain.quotes import Quote

ACTIONS = ("accept", "decline", "question")
DONE = {
    "accepted": "quote_accepted_notice",
    "declined": "quote_declined_notice",
    "asked": "quote_question_sent",
}
TICKED = ("1", "on", "yes", "true")


def _quote(ctx: PortalContext, consistent: bool = False) -> Quote:
    """The link's quote (a quote link) or the one in the URL (a portal link): always the customer's
    (owned.quote), and never a draft (staff work in progress)."""
    from chalicelib.domain.quotes import QuoteStatus
    from chalicelib.web.portal import owned

    quote_id = ctx.params.get("quote_id") or (ctx.link.subject_id if ctx.link.subject_type == "quote" else "")
    quote = owned.quote(ctx, quote_id, consistent=consistent)
    if quote.status is QuoteStatus.DRAFT:
        raise owned.NotYours("not found")
    return quote


def _here(ctx: PortalContext) -> str:
    quote_id = ctx.params.get("quote_id")
    return ctx.url(f"quotes/{quote_id}") if quote_id else ctx.url("quote")


def period_word(t: dict[str, str], period: str) -> str:
    return t.get(f"quote_period_{period}", t["quote_period_other"])


def quote_rows(quote: Quote, ctx: PortalContext) -> list[dict[str, Any]]:
    from chalicelib.services.quote_summary import line_row

    every = ctx.t["quote_every"].format(period=period_word(ctx.t, quote.period))
    return [
        {
            **line_row(q.line, quote.currency, ctx.locale),
            "when": every if q.recurring else ctx.t["quote_once"],
        }
        for q in quote.lines
    ]


def _terms(quote: Quote, t: dict[str, str]) -> list[tuple[str, str]]:
    """The template's terms as the customer reads them (none without a template)."""
    from chalicelib.store import contract_templates

    if not quote.template_id:
        return []
    try:
        template = contract_templates.get(quote.template_id)
    except NotFound:
        return []
    period = period_word(t, template.period)
    term = (
        t["ov_term_periods"].format(count=template.term_periods, period=period)
        if template.term_periods
        else t["quote_open_ended"]
    )
    return [
        (t["quote_min_term"], term),
        (t["ov_notice"], t["ov_notice_days"].format(days=template.notice_days)),
        (t["quote_payment_terms"], t["ov_notice_days"].format(days=template.payment_terms_days)),
        (t["quote_renews"], t["quote_yes"] if template.auto_renew else t["quote_no"]),
    ]


def _created(quote: Quote, ctx: PortalContext) -> dict[str, Any]:
    """What accepting made (the contract, the order), linked where the link may open them."""
    from chalicelib.store import contracts, orders

    made: dict[str, Any] = {"contract": None, "order": None, "contract_url": "", "order_url": ""}
    portal = ctx.link.scope == Scope.PORTAL
    if quote.contract_id:
        try:
            made["contract"] = contracts.get(quote.contract_id)
            made["contract_url"] = ctx.url(f"contracts/{quote.contract_id}") if portal else ""
        except NotFound:
            pass
    if quote.order_id:
        try:
            made["order"] = orders.get(quote.order_id)
            made["order_url"] = ctx.url(f"orders/{quote.order_id}") if portal else ""
        except NotFound:
            pass
    return made


def _error_text(error: ValidationError | Conflict, ctx: PortalContext, status_text: str) -> str:
    from chalicelib.services.portal_quote import MAX_MESSAGE, MAX_REASON

    t = ctx.t
    if error.field == "accept_terms":
        return t["quote_terms_needed"]
    if error.field == "message":
        empty = not ctx.form.get("message", "").strip()
        return t["quote_message_needed"] if empty else t["quote_too_long"].format(max=MAX_MESSAGE)
    if error.field == "reason":
        return t["quote_too_long"].format(max=MAX_REASON)
    if isinstance(error, Conflict):
        return t["quote_closed"].format(status=status_text)
    return error.message


def _page(
    ctx: PortalContext, quote: Quote, status: int = 200, *, error: str = "", field: str = ""
) -> Response:
    from chalicelib.domain.quotes import AWAITING_ANSWER
    from chalicelib.services.manage_quotes import today_of
    from chalicelib.services.portal_quote import totals

    recurring, one_off = totals(quote, ctx.settings.company_country, ctx.locale)
    state = quote.status_on(today_of(quote, ctx.now))
    mail_to = ""
    if ctx.query.get("sent") == "1" and ctx.customer is not None and ctx.customer.email:
        from chalicelib.domain.links import mask_email

        mail_to = mask_email(ctx.customer.email)
    notice = ctx.t[DONE[ctx.query["done"]]] if ctx.query.get("done") in DONE and not error else ""
    return ctx.render(
        "portal/quote.html",
        status,
        quote=quote,
        state=state.value,
        state_text=ctx.t[f"quote_status_{state.value}"],
        open=state in AWAITING_ANSWER,
        rows=quote_rows(quote, ctx),
        period=period_word(ctx.t, quote.period),
        recurring=recurring,
        one_off=one_off,
        terms=_terms(quote, ctx.t),
        created=_created(quote, ctx),
        accepted_on=quote.accepted_at.date().isoformat() if quote.accepted_at else "",
        card_url=ctx.url("card") if ctx.link.scope == Scope.PORTAL else "",
        mail_to=mail_to,
        notice=notice,
        error=error,
        error_field=field,
        form=ctx.form,
        action=_here(ctx),
        nav="overview" if ctx.link.scope == Scope.PORTAL else "",
    )


def show(ctx: PortalContext) -> Response:
    from chalicelib.services.portal_quote import mark_viewed

    quote = mark_viewed(_quote(ctx), actor=ctx.actor, now=ctx.now)
    return _page(ctx, quote)


def submit(ctx: PortalContext) -> Response:
    from chalicelib.services import portal_quote

    quote = _quote(ctx, consistent=True)  # first: another customer's quote is "not found", whatever the form
    action = ctx.form.get("action", "")
    if action not in ACTIONS:
        raise ValidationError(f"action must be one of {', '.join(ACTIONS)}", field="action")
    done, sent = "", ""
    try:
        if action == "accept":
            ticked = ctx.form.get("accept_terms", "").strip().lower() in TICKED
            portal_quote.accept(quote, accept_terms=ticked, actor=ctx.actor, now=ctx.now)
            done = "accepted"
            if ctx.link.scope == Scope.QUOTE:  # a quote link opens nothing else: the portal link is emailed
                from chalicelib.services.link_mail import send_portal_link

                sent = "1" if send_portal_link(quote.customer_id, actor=ctx.actor, now=ctx.now) else ""
        elif action == "decline":
            portal_quote.decline(quote, ctx.form.get("reason", ""), actor=ctx.actor, now=ctx.now)
            done = "declined"
        else:
            portal_quote.ask(quote, ctx.form.get("message", ""), actor=ctx.actor, now=ctx.now)
            done = "asked"
    except (ValidationError, Conflict) as error:
        from chalicelib.services.manage_quotes import today_of
        from chalicelib.store import quotes

        current = quotes.get(quote.id, consistent=True)
        state_text = ctx.t[f"quote_status_{current.status_on(today_of(current, ctx.now)).value}"]
        status = 400 if isinstance(error, ValidationError) else 409
        return _page(ctx, current, status, error=_error_text(error, ctx, state_text), field=error.field or "")
    return redirect(_here(ctx) + f"?done={done}" + ("&sent=1" if sent else ""))
