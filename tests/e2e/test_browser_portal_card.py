"""The card-update link in a real browser: staff email it, the customer opens it on a phone, saves a
localstripe test card, and staff see the link's last use. Screenshots go to test-results/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser_support import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    PAGE_OVERFLOW,
    PHONE,
    RESULTS,
    Server,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_a_customer_saves_a_card_through_the_emailed_link_on_a_phone(
    page: Page, chromium: Browser, server: Server
) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    page.goto("/admin/customers")
    page.fill("#name", "Penzión Lipa")
    page.fill("#country", "SK")
    page.fill("#email", "recepcia@lipa.example")
    page.get_by_role("button", name="Create customer").click()
    page.get_by_role("link", name="Links", exact=True).click()
    page.select_option("#scope", "card_update")
    page.get_by_role("button", name="Email the link").click()
    expect(page.locator(".notice")).to_contain_text("Link emailed")
    expect(page.locator("table")).to_contain_text("card update")

    page.goto("/admin/outbox")
    page.get_by_role("link", name=re.compile("Save your payment card")).first.click()
    link = re.search(
        r"http://127\.0\.0\.1:\d+/portal/[A-Za-z0-9_-]{43}/card", page.locator("pre").inner_text()
    )
    assert link, page.locator("pre").inner_text()

    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        customer = phone.new_page()
        response = customer.goto(link.group(0))
        assert response is not None and response.status == 200
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(customer.locator("h1")).to_have_text("Payment card")
        expect(customer.locator(".dev")).to_have_text("Development card form — test cards only")
        assert customer.evaluate(PAGE_OVERFLOW) <= 0  # nothing wider than the phone
        RESULTS.mkdir(exist_ok=True)
        customer.screenshot(path=RESULTS / "portal-card-phone.png", full_page=True)
        customer.get_by_label("Card number").fill("4242 4242 4242 4242")
        customer.get_by_label("Expiry month (MM)").fill("12")
        customer.get_by_label("Expiry year (YYYY)").fill("2030")
        customer.get_by_label("CVC").fill("123")
        customer.get_by_role("button", name="Save the card").click()
        expect(customer.locator(".notice")).to_have_text("Your card has been saved.")
        expect(customer.locator(".card").first).to_contain_text("4242")
        customer.screenshot(path=RESULTS / "portal-card-saved-phone.png", full_page=True)
    finally:
        phone.close()

    page.goto("/admin/customers")
    page.get_by_role("link", name="Penzión Lipa").click()
    page.get_by_role("link", name="Links", exact=True).click()
    row = page.locator("table tr", has_text="card update")
    expect(row.locator("td").nth(4)).to_contain_text("UTC")  # last used: the customer's visit
    page.screenshot(path=RESULTS / "admin-customer-links.png", full_page=True)
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator(".notice")).to_contain_text("Link revoked")

    phone = chromium.new_context(viewport=PHONE, is_mobile=True)
    try:
        gone = phone.new_page()
        response = gone.goto(link.group(0))
        assert response is not None and response.status == 410
        expect(gone.locator("h1")).to_have_text("This link is no longer valid")
        gone.screenshot(path=RESULTS / "portal-link-revoked-phone.png", full_page=True)
    finally:
        phone.close()
