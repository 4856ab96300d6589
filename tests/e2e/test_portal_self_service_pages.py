"""The self-service pages over HTTP (B9, B12, B23): my details, a contract's options with the preview of
their prorated effect, and cancelling; forms carry the CSRF token, errors name the field."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.store import contracts, customers, mail
from tests.browser_client import Browser
from tests.portal_world import Catalogue, PortalWorld, now, portal_csrf, portal_world

CSRF = 'name="csrf_token" value="'


def _html(response: Any) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else str(response.body)


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


@pytest.fixture
def token(alpha: PortalWorld) -> str:
    return alpha.link()


def test_details_page_saves_the_customers_details(browser: Browser, alpha: PortalWorld, token: str) -> None:
    page = browser.get(f"/portal/{token}/details")
    assert page.status_code == 200
    html = _html(page)
    assert CSRF in html and 'aria-current="page">My details' in html
    assert 'value="Alpha Heating"' in html and 'name="address_line1"' in html
    saved = browser.post(
        f"/portal/{token}/details",
        {
            "action": "save",
            "name": "Alpha Heating s.r.o.",
            "email": "office@alpha.example",
            "phone": "+421 2 1234 5678",
            "address_line1": "Mlynská 10",
            "address_postcode": "811 01",
            "address_city": "Bratislava",
            "address_country": "SK",
        },
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/details?saved=1")
    after = browser.get(saved.headers["Location"])
    assert "Your details have been saved" in _html(after)
    assert 'value="Mlynská 10"' in _html(after) and 'value="office@alpha.example"' in _html(after)
    customer = customers.get(alpha.customer.id)
    assert (customer.name, customer.email, customer.address_id is not None) == (
        "Alpha Heating s.r.o.",
        "office@alpha.example",
        True,
    )
    sent_to = {m.to for m in mail.recent(limit=50)}
    assert {"alpha@alpha.example", "office@alpha.example"} <= sent_to  # the old address hears of it too


def test_a_bad_detail_keeps_the_form_and_names_the_field(
    browser: Browser, alpha: PortalWorld, token: str
) -> None:
    browser.get(f"/portal/{token}/details")
    bad = browser.post(
        f"/portal/{token}/details",
        {"action": "save", "name": "Typed name", "email": "alpha@", "address_line1": "Somewhere 1"},
    )
    assert bad.status_code == 400
    html = _html(bad)
    assert "Please check “Email”" in html and 'id="email" name="email" type="email" value="alpha@"' in html
    assert 'value="Typed name"' in html and 'aria-invalid="true"' in html
    assert customers.get(alpha.customer.id) == alpha.customer
    unknown = browser.post(f"/portal/{token}/details", {"action": "bogus", "name": "X"})
    assert unknown.status_code == 400 and customers.get(alpha.customer.id) == alpha.customer


def test_options_preview_then_confirm_adds_the_option(
    browser: Browser, alpha: PortalWorld, token: str
) -> None:
    path = f"/portal/{token}/contracts/{alpha.contract.id}/options"
    page = _html(browser.get(path))
    assert CSRF in page and 'name="qty_hotline"' in page and 'name="main_quantity"' in page
    assert "24/7 hotline" in page and "0 removes an option" in page
    preview = browser.post(path, {"action": "preview", "qty_hotline": "2", "main_quantity": "1"})
    assert preview.status_code == 200
    html = _html(preview)
    assert "Your change" in html and "Confirm the change" in html and "Per period after the change" in html
    assert _hidden(html, "qty_hotline") == "2" and _hidden(html, "action") == "confirm"
    version = _hidden(html, "version")
    assert contracts.get(alpha.contract.id, consistent=True).version == int(version)  # nothing saved yet
    confirm = {"action": "confirm", "version": version, "qty_hotline": "2", "main_quantity": "1"}
    done = browser.post(path, confirm)
    assert done.status_code == 303 and done.headers["Location"].endswith("/options?saved=1")
    assert "Your change is saved" in _html(browser.get(done.headers["Location"]))
    stored = contracts.get(alpha.contract.id, consistent=True)
    assert [
        str(line.quantity) for line in stored.lines if line.option_code == "hotline" and not line.end
    ] == ["2"]
    assert any(m.to == "alpha@alpha.example" and "has changed" in m.subject for m in mail.recent(limit=50))
    # The same confirm form again: the contract has moved on, so a clear 409 and nothing saved twice.
    stale = browser.post(path, confirm)
    assert stale.status_code == 409 and "changed by someone else" in _html(stale)
    assert contracts.get(alpha.contract.id, consistent=True).version == stored.version


@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"action": "preview", "qty_hotline": "-2"}, 400, "qty_hotline"),
        ({"action": "preview", "main_quantity": "0"}, 400, "main_quantity"),
        ({"action": "preview", "qty_hotline": "0"}, 400, "nothing to change"),
        ({"action": "confirm", "qty_hotline": "1"}, 400, "version"),
        ({"action": "bogus", "qty_hotline": "1"}, 400, "unknown action"),
    ],
)
def test_bad_options_forms_get_a_400_naming_the_field(
    browser: Browser, alpha: PortalWorld, token: str, form: dict[str, str], status: int, words: str
) -> None:
    path = f"/portal/{token}/contracts/{alpha.contract.id}/options"
    browser.get(path)
    response = browser.post(path, form)
    assert response.status_code == status and words in _html(response)
    assert contracts.get(alpha.contract.id, consistent=True) == alpha.contract


def test_a_restricted_contract_says_changes_go_through_staff(
    browser: Browser, shop: Catalogue, alpha: PortalWorld, token: str
) -> None:
    from chalicelib.services.manage_contracts import create_contract
    from chalicelib.services.manage_templates import create_template

    template = create_template(
        {
            "name": "Fixed care",
            "currency": "EUR",
            "period": "monthly",
            "access_level": "restricted",
            "options": [{"code": "hotline", "label": "24/7 hotline", "price_minor": 900}],
        },
        actor=SYSTEM,
        now=now(),
    )
    contract = create_contract(
        {
            "customer_id": alpha.customer.id,
            "template_id": template.id,
            "price_list_id": shop.eur.id,
            "lines": [{"product_id": shop.care.id, "quantity": "1"}],
            "activate": True,
        },
        actor=SYSTEM,
        now=now(),
    )
    path = f"/portal/{token}/contracts/{contract.id}/options"
    page = _html(browser.get(path))
    assert "Changes to this contract go through our staff" in page and 'name="qty_hotline"' not in page
    refused = browser.post(path, {"action": "preview", "qty_hotline": "1"}, csrf=portal_csrf(token))
    assert refused.status_code == 403 and "go through our staff" in _html(refused)
    assert contracts.get(contract.id, consistent=True) == contract


def test_cancel_page_shows_the_notice_and_cancels_with_a_reason(
    browser: Browser, alpha: PortalWorld, token: str
) -> None:
    path = f"/portal/{token}/contracts/{alpha.contract.id}/cancel"
    page = _html(browser.get(path))
    assert CSRF in page and "Notice period" in page and "30 days" in page
    assert 'value="moved_to_competitor"' in page and 'value="non_payment"' not in page
    assert 'name="confirm"' in page and 'name="note"' in page
    unticked = browser.post(
        path, {"action": "confirm", "version": _hidden(page, "version"), "reason": "price"}
    )
    assert unticked.status_code == 400 and "tick the box" in _html(unticked)
    assert '<option value="price" selected>' in _html(unticked)
    assert contracts.get(alpha.contract.id, consistent=True) == alpha.contract
    done = browser.post(
        path,
        {
            "action": "confirm",
            "version": _hidden(page, "version"),
            "reason": "price",
            "note": "Too dear <b>for us</b>",
            "confirm": "1",
        },
    )
    assert done.status_code == 303
    stored = contracts.get(alpha.contract.id, consistent=True)
    assert stored.cancellation is not None and stored.cancellation.note == "Too dear <b>for us</b>"
    after = _html(browser.get(done.headers["Location"]))
    assert f"Your contract is cancelled from {stored.cancellation.effective.isoformat()}" in after
    assert 'name="reason"' not in after
    again = _html(browser.get(path))
    assert f"This contract is cancelled from {stored.cancellation.effective.isoformat()}" in again
    assert 'name="confirm"' not in again
    assert any(m.to == "alpha@alpha.example" and "Cancellation" in m.subject for m in mail.recent(limit=50))


def test_another_customers_contract_is_not_found_and_not_changed(
    browser: Browser, shop: Catalogue, alpha: PortalWorld, token: str
) -> None:
    other = portal_world(shop, "Beta Bakery", "beta@beta.example", "SN-BETA-9")
    csrf = portal_csrf(token)
    forms = {
        "options": [{"action": "preview", "qty_hotline": "3"}, {"action": "confirm", "qty_hotline": "3"}],
        "cancel": [{"action": "confirm", "reason": "price", "confirm": "1", "version": "1"}],
    }
    for page, posts in forms.items():
        path = f"/portal/{token}/contracts/{other.contract.id}/{page}"
        assert browser.get(path).status_code == 404
        for form in posts:
            version = {"version": str(other.contract.version)}
            response = browser.post(path, {**form, **version}, csrf=csrf)
            assert response.status_code == 404, (page, form)
            assert other.contract.number not in _html(response)
    assert contracts.get(other.contract.id, consistent=True) == other.contract
