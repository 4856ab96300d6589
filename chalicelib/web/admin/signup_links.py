"""Signup links for prospects (B6, B1): a link to a contract template's offer (no customer yet) or to a
quote; its URL is shown once, right after it is made, and optionally emailed to an address staff type.

Form fields: subject_type (template | quote), template_id, quote_id, email (optional), days (optional).
"""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

NOTICES = {"revoked": "Signup link revoked: it now shows a 'no longer valid' page."}


def _page(
    ctx: PageContext,
    status: int = 200,
    *,
    error: ValidationError | None = None,
    made: str = "",
    sent_to: str = "",
) -> Response:
    from datetime import date

    from chalicelib.domain.links import Scope
    from chalicelib.services.manage_links import default_days, of_prospects
    from chalicelib.services.manage_quotes import today_of
    from chalicelib.store import contract_templates, customers, quotes

    every = contract_templates.list_all()
    offered = [t for t in every if t.active and t.has_offer]
    names_of_templates = {t.id: t.name for t in every}
    open_quotes = [  # the sparse index of quotes not yet accepted, declined or expired (drafts too)
        q
        for q in quotes.open_until(date.max)
        if q.awaits_answer(today_of(q, ctx.now))
    ]
    names = {c.id: c.name for c in customers.get_many(list({q.customer_id for q in open_quotes}))}
    return ctx.render(
        "admin/signup_links.html",
        status,
        templates=offered,
        quotes=[(q, names.get(q.customer_id, "")) for q in open_quotes],
        default_days=default_days(Scope.SIGNUP),
        form=ctx.form if error else {"subject_type": "template"},
        error=error,
        made=made,
        sent_to=sent_to,
        sent=[(link, names_of_templates.get(link.subject_id, "")) for link in of_prospects()],
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


@admin_page("/signup-links", permission=Permission.MANAGE_QUOTES)
def signup_links(ctx: PageContext) -> Response:
    return _page(ctx)


@admin_page("/signup-links", permission=Permission.MANAGE_QUOTES, methods=("POST",))
def signup_link_create(ctx: PageContext) -> Response:
    from chalicelib.services.link_mail import create_signup_link

    kind = ctx.form.get("subject_type", "").strip()
    subject_id = ctx.form.get("quote_id" if kind == "quote" else "template_id", "")
    email = ctx.form.get("email", "")
    try:
        _link, url = create_signup_link(
            kind, subject_id, email=email, days=ctx.form.get("days", ""), actor=ctx.actor, now=ctx.now
        )
    except ValidationError as error:
        return _page(ctx, 400, error=error)
    # Shown on this answer only (not a redirect: the URL must not sit in a query string or history).
    return _page(ctx, 201, made=url, sent_to=email.strip().lower())


@admin_page("/signup-links/{link_id}/revoke", permission=Permission.MANAGE_QUOTES, methods=("POST",))
def signup_link_revoke(ctx: PageContext, link_id: str) -> Response:
    from chalicelib.services.manage_links import revoke_link

    revoke_link(link_id, customer_id="", actor=ctx.actor, now=ctx.now)  # a customer's link: not found
    return redirect(f"{PREFIX}/signup-links?notice=revoked")
