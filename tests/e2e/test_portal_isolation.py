"""Issue 7's security tests over EVERY portal route (read from the app, so a new route is covered the day
it is added): customer A's link never reveals or changes anything of customer B, expired and revoked
links get the link page, forms need the link's CSRF token, every answer carries the privacy headers, and
no token reaches the logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain import links as rules
from chalicelib.domain.links import Scope
from chalicelib.services import manage_links
from tests.browser_client import Browser
from tests.portal_world import STAFF, Catalogue, PortalWorld, now, portal_csrf, portal_world

ID = re.compile(r"\{(\w+)\}")
FORM = {  # what a curious customer might post: every page's actions, and B's ids in the fields
    "action": "confirm",
    "accept_terms": "1",
    "rating": "5",
    "description": "It leaks",
    "message": "Hello",
    "reason": "price",
    "qty_hotline": "3",
}


def _body(response: Any) -> str:
    body = response.body
    return body.decode(errors="replace") if isinstance(body, bytes) else str(body)


def _headers(response: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}


def _assert_private(response: Any) -> None:
    headers = _headers(response)
    assert headers.get("referrer-policy") == "no-referrer", headers
    assert headers.get("cache-control") == "no-store", headers
    assert headers.get("x-frame-options") == "DENY", headers


def _routes() -> list[tuple[str, str]]:
    import app

    found = [
        (path, m) for path, methods in app.app.routes.items() if path.startswith("/portal/") for m in methods
    ]
    assert len(found) >= 20, found
    return sorted(found)


def _path(template: str, token: str, ids: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "token":
            return token
        assert name in ids, f"route {template}: the isolation test does not know {{{name}}}: add it"
        return ids[name]

    return ID.sub(fill, template)


def _scope_of(template: str) -> Scope:
    """The kind of link that opens a route: a portal link opens all but the pages of one scoped link."""
    page = template.removeprefix("/portal/{token}/")
    single = {rules.PAGE[scope]: scope for scope in Scope if scope is not Scope.PORTAL}
    return single[page] if page in single and page != "card" else Scope.PORTAL


def _token_for(world: PortalWorld, template: str, *, age: timedelta = timedelta(0)) -> str:
    scope = _scope_of(template)
    subject = {
        Scope.QUOTE: world.quote.id,
        Scope.INVOICE_PAYMENT: world.invoice.id,
        Scope.SIGNUP: world.contract.template_id,
        Scope.FEEDBACK: f"{world.contract.id}|2030-01-01#{world.item.id}",
    }.get(scope, "")
    return world.link(scope, subject, age=age)


def _snapshot(world: PortalWorld) -> list[str]:
    """Everything of one customer a portal action could change, read consistently."""
    from chalicelib.store import contracts, customers, invoices, items, orders, quotes

    return [
        repr(customers.get(world.customer.id)),
        repr(contracts.of_customer(world.customer.id)),
        repr(quotes.get(world.quote.id, consistent=True)),
        repr(orders.get(world.order.id, consistent=True)),
        repr(invoices.get(world.invoice.id, consistent=True)),
        repr(items.get(world.item.id)),
        repr(sorted(link.token_hash for link in manage_links.of_customer(world.customer.id))),
    ]


@pytest.fixture
def a(shop: Catalogue) -> PortalWorld:
    return portal_world(shop, "Alpha Heating", "alpha@alpha.example", "SN-ALPHA-1")


@pytest.fixture
def b(shop: Catalogue) -> PortalWorld:
    return portal_world(shop, "Beta Bakery", "beta@beta.example", "SN-BETA-9")


@pytest.fixture
def portal(browser: Browser) -> Iterator[Browser]:
    """The browser, checking the privacy headers on every answer it gets."""
    seen: list[Any] = []
    get, post = browser.get, browser.post

    def recording_get(path: str, headers: dict[str, str] | None = None) -> Any:
        seen.append(response := get(path, headers))
        return response

    def recording_post(path: str, data: Any, **kwargs: Any) -> Any:
        seen.append(response := post(path, data, **kwargs))
        return response

    browser.get = recording_get  # type: ignore[method-assign]
    browser.post = recording_post  # type: ignore[method-assign]
    yield browser
    assert seen
    for response in seen:
        _assert_private(response)


def test_customer_as_link_with_customer_bs_ids_finds_nothing_on_any_route(
    portal: Browser, a: PortalWorld, b: PortalWorld
) -> None:
    token = a.link()
    before = _snapshot(b)
    checked = 0
    for template, method in _routes():
        if not ID.findall(template.removeprefix("/portal/{token}")):
            continue
        path = _path(template, token, b.ids)
        if method == "GET":
            response = portal.get(path)
        else:
            response = portal.post(
                path, {**FORM, **b.ids, "customer_id": b.customer.id}, csrf=portal_csrf(token)
            )
        assert response.status_code == 404, (method, template, response.status_code)
        page = _body(response)
        for secret in b.secrets:
            assert secret not in page, (method, template, secret)
        checked += 1
    assert checked >= 12
    assert _snapshot(b) == before


def test_the_same_routes_open_customer_as_own_records(portal: Browser, a: PortalWorld) -> None:
    """So the 404s above are about ownership, not about pages that never open."""
    token = a.link()
    for template, method in _routes():
        if method != "GET" or not ID.findall(template.removeprefix("/portal/{token}")):
            continue
        response = portal.get(_path(template, token, a.ids))
        assert response.status_code == 200, (template, _body(response)[:400])


def test_customer_as_pages_show_nothing_of_customer_b(
    portal: Browser, a: PortalWorld, b: PortalWorld
) -> None:
    token = a.link()
    pages = [f"/portal/{token}", f"/portal/{token}/details", f"/portal/{token}/card"]
    pages += [
        _path(template, token, a.ids)
        for template, method in _routes()
        if method == "GET" and ID.findall(template.removeprefix("/portal/{token}")) and "pdf" not in template
    ]
    overview = _body(portal.get(pages[0]))
    for own in (a.contract.number, a.invoice.number, a.item.serial):
        assert own in overview
    for path in pages:
        response = portal.get(path)
        assert response.status_code == 200, path
        for secret in b.secrets:
            assert secret not in _body(response), (path, secret)


def test_a_scoped_link_opens_only_its_own_page(portal: Browser, a: PortalWorld, b: PortalWorld) -> None:
    quote_link = a.link(Scope.QUOTE, a.quote.id)
    pay_link = a.link(Scope.INVOICE_PAYMENT, a.invoice.id)
    card_link = a.link(Scope.CARD_UPDATE)
    for token in (quote_link, pay_link, card_link):
        for template, method in _routes():
            if method == "GET" and ("{contract_id}" in template or "{item_id}" in template):
                assert portal.get(_path(template, token, a.ids)).status_code == 404, (token, template)
    assert portal.get(f"/portal/{quote_link}/quote").status_code == 200
    assert portal.get(f"/portal/{pay_link}/invoices/{a.invoice.id}/pdf").status_code == 200
    assert portal.get(f"/portal/{pay_link}/invoices/{b.invoice.id}/pdf").status_code == 404
    # A forged link of A naming B's records (the services never make one) opens nothing of B.
    for scope, subject in (
        (Scope.QUOTE, b.quote.id),
        (Scope.INVOICE_PAYMENT, b.invoice.id),
        (Scope.FEEDBACK, f"{b.contract.id}|2030-01-01#{b.item.id}"),
    ):
        token = a.link(scope, subject)
        response = portal.get(f"/portal/{token}/{rules.PAGE[scope]}")
        assert response.status_code == 404, scope
        for secret in b.secrets:
            assert secret not in _body(response), (scope, secret)


def test_expired_and_revoked_links_get_the_link_page_on_every_route(portal: Browser, a: PortalWorld) -> None:
    before = _snapshot(a)
    for template, method in _routes():
        if template.endswith("/renew"):
            continue
        expired = _token_for(a, template, age=timedelta(days=60))
        revoked = _token_for(a, template)
        manage_links.revoke_link(rules.hash_token(revoked), customer_id=a.customer.id, actor=STAFF, now=now())
        for token, words in ((expired, "This link has expired"), (revoked, "This link is no longer valid")):
            path = _path(template, token, a.ids)
            response = (
                portal.get(path) if method == "GET" else portal.post(path, FORM, csrf=portal_csrf(token))
            )
            assert response.status_code == 410, (template, method, response.status_code)
            assert words in _body(response), template
            assert a.contract.number not in _body(response)
    assert len(_snapshot(a)[-1]) > len(before[-1])  # only the links made here are new
    assert _snapshot(a)[:-1] == before[:-1]


def test_every_portal_form_needs_the_csrf_token_of_its_own_link(portal: Browser, a: PortalWorld) -> None:
    from chalicelib.store import mail

    posts = [template for template, method in _routes() if method == "POST" and "renew" not in template]
    assert len(posts) >= 9
    tokens = {template: (_token_for(a, template), _token_for(a, template)) for template in posts}
    before, mails = _snapshot(a), len(mail.recent(limit=1000))
    for template, (token, other) in tokens.items():
        for csrf in (None, "forged", portal_csrf(other)):
            response = portal.post(_path(template, token, a.ids), FORM, csrf=csrf)
            assert response.status_code == 403, (template, csrf, response.status_code)
            assert "This form has expired" in _body(response)
    assert _snapshot(a) == before
    assert len(mail.recent(limit=1000)) == mails


def test_no_token_reaches_the_logs_whatever_the_route(
    portal: Browser, a: PortalWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = [a.link(), a.link(age=timedelta(days=31)), rules.new_token()[0]]
    for template, method in _routes():
        own = _token_for(a, template)
        tokens.append(own)
        for token in (*tokens[:3], own):
            path = _path(template, token, a.ids)
            if method == "GET":
                portal.get(path + "?x=%00")
            else:
                portal.post(path, {"action": "bogus", "qty_hotline": "-x"}, csrf=portal_csrf(token))
    text = "\n".join(
        record.getMessage()
        + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        for record in caplog.records
    )
    for token in tokens:
        assert token not in text
