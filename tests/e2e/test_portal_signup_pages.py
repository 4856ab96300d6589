"""The portal's signup page over HTTP (issue 7, B6, B1): a prospect's link shows the offer and its
options; bad input gets a 400 naming the field with the form kept and nothing created; a good signup
makes the customer and an active contract, emails a portal link and goes to it (or its card page);
the used link then shows the 'no longer valid' page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chalicelib.domain.audit import Actor
from chalicelib.services.link_mail import create_signup_link
from chalicelib.store import contracts, customers, mail
from tests.browser_client import Browser
from tests.portal_world import Catalogue, now, portal_csrf

STAFF = Actor("u1", "staff@example.com")
FORM = {
    "action": "signup",
    "company": "Omega Optics",
    "tax_id": "",
    "first_name": "Olga",
    "last_name": "Orlova",
    "email": "olga@omega.example",
    "phone": "",
    "street": "Main Street 1",
    "city": "Košice",
    "postcode": "040 01",
    "country": "SK",
    "option_hotline": "1",
    "accept_terms": "1",
}


def _body(response: Any) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else str(response.body)


@pytest.fixture
def signup_path(shop: Catalogue) -> str:
    _link, url = create_signup_link("template", shop.template.id, actor=STAFF, now=now())
    return url.removeprefix("http://testserver")


def test_a_prospect_signs_up_and_lands_on_the_card_page(browser: Browser, signup_path: str) -> None:
    page = browser.get(signup_path)
    assert page.status_code == 200
    html = _body(page)
    assert "Care monthly" in html and "24/7 hotline" in html and "€9.00 every month" in html
    assert 'name="option_hotline"' in html and 'name="accept_terms"' in html
    assert '<nav class="portal"' not in html  # a prospect has no account to navigate yet
    done = browser.post(signup_path, {**FORM, "save_card": "1"})
    assert done.status_code == 303, _body(done)
    location = done.headers["Location"]
    assert re.fullmatch(r"/portal/[A-Za-z0-9_-]{43}/card", location)
    [customer] = customers.page()[0]
    assert customer.name == "Omega Optics" and customer.email == "olga@omega.example"
    [contract] = contracts.of_customer(customer.id)
    assert contract.status.value == "active" and [ln.option_code for ln in contract.lines] == ["hotline"]
    card = browser.get(location)
    assert card.status_code == 200 and "Payment card" in _body(card)
    [welcome] = [m for m in mail.recent() if m.to == "olga@omega.example"]
    assert location.removesuffix("/card") in welcome.text
    assert any("New signup: Omega Optics" in m.subject for m in mail.recent())
    # The link is used up: opening or posting it again shows the withdrawn-link page, makes nothing.
    again = browser.get(signup_path)
    assert again.status_code == 410 and "no longer valid" in _body(again)
    resent = browser.post(
        signup_path, {**FORM, "company": "Omega Twice"}, csrf=portal_csrf(signup_path.split("/")[2])
    )
    assert resent.status_code == 410
    assert len(customers.page()[0]) == 1


def test_a_prospect_reads_the_offer_in_the_browsers_language_and_becomes_that_customer(
    browser: Browser, signup_path: str
) -> None:
    from chalicelib.domain.portal_labels import labels

    slovak = {"Accept-Language": "sk-SK,sk;q=0.9,en;q=0.5"}
    page = _body(browser.get(signup_path, headers=slovak))
    assert labels("sk")["signup_submit"] in page and '<html lang="sk">' in page
    assert "9,00\xa0€" in page  # Slovak money format
    assert browser.post(signup_path, FORM, headers=slovak).status_code == 303
    [customer] = customers.page()[0]
    assert customer.locale == "sk"  # later emails and portal pages speak Slovak too


def test_bad_input_gets_a_400_naming_the_field_and_keeps_the_form(browser: Browser, signup_path: str) -> None:
    browser.get(signup_path)
    for change, field, words in (
        ({"email": "olga-at-omega"}, "email", "Email"),
        ({"option_hotline": ""}, "options", "Options"),
        ({"accept_terms": ""}, "accept_terms", "I accept the offer"),
        ({"street": ""}, "street", "Street and number"),
        ({"country": "Slovakia"}, "country", "Country"),
    ):
        response = browser.post(signup_path, {**FORM, **change})
        assert response.status_code == 400, (field, _body(response)[:300])
        html = _body(response)
        assert f'data-field="{field}"' in html and f"Please check this field: {words}" in html
        assert 'value="Omega Optics"' in html  # what was typed is still there
    assert customers.page()[0] == [] and mail.recent() == []
    unknown = browser.post(signup_path, {**FORM, "action": "bogus"})
    assert unknown.status_code == 400 and customers.page()[0] == []
    assert (
        browser.post(signup_path, FORM, csrf=portal_csrf(signup_path.split("/")[2])).status_code == 303
    )  # still works
