"""Staff manage a customer's links (issue 7, B7): email a link of any scope valid for a number of days
(CRM_LINK_DAYS_<SCOPE> sets the defaults), see its scope, subject and last use, revoke it; send a
quote link from the quote page; make a prospect's signup link, shown once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain import links as rules
from chalicelib.services import manage_links
from chalicelib.store import mail
from tests.browser_client import Browser
from tests.portal_world import Catalogue, PortalWorld, now, portal_world


def _body(response: Any) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else str(response.body)


def _emailed_path(to: str, page: str = "") -> str:
    [message] = [m for m in mail.recent() if m.to == to]
    found = re.search(rf"http://testserver(/portal/[A-Za-z0-9_-]{{43}}{page})\s", message.text)
    assert found, message.text
    return found.group(1)


def test_staff_email_a_portal_link_see_its_use_and_revoke_it(
    admin: Browser, browser: Browser, alpha: PortalWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_LINK_DAYS_PORTAL", "45")
    bootstrap.settings.cache_clear()
    links_page = f"/admin/customers/{alpha.customer.id}/links"
    page = _body(admin.get(links_page))
    assert "Customer portal (45 days)" in page and "Card update (14 days)" in page
    assert admin.post(links_page, {"scope": "portal"}).status_code == 303
    path = _emailed_path("alpha@alpha.example")
    [link] = [k for k in manage_links.of_customer(alpha.customer.id) if k.scope.value == "portal"]
    assert abs(link.expires_at - (now() + timedelta(days=45))) < timedelta(minutes=5)
    assert link.last_used_at is None
    listing = _body(admin.get(links_page))
    assert "portal" in listing and "—" in listing and path.split("/")[2] not in listing
    assert browser.client.http.get(path).status_code != 410  # the customer opens it
    used = manage_links.of_customer(alpha.customer.id)
    assert next(k for k in used if k.scope.value == "portal").last_used_at is not None
    link_id = rules.hash_token(path.split("/")[2])
    assert admin.post(f"{links_page}/{link_id}/revoke", {}).status_code == 303
    assert "revoked" in _body(admin.get(links_page))
    assert browser.client.http.get(path).status_code == 410


def test_staff_send_quote_and_payment_links_for_the_customers_records_only(
    admin: Browser, shop: Catalogue, alpha: PortalWorld
) -> None:
    other = portal_world(shop, "Beta Bakery", "beta@beta.example", "SN-BETA-9")
    links_page = f"/admin/customers/{alpha.customer.id}/links"
    admin.get(links_page)
    sent = admin.post(links_page, {"scope": "quote", "subject_quote": alpha.quote.id, "days": "3"})
    assert sent.status_code == 303
    path = _emailed_path("alpha@alpha.example", "/quote")
    [message] = [m for m in mail.recent() if m.to == "alpha@alpha.example"]
    assert alpha.quote.number in message.subject
    assert admin.client.http.get(path).status_code == 200
    listing = _body(admin.get(links_page))
    assert f"quote Q-{alpha.quote.id[:8].upper()}" in listing
    for form, field in (
        ({"scope": "quote", "subject_quote": other.quote.id}, "subject_id"),
        ({"scope": "invoice_payment"}, "subject_id"),
        ({"scope": "portal", "days": "0"}, "days"),
        ({"scope": "portal", "days": "lots"}, "days"),
        ({"scope": "feedback"}, "scope"),
        ({"scope": "nonsense"}, "scope"),
    ):
        refused = admin.post(links_page, form)
        assert refused.status_code == 400, form
        assert f"(field: {field})" in _body(refused), (form, _body(refused)[:500])
    assert len(mail.recent()) == 1
    paid = admin.post(links_page, {"scope": "invoice_payment", "subject_invoice": alpha.invoice.id})
    assert paid.status_code == 303
    [pay_mail] = [m for m in mail.recent() if alpha.invoice.number in m.subject]
    pay_path = re.search(r"http://testserver(/portal/[A-Za-z0-9_-]{43}/pay)\s", pay_mail.text)
    assert pay_path and alpha.invoice.number in _body(admin.client.http.get(pay_path.group(1)))


def test_the_quote_page_sends_a_quote_link(admin: Browser, alpha: PortalWorld) -> None:
    page = _body(admin.get(f"/admin/quotes/{alpha.quote.id}"))
    assert "Send quote link" in page
    done = admin.post(f"/admin/quotes/{alpha.quote.id}/link", {})
    assert done.status_code == 303 and done.headers["Location"].endswith("notice=linked")
    path = _emailed_path("alpha@alpha.example", "/quote")
    assert alpha.quote.number in _body(admin.client.http.get(path))


def test_a_signup_link_for_a_prospect_is_shown_once_and_emailed(admin: Browser, shop: Catalogue) -> None:
    page = _body(admin.get("/admin/signup-links"))
    assert "Care monthly" in page and "Copy it now" not in page
    made = admin.post(
        "/admin/signup-links",
        {"subject_type": "template", "template_id": shop.template.id, "email": "Pat@Prospect.example"},
    )
    assert made.status_code == 201
    url = re.search(
        r'id="signup-url" readonly value="(http://testserver/portal/[A-Za-z0-9_-]{43}/signup)"', _body(made)
    )
    assert url, _body(made)
    path = url.group(1).removeprefix("http://testserver")
    assert _emailed_path("pat@prospect.example", "/signup") == path
    assert url.group(1) not in _body(admin.get("/admin/signup-links"))  # never shown again
    assert admin.client.http.get(path).status_code == 200
    bad = admin.post("/admin/signup-links", {"subject_type": "template", "template_id": "nope"})
    assert bad.status_code == 400 and "(field: subject_id)" in _body(bad)
    bad_mail = admin.post(
        "/admin/signup-links", {"subject_type": "template", "template_id": shop.template.id, "email": "x@"}
    )
    assert bad_mail.status_code == 400 and "(field: email)" in _body(bad_mail)
    assert len(mail.recent()) == 1


def test_staff_see_a_prospects_signup_link_used_and_revoke_one(
    admin: Browser, shop: Catalogue, alpha: PortalWorld
) -> None:
    def make() -> str:
        offer = {"subject_type": "template", "template_id": shop.template.id}
        admin.get("/admin/signup-links")  # the form's CSRF token
        made = admin.post("/admin/signup-links", offer)
        found = re.search(r'value="http://testserver(/portal/[A-Za-z0-9_-]{43}/signup)"', _body(made))
        assert found, _body(made)
        return found.group(1)

    first, second = make(), make()
    assert admin.client.http.get(first).status_code == 200  # the prospect opened it
    listing = _body(admin.get("/admin/signup-links"))
    rows = re.findall(r"<tr><td><code>(\w+)</code></td>.*?</tr>", listing, flags=re.S)
    assert len(rows) == 2 and "Care monthly" in listing and first.split("/")[2] not in listing
    assert listing.count("Revoke</button>") == 2
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC</td>\s*<td><span class=\"tag ok\">active", listing)
    link_ids = re.findall(r"/admin/signup-links/([0-9a-f]{64})/revoke", listing)
    newest = link_ids[0]
    admin.get("/admin/signup-links")
    done = admin.post(f"/admin/signup-links/{newest}/revoke", {})
    assert done.status_code == 303 and done.headers["Location"].endswith("notice=revoked")
    assert admin.client.http.get(second).status_code == 410  # the newest (second) link is withdrawn
    assert admin.client.http.get(first).status_code == 200
    assert "used or revoked" in _body(admin.get("/admin/signup-links"))
    customers_link = alpha.link()
    admin.get("/admin/signup-links")
    refused = admin.post(f"/admin/signup-links/{rules.hash_token(customers_link)}/revoke", {})
    assert refused.status_code == 404  # a customer's link is not revoked from here
    assert admin.client.http.get(f"/portal/{customers_link}").status_code == 200


def test_sales_staff_make_signup_links_but_do_not_send_customer_links(
    browser: Browser, make_staff: Any, alpha: PortalWorld
) -> None:
    make_staff("sales")
    assert browser.sign_in("sales@example.com").status_code == 303
    assert browser.get("/admin/signup-links").status_code == 200
    page = _body(browser.get(f"/admin/customers/{alpha.customer.id}/links"))
    assert "Email the link" not in page
    assert browser.post(f"/admin/customers/{alpha.customer.id}/links", {"scope": "portal"}).status_code == 403
    assert mail.recent() == []
