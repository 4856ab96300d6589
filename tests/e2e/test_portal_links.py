"""The customer portal's links over HTTP: expiry page and fresh links, throttling, CSRF, headers,
isolation between customers, tokens kept out of logs; card and pay pages against localstripe."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain import links as rules
from chalicelib.domain.audit import SYSTEM, Actor
from chalicelib.domain.links import Scope
from chalicelib.services import manage_links
from chalicelib.store import mail
from tests.browser_client import Browser
from tests.payment_helpers import store_document
from tests.portal_world import portal_csrf

STAFF = Actor("u1", "staff@example.com")
GOOD_CARD = "4242424242424242"
DECLINED_AT_SETUP = "4000000000000002"
DECLINED_OFF_SESSION = "4000000000000341"  # attaches, then every charge fails


def _now() -> datetime:
    return datetime.now(UTC)  # the app reads the real clock; throttle TTLs follow it too


def _customer(name: str = "Acme", email: str = "billing@acme.example", locale: str = "en") -> Any:
    from chalicelib.services.manage_customers import create_customer

    data = {"name": name, "country": "SK", "currency": "EUR", "email": email, "locale": locale}
    return create_customer(data, actor=SYSTEM, now=_now())


def _link(
    customer: Any, scope: Scope = Scope.CARD_UPDATE, *, age: timedelta = timedelta(0), subject: str = ""
) -> str:
    _link, token = manage_links.create_link(
        scope, subject or customer.id, customer_id=customer.id, actor=STAFF, now=_now() - age
    )
    return token


def _pay_link(invoice: Any, *, age: timedelta = timedelta(0)) -> str:
    _link, token = manage_links.create_link(
        Scope.INVOICE_PAYMENT, invoice.id, customer_id=invoice.customer_id, actor=STAFF, now=_now() - age
    )
    return token


def _save_card(customer_id: str, number: str = GOOD_CARD) -> Any:
    from chalicelib.services.card_setup import DevCard, begin_card_setup, finish_card_setup

    setup = begin_card_setup(customer_id, now=_now())
    card = DevCard(number, "12", "2030", "123")
    return finish_card_setup(customer_id, setup.setup_intent_id, dev_card=card, actor=SYSTEM, now=_now())


def _body(response: Any) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else str(response.body)


def _assert_portal_headers(response: Any) -> None:
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers.get("referrer-policy") == "no-referrer", headers
    assert headers.get("cache-control") == "no-store", headers
    assert headers.get("x-frame-options") == "DENY", headers
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), headers


@pytest.fixture
def portal(browser: Browser) -> Iterator[Browser]:
    seen: list[Any] = []
    get, post = browser.get, browser.post

    def recording_get(path: str, headers: dict[str, str] | None = None) -> Any:
        response = get(path, headers)
        seen.append(response)
        return response

    def recording_post(path: str, data: Any, **kwargs: Any) -> Any:
        response = post(path, data, **kwargs)
        seen.append(response)
        return response

    browser.get = recording_get  # type: ignore[method-assign]
    browser.post = recording_post  # type: ignore[method-assign]
    yield browser
    for response in seen:  # every portal answer of every test: no referrer, no caching, no framing
        _assert_portal_headers(response)


# --- links that do not open -------------------------------------------------------------------------


def test_an_expired_link_offers_a_fresh_one_without_showing_the_address(portal: Browser) -> None:
    customer = _customer()
    token = _link(customer, age=timedelta(days=15))
    response = portal.get(f"/portal/{token}/card")
    assert response.status_code == 410
    page = _body(response)
    assert "This link has expired" in page and "Email me a new link" in page
    assert "b•••@a•••.example" in page and "billing@acme.example" not in page


def test_a_revoked_link_gets_the_same_page_without_an_offer(portal: Browser) -> None:
    customer = _customer()
    token = _link(customer)
    manage_links.revoke_link(rules.hash_token(token), customer_id=customer.id, actor=STAFF, now=_now())
    response = portal.get(f"/portal/{token}/card")
    assert response.status_code == 410
    assert "This link is no longer valid" in _body(response)
    assert "Email me a new link" not in _body(response)
    renew = portal.post(f"/portal/{token}/renew", {}, csrf=portal_csrf(token))
    assert renew.status_code == 410 and "This link is no longer valid" in _body(renew)
    assert mail.recent() == []


def test_unknown_and_wrong_page_tokens_get_a_404_page_of_the_same_look(portal: Browser) -> None:
    customer = _customer()
    pay_token = _pay_link(store_document(customer.id))
    for path in (f"/portal/{rules.new_token()[0]}/card", "/portal/short/pay", f"/portal/{pay_token}/card"):
        response = portal.get(path)
        assert response.status_code == 404, path
        assert "This link is not valid" in _body(response)
        assert '<span class="brand">' in _body(response)  # the portal layout, no admin navigation
        assert "/admin" not in _body(response)


def test_the_page_speaks_the_customers_language(portal: Browser) -> None:
    customer = _customer(locale="sk")
    response = portal.get(f"/portal/{_link(customer, age=timedelta(days=15))}/card")
    assert response.status_code == 410
    assert 'lang="sk"' in _body(response) and "Platnosť odkazu vypršala" in _body(response)


def test_a_fresh_link_is_emailed_only_to_the_address_on_file(portal: Browser) -> None:
    customer = _customer()
    token = _link(customer, age=timedelta(days=15))
    portal.get(f"/portal/{token}/card")
    response = portal.post(
        f"/portal/{token}/renew", {"email": "attacker@evil.example", "to": "attacker@evil.example"}
    )
    assert response.status_code == 200
    assert "We have sent a new link to b•••@a•••.example" in _body(response)
    [message] = mail.recent()
    assert message.to == "billing@acme.example"
    fresh = re.search(r"http://testserver(/portal/[A-Za-z0-9_-]{43}/card)", message.text)
    assert fresh, message.text
    assert portal.get(fresh.group(1)).status_code == 200


def test_renewing_an_active_link_sends_nothing(portal: Browser) -> None:
    customer = _customer()
    token = _link(customer, age=timedelta(days=15))
    portal.get(f"/portal/{token}/card")
    csrf = portal.csrf()
    active = _link(customer)
    # The CSRF token is bound to the link: the expired link's token does not work on another link.
    assert portal.post(f"/portal/{active}/renew", {}, csrf=csrf).status_code == 403
    assert mail.recent() == []


# --- throttling, CSRF ----------------------------------------------------------------------------------


def test_guessing_tokens_is_throttled_per_address(portal: Browser) -> None:
    customer = _customer()
    valid = _link(customer)
    for _ in range(rules.BAD_TOKENS_PER_ADDRESS.max_failures):
        assert portal.get(f"/portal/{rules.new_token()[0]}/card").status_code == 404
    response = portal.get(f"/portal/{rules.new_token()[0]}/pay")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many attempts" in _body(response)
    # Once locked, even a real token is not looked up from that address.
    assert portal.get(f"/portal/{valid}/card").status_code == 429
    assert portal.post(f"/portal/{valid}/renew", {}, csrf="x").status_code == 429


def test_portal_forms_without_a_valid_csrf_token_change_nothing(portal: Browser) -> None:
    customer = _customer()
    card_token = _link(customer)
    invoice = store_document(customer.id, total=4200)
    pay_token = _pay_link(invoice)
    expired = _link(customer, age=timedelta(days=15))
    card_form = {"card_number": GOOD_CARD, "exp_month": "12", "exp_year": "2030", "cvc": "123"}
    for path, form in (
        (f"/portal/{card_token}/card", card_form),
        (f"/portal/{pay_token}/pay", {"action": "pay"}),
        (f"/portal/{pay_token}/pay", {"action": "card_and_pay", **card_form}),
        (f"/portal/{expired}/renew", {}),
    ):
        for csrf in (None, "forged", portal_csrf(_link(customer))):
            response = portal.post(path, form, csrf=csrf)
            assert response.status_code == 403, (path, csrf)
            assert "This form has expired" in _body(response)
    from chalicelib.store import cards, invoices

    assert cards.get(customer.id) is None
    assert invoices.get(invoice.id).open_minor == 4200
    assert mail.recent() == []


def test_nonsense_sent_to_any_portal_route_gets_a_4xx_page_never_a_500(portal: Browser) -> None:
    import app

    customer = _customer()
    invoice = store_document(customer.id, total=4200)
    tokens = {Scope.CARD_UPDATE: _link(customer), Scope.INVOICE_PAYMENT: _pay_link(invoice)}
    expired = _link(customer, age=timedelta(days=15))
    routes = [(p, m) for p, ms in app.app.routes.items() if p.startswith("/portal") for m in ms]
    assert len(routes) >= 6
    for template, method in routes:
        for token in (*tokens.values(), expired, "x" * 43):
            path = template.replace("{token}", token)
            if method == "GET":
                response = portal.get(path + "?setup_intent=&new_card=%00&saved=bogus")
                assert response.status_code < 500, (path, _body(response)[:300])
                continue
            for form in (
                {},
                {"action": "bogus", "card_number": "x" * 300, "exp_month": "13", "setup_intent_id": "nope"},
            ):
                response = portal.post(path, form, csrf=portal_csrf(token))
                assert response.status_code < 500, (path, form, _body(response)[:300])
            raw = portal.client.http.post(
                path, body=b'{"a": 1}', headers={"Content-Type": "application/json"}
            )
            assert 400 <= raw.status_code < 500, (path, raw.status_code)
            _assert_portal_headers(raw)


# --- isolation ------------------------------------------------------------------------------------------


def test_a_link_of_customer_a_never_shows_or_pays_customer_b(portal: Browser) -> None:
    from chalicelib.store import invoices

    a, b = _customer("Alpha"), _customer("Beta", "pay@beta.example")
    _save_card(a.id)
    _save_card(b.id, "5555555555554444")
    a_invoice = store_document(a.id, total=1111)
    b_invoice = store_document(b.id, total=2222)
    a_pay, a_card = _pay_link(a_invoice), _link(a)
    b_ids = f"?invoice_id={b_invoice.id}&customer_id={b.id}&subject_id={b_invoice.id}"
    for path in (f"/portal/{a_pay}/pay{b_ids}", f"/portal/{a_card}/card{b_ids}", f"/portal/{a_pay}{b_ids}"):
        response = portal.get(path)
        if response.status_code == 303:
            response = portal.get(response.headers["Location"])
        assert response.status_code == 200, path
        page = _body(response)
        assert b_invoice.number not in page and "4444" not in page and "Beta" not in page, path
    assert a_invoice.number in _body(portal.get(f"/portal/{a_pay}/pay"))
    response = portal.post(
        f"/portal/{a_pay}/pay{b_ids}", {"action": "pay", "invoice_id": b_invoice.id, "customer_id": b.id}
    )
    assert response.status_code == 303
    assert invoices.get(b_invoice.id).open_minor == 2222  # B untouched
    assert invoices.get(a_invoice.id).open_minor == 0  # the link's own invoice was paid
    # A's card link does not open B's invoice page, nor A's pay link the card page.
    assert portal.get(f"/portal/{a_card}/pay").status_code == 404
    assert portal.get(f"/portal/{a_pay}/card").status_code == 404


def test_a_pay_link_whose_invoice_is_not_its_customers_opens_nothing(portal: Browser) -> None:
    a, b = _customer("Alpha"), _customer("Beta", "pay@beta.example")
    b_invoice = store_document(b.id, total=2222)
    # A forged record: a link of customer A naming B's invoice (never created by the services).
    token = _link(a, Scope.INVOICE_PAYMENT, subject=b_invoice.id)
    response = portal.get(f"/portal/{token}/pay")
    assert response.status_code == 404
    assert b_invoice.number not in _body(response)


# --- logs -----------------------------------------------------------------------------------------------


def test_tokens_never_reach_the_logs(portal: Browser, caplog: pytest.LogCaptureFixture, monkeypatch) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    customer = _customer()
    good, old = _link(customer), _link(customer, age=timedelta(days=15))
    portal.get(f"/portal/{old}/card")
    portal.post(f"/portal/{old}/renew", {})
    portal.get(f"/portal/{rules.new_token()[0]}/card")
    from chalicelib.store import cards

    def broken(customer_id: str, **_: Any) -> Any:
        raise RuntimeError(f"storage failed while serving /portal/{good}/card for {good}")

    monkeypatch.setattr(cards, "get", broken)
    response = portal.get(f"/portal/{good}/card")
    assert response.status_code == 500
    assert "Something went wrong" in _body(response) and good not in _body(response)
    assert "storage failed" in caplog.text and "[token]" in caplog.text  # the error was logged, redacted
    for token in (good, old):
        assert token not in caplog.text


def test_the_local_dev_server_logs_request_lines_redacted(monkeypatch, capsys) -> None:
    import importlib.util
    from pathlib import Path

    from chalice import local

    monkeypatch.setattr(local.ChaliceRequestHandler, "log_message", local.ChaliceRequestHandler.log_message)
    spec = importlib.util.spec_from_file_location("serve", Path(__file__).parents[2] / "infra/local/serve.py")
    assert spec and spec.loader
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    serve._redact_request_log()
    handler = object.__new__(local.ChaliceRequestHandler)
    handler.client_address = ("127.0.0.1", 5555)
    handler.requestline = f"GET /portal/{(token := rules.new_token()[0])}/pay HTTP/1.1"
    handler.log_request(200, 512)
    logged = capsys.readouterr().err
    assert '"GET /portal/[token]/pay HTTP/1.1" 200 512' in logged and token not in logged


# --- card and pay pages (localstripe) -------------------------------------------------------------------


def test_saving_a_card_through_the_development_form(portal: Browser) -> None:
    customer = _customer()
    token = _link(customer)
    page = portal.get(f"/portal/{token}/card")
    assert page.status_code == 200
    assert "Development card form — test cards only" in _body(page) and "No card saved yet." in _body(page)
    response = portal.post(
        f"/portal/{token}/card",
        {
            "setup_intent_id": re.search(r'name="setup_intent_id" value="([^"]+)"', _body(page)).group(1),
            "card_number": "4242 4242 4242 4242",
            "exp_month": "12",
            "exp_year": "2030",
            "cvc": "123",
        },
    )
    assert response.status_code == 303
    shown = _body(portal.get(response.headers["Location"]))
    assert "Your card has been saved." in shown and "4242" in shown and "12/2030" in shown
    from chalicelib.store import audit, cards

    assert cards.get(customer.id) is not None
    [entry] = [e for e in audit.for_entity("customer", customer.id) if e.action == "card.saved"]
    assert (entry.actor, entry.actor_label) == (f"customer:{customer.id}", "customer via link")
    assert GOOD_CARD not in repr(cards.get(customer.id))


def _card_form(page: str, number: str, **extra: str) -> dict[str, str]:
    setup = re.search(r'name="setup_intent_id" value="([^"]+)"', page)
    assert setup, page
    return {
        "setup_intent_id": setup.group(1),
        "card_number": number,
        "exp_month": "12",
        "exp_year": "2030",
        "cvc": "123",
        **extra,
    }


def test_a_declined_card_is_shown_on_the_form(portal: Browser) -> None:
    customer = _customer()
    token = _link(customer)
    page = _body(portal.get(f"/portal/{token}/card"))
    response = portal.post(f"/portal/{token}/card", _card_form(page, DECLINED_AT_SETUP))
    assert response.status_code == 400
    assert "not accepted" in _body(response) and 'role="alert"' in _body(response)
    assert DECLINED_AT_SETUP not in _body(response)  # the number typed is not echoed back
    invalid = portal.post(f"/portal/{token}/card", _card_form(_body(response), "12"))
    assert invalid.status_code == 400 and "12 to 19 digits" in _body(invalid)
    from chalicelib.store import cards

    assert cards.get(customer.id) is None


def test_paying_an_invoice_without_a_saved_card_saves_one_and_pays(portal: Browser) -> None:
    from chalicelib.store import invoices

    customer = _customer()
    invoice = store_document(customer.id, total=4200)
    token = _pay_link(invoice)
    page = portal.get(f"/portal/{token}/pay")
    assert page.status_code == 200
    assert (
        invoice.number in _body(page)
        and "€42.00" in _body(page)
        and "Save the card and pay €42.00" in _body(page)
    )
    response = portal.post(f"/portal/{token}/pay", _card_form(_body(page), GOOD_CARD, action="card_and_pay"))
    assert response.status_code == 303, _body(response)
    assert invoices.get(invoice.id).open_minor == 0
    paid = _body(portal.get(response.headers["Location"]))
    assert "This invoice is paid, thank you!" in paid and "Pay €42.00" not in paid


def test_pay_now_with_the_saved_card_and_a_decline(portal: Browser) -> None:
    from chalicelib.store import invoices

    customer = _customer()
    _save_card(customer.id, DECLINED_OFF_SESSION)
    invoice = store_document(customer.id, total=4200)
    token = _pay_link(invoice)
    page = _body(portal.get(f"/portal/{token}/pay"))
    assert "Pay €42.00 now" in page and "0341" in page and "Use another card" in page
    response = portal.post(f"/portal/{token}/pay", {"action": "pay"})
    assert response.status_code == 402
    assert "The payment did not go through" in _body(response)
    assert invoices.get(invoice.id).open_minor == 4200
    # Another card, then pay: the page offers the card form on request.
    other = _body(portal.get(f"/portal/{token}/pay?new_card=1"))
    response = portal.post(f"/portal/{token}/pay", _card_form(other, GOOD_CARD, action="card_and_pay"))
    assert response.status_code == 303
    assert invoices.get(invoice.id).open_minor == 0


def test_without_localstripe_the_card_is_typed_into_stripe_js_and_raw_numbers_are_ignored(
    portal: Browser, monkeypatch
) -> None:
    from dataclasses import replace

    from chalicelib import bootstrap
    from chalicelib.store import cards

    settings = replace(bootstrap.settings(), stripe_dev_cards=False, stripe_publishable_key="pk_test_portal")
    patched = functools.partial(lambda: settings)
    patched.cache_clear = bootstrap.settings.cache_clear  # type: ignore[attr-defined]  # store fixture's reset
    monkeypatch.setattr(bootstrap, "settings", patched)
    customer = _customer()
    token = _link(customer)
    response = portal.get(f"/portal/{token}/card")
    assert response.status_code == 200
    page = _body(response)
    assert "Development card form" not in page and 'name="card_number"' not in page
    assert 'id="payment-element"' in page and 'data-key="pk_test_portal"' in page
    assert re.search(r'data-secret="seti_[^"]+"', page)
    nonce = re.search(r'<script nonce="([^"]+)">', page).group(1)
    csp = response.headers["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" in csp and "https://js.stripe.com" in csp and "frame-ancestors 'none'" in csp
    # A raw card number posted anyway is not sent anywhere: only a SetupIntent Stripe confirmed counts.
    response = portal.post(f"/portal/{token}/card", _card_form(page, GOOD_CARD))
    assert response.status_code in (400, 503), _body(response)
    assert "switched off" not in _body(response), "the raw card number reached the card service"
    assert cards.get(customer.id) is None
    # Back from a 3-D Secure redirect: one button posts the SetupIntent's id.
    back = _body(portal.get(f"/portal/{token}/card?setup_intent=seti_123&redirect_status=succeeded"))
    assert "Finish saving the card" in back and 'name="setup_intent_id" value="seti_123"' in back


def test_the_portal_home_opens_the_page_the_link_was_issued_for(portal: Browser) -> None:
    customer = _customer()
    invoice = store_document(customer.id)
    for token, page in ((_link(customer), "card"), (_pay_link(invoice), "pay")):
        response = portal.get(f"/portal/{token}")
        assert response.status_code == 303
        assert response.headers["Location"] == f"/portal/{token}/{page}"


# --- staff ----------------------------------------------------------------------------------------------


def test_staff_email_a_card_link_see_its_use_and_revoke_it(admin: Browser, browser: Browser) -> None:
    customer = _customer()
    page = admin.get(f"/admin/customers/{customer.id}/links")
    assert page.status_code == 200 and "No links sent" in _body(page)
    assert admin.post(f"/admin/customers/{customer.id}/links", {}).status_code == 303
    [message] = mail.recent()
    assert message.to == customer.email
    path = re.search(r"http://testserver(/portal/[A-Za-z0-9_-]{43}/card)", message.text).group(1)
    assert browser.client.http.get(path).status_code == 200  # opened by the customer
    listing = _body(admin.get(f"/admin/customers/{customer.id}/links"))
    assert "card update" in listing and "Revoke" in listing
    assert path.split("/")[2] not in listing  # staff see no token
    link_id = re.search(r"/links/([0-9a-f]{64})/revoke", listing).group(1)
    assert admin.post(f"/admin/customers/{customer.id}/links/{link_id}/revoke", {}).status_code == 303
    assert "revoked" in _body(admin.get(f"/admin/customers/{customer.id}/links"))
    assert browser.client.http.get(path).status_code == 410
    assert '/links">Links<' in _body(admin.get(f"/admin/customers/{customer.id}"))  # the customer page's tab


def test_only_payment_staff_send_or_revoke_links(browser: Browser, make_staff: Callable[..., Any]) -> None:
    customer = _customer()
    make_staff("sales")
    assert browser.sign_in("sales@example.com").status_code == 303
    assert browser.get(f"/admin/customers/{customer.id}/links").status_code == 200
    assert "Email the link" not in browser.last_html
    assert browser.post(f"/admin/customers/{customer.id}/links", {}).status_code == 403
    assert mail.recent() == []
