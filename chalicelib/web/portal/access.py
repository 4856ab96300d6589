"""Opening a portal page: the token resolved (throttled per address), CSRF on forms, the customer's
language, no-referrer / no-store / frame-deny headers on every answer, and tokens kept out of logs."""

from __future__ import annotations

import importlib
import logging
import secrets
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.config import Settings
from chalicelib.domain import links as rules
from chalicelib.domain.audit import Actor
from chalicelib.domain.customer import Customer
from chalicelib.domain.errors import DomainError, TooManyRequests
from chalicelib.domain.links import Link, LinkError, Scope
from chalicelib.web import security
from chalicelib.web.forms import parse_form
from chalicelib.web.render import render

bp = Blueprint(__name__)
log = logging.getLogger(__name__)

HTML = "text/html; charset=utf-8"
_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
# Stripe.js (the card form on AWS) loads from js.stripe.com, frames its fields and calls its API.
_STRIPE_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https://*.stripe.com; "
    "script-src 'self' 'nonce-{nonce}' https://js.stripe.com; "
    "frame-src https://js.stripe.com https://hooks.stripe.com; connect-src 'self' https://api.stripe.com; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def portal_headers(csp: str = _CSP) -> dict[str, str]:
    """On every portal response: the URL holds a token, so no referrer, no caching, no framing."""
    return {
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "Pragma": "no-cache",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "X-Robots-Tag": "noindex, nofollow",
        "Content-Security-Policy": csp,
    }


# The portal's words load with the first portal request, not with every cold start of the app.
def labels(locale: str | None) -> dict[str, str]:
    from chalicelib.domain.portal_labels import labels as words

    return words(locale)


def portal_locale(locale: str | None) -> str:
    from chalicelib.domain.portal_labels import portal_locale as pick

    return pick(locale)


def from_accept_language(header: str | None) -> str:
    from chalicelib.domain.portal_labels import from_accept_language as pick

    return pick(header)


def html(body: str, status: int, csp: str = _CSP) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": HTML, **portal_headers(csp)}
    return Response(body=body, status_code=status, headers=headers)


def client_address(request: Request) -> str:
    return str((request.context.get("identity") or {}).get("sourceIp") or "unknown")


@dataclass
class PortalContext:
    request: Request
    link: Link
    token: str
    now: datetime
    settings: Settings
    form: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(
        default_factory=dict
    )  # the route's ids: look them up with web.portal.owned

    @cached_property
    def customer(self) -> Customer | None:
        from chalicelib.domain.errors import NotFound
        from chalicelib.store import customers

        if not self.link.customer_id:
            return None
        try:
            return customers.get(self.link.customer_id)
        except NotFound:
            return None

    @property
    def locale(self) -> str:
        """The customer's language; a prospect's (a signup link has no customer yet) from the browser."""
        if self.customer is None:
            return from_accept_language(self.request.headers.get("accept-language"))
        return portal_locale(self.customer.locale)

    @property
    def t(self) -> dict[str, str]:
        return labels(self.locale)

    @property
    def csrf(self) -> str:
        return security.csrf_token(self.settings.secret_key, csrf_binding(self.link))

    @property
    def actor(self) -> Actor:
        return rules.customer_actor(self.link.customer_id)

    def url(self, page: str = "") -> str:
        return f"/portal/{self.token}/{page}" if page else f"/portal/{self.token}"

    def render(self, template: str, status: int = 200, *, stripe: bool = False, **context: Any) -> Response:
        nonce = secrets.token_urlsafe(16)
        csp = _STRIPE_CSP.format(nonce=nonce) if stripe else _CSP
        values = page_values(self.settings, self.locale)
        if self.link.scope == Scope.PORTAL:
            values["home_url"] = self.url()  # the layout's navigation: overview, details, card
        values.update(csrf=self.csrf, nonce=nonce, customer=self.customer)
        values.update(context)  # a page may set the layout's values (nav) too
        return html(render(template, **values), status, csp)


def csrf_binding(link: Link) -> str:
    return f"link:{link.token_hash}"


def page_values(settings: Settings, locale: str) -> dict[str, Any]:
    """What the portal layout needs on every page."""
    return {
        "t": labels(locale),
        "locale": locale,
        "company": settings.company_name,
        "contact_email": settings.company_email,
        "home_url": "",
        "nav": "",  # which navigation entry is the current page
    }


def redirect(location: str) -> Response:
    headers: dict[str, str | list[str]] = {"Location": location, **portal_headers()}
    return Response(body="", status_code=303, headers=headers)


def problem(
    request: Request, status: int, title: str, message: str, *, locale: str | None = None, **extra: Any
) -> Response:
    """The portal's error page: its own layout (no admin navigation), same headers."""
    settings = bootstrap.settings()
    locale = locale or from_accept_language(request.headers.get("accept-language"))
    body = render(
        "portal/problem.html", **page_values(settings, locale), title=title, message=message, **extra
    )
    return html(body, status)


View = Callable[[PortalContext], Response]


def serve(token: str, scopes: tuple[Scope, ...], module: str, view: str, **params: str) -> Response:
    """Resolves the token for one of `scopes`, then calls `module.view(ctx)` (imported on first use).

    `params` are the route's ids (a contract, an invoice...): the page must load them through
    web.portal.owned, which answers "not found" for anything that is not the link's customer's."""
    request = bp.current_request
    try:
        return _serve(request, token, scopes, module, view, params)
    except Exception:
        return _failed(request, token)


def _serve(
    request: Request, token: str, scopes: tuple[Scope, ...], module: str, view: str, params: dict[str, str]
) -> Response:
    from chalicelib.services import manage_links

    settings = bootstrap.settings()
    now = bootstrap.utcnow()
    try:
        link = manage_links.resolve(token, scopes, now=now, address=client_address(request))
    except TooManyRequests as error:
        return too_many(request, error)
    except LinkError as error:
        return link_problem(request, error, token)
    ctx = PortalContext(
        request=request,
        link=link,
        token=token,
        now=now,
        settings=settings,
        query={k: v for k, v in (request.query_params or {}).items()},
        params=params,
    )
    try:
        if request.method not in ("GET", "HEAD"):
            ctx.form = parse_form(request)
            if not security.csrf_valid(settings.secret_key, csrf_binding(link), ctx.form.get("csrf_token")):
                return problem(request, 403, ctx.t["error_title"], ctx.t["form_expired"], locale=ctx.locale)
        page: View = getattr(importlib.import_module(module), view)
        return page(ctx)
    except LinkError as error:
        return link_problem(request, error, token)
    except DomainError as error:
        return problem(request, error.status, ctx.t["error_title"], error.message, locale=ctx.locale)


def too_many(request: Request, error: TooManyRequests, locale: str | None = None) -> Response:
    locale = locale or from_accept_language(request.headers.get("accept-language"))
    words = labels(locale)
    minutes = -(-error.retry_after // 60)
    response = problem(request, 429, words["too_many_title"], words["too_many"].format(minutes=minutes))
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def link_problem(
    request: Request,
    error: LinkError,
    token: str,
    *,
    sent_to: str = "",
    status: int | None = None,
) -> Response:
    """The page for a link that does not open: expired (with "email me a new one"), revoked, unknown."""
    from chalicelib.store import customers

    link = error.link
    customer = None
    if link is not None and link.customer_id:
        try:
            customer = customers.get(link.customer_id)
        except DomainError:
            customer = None
    locale = (
        portal_locale(customer.locale)
        if customer
        else from_accept_language(request.headers.get("accept-language"))
    )
    settings = bootstrap.settings()
    reason = "unknown" if error.reason == "wrong_scope" else error.reason
    renewable = reason == "expired" and link is not None
    body = render(
        "portal/link_problem.html",
        **page_values(settings, locale),
        reason=reason,
        renewable=renewable,
        masked_email=rules.mask_email(customer.email) if customer and customer.email else "",
        sent_to=sent_to,
        renew_action=f"/portal/{token}/renew" if renewable else "",
        csrf=security.csrf_token(settings.secret_key, csrf_binding(link)) if link else "",
    )
    return html(body, status or error.status)


def _failed(request: Request, token: str) -> Response:
    """An unexpected error: logged with every token redacted (an exception's text may quote the URL)."""
    text = traceback.format_exc().replace(token, "[token]") if token else traceback.format_exc()
    log.error("portal error on %s: %s", request.context.get("resourcePath", ""), rules.redact(text))
    try:
        words = labels(from_accept_language(request.headers.get("accept-language")))
        return problem(request, 500, words["error_title"], words["error_text"])
    except Exception:  # the error page itself failed: a plain page, and nothing more to log
        return html("<!doctype html><title>Error</title><h1>Something went wrong</h1>", 500)


def serve_renewal(token: str) -> Response:
    """POST from the expiry page: a fresh link of the same kind, emailed to the address on file only."""
    request = bp.current_request
    try:
        return _renew(request, token)
    except Exception:
        return _failed(request, token)


def _renew(request: Request, token: str) -> Response:
    from chalicelib.domain.errors import ValidationError
    from chalicelib.domain.links import LinkExpired
    from chalicelib.services import link_mail, manage_links

    settings = bootstrap.settings()
    now = bootstrap.utcnow()
    try:
        link = manage_links.inspect(token, now=now, address=client_address(request))
    except TooManyRequests as error:
        return too_many(request, error)
    except LinkError as error:
        return link_problem(request, error, token)
    words = labels(from_accept_language(request.headers.get("accept-language")))
    try:
        form = parse_form(request)
    except DomainError as error:  # not a form (415), too large (413), not UTF-8 (400)
        return problem(request, error.status, words["error_title"], error.message)
    if not security.csrf_valid(settings.secret_key, csrf_binding(link), form.get("csrf_token")):
        return problem(request, 403, words["error_title"], words["form_expired"])
    if link.state(now) == "active":
        return redirect(rules.path(link.scope, token))
    expired = LinkExpired("this link has expired", link)
    try:
        masked = link_mail.send_fresh_link(link, now=now)
    except LinkError as error:
        return link_problem(request, error, token)
    except TooManyRequests as error:
        return too_many(request, error)
    except ValidationError as error:
        if error.field != link_mail.NO_EMAIL:
            raise
        return link_problem(request, expired, token)  # the page says there is no address on file
    return link_problem(request, expired, token, sent_to=masked, status=200)
