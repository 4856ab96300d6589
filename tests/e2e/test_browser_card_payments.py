"""Card payments in a real browser: the customer saves a card that declines, an invoice issued by hand
is charged and declined, staff see the attempt, the dunning overview and the customer's card page; the
customer saves a good card through the link in the failure email and the invoice is paid at once.
Screenshots go to test-results/."""

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
LINK = r"http://127\.0\.0\.1:\d+/portal/[A-Za-z0-9_-]{43}/card"


def _shot(page: Page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"{name}.png", full_page=True)


def _save_card(chromium: Browser, url: str, number: str) -> Page:
    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    customer = phone.new_page()
    customer.goto(url)
    customer.get_by_label("Card number").fill(number)
    customer.get_by_label("Expiry month (MM)").fill("12")
    customer.get_by_label("Expiry year (YYYY)").fill("2030")
    customer.get_by_label("CVC").fill("123")
    customer.get_by_role("button").last.click()
    return customer


def _latest_link(page: Page, subject: str) -> str:
    page.goto("/admin/outbox")
    page.get_by_role("link", name=re.compile(subject)).first.click()
    found = re.search(LINK, page.locator("pre").inner_text())
    assert found, page.locator("pre").inner_text()
    return found.group(0)


def test_a_declined_card_is_shown_to_staff_and_a_new_card_pays_the_invoice(
    page: Page, chromium: Browser, server: Server
) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    page.goto("/admin/tax-rates")
    page.fill("#r-region", "SK")
    page.fill("#r-rate", "20")
    page.get_by_role("button", name="Save rate").click()
    page.goto("/admin/customers")
    page.fill("#name", "Pension Alpina")
    page.fill("#country", "SK")
    page.fill("#email", "office@alpina.example")
    page.get_by_role("button", name="Create customer").click()
    customer_url = page.url
    page.get_by_role("link", name="Links", exact=True).click()
    page.select_option("#scope", "card_update")
    page.get_by_role("button", name="Email the link").click()
    declining = _save_card(chromium, _latest_link(page, "Save your payment card"), "4000 0000 0000 0341")
    expect(declining.locator("body")).to_contain_text("•••• 0341")
    declining.context.close()

    page.goto(customer_url.split("?")[0] + "/card")
    expect(page.locator(".card").first).to_contain_text("Visa •••• 0341, expires 12/2030")
    expect(page.locator(".card").first).to_contain_text("on: invoices are charged when issued")

    page.goto("/admin/invoices")
    page.get_by_role("link", name="New invoice").click()
    page.fill("#i-search", "Pension")
    page.get_by_role("button", name="Search").click()
    option = page.locator("#i-customer option", has_text="Pension Alpina")
    page.select_option("#i-customer", value=option.get_attribute("value"))
    page.get_by_label("Line 1 description").fill("Boiler service, annual visit")
    page.get_by_label("Line 1 unit price").fill("120.00")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.locator("h1")).to_contain_text("Invoice INV-")
    section = page.locator("h2:has-text('Card payment') + .card")
    expect(section).to_contain_text("failed")
    expect(section).to_contain_text("card_declined")
    expect(section).to_contain_text("next try")
    assert page.evaluate(PAGE_OVERFLOW) <= 0
    _shot(page, "card-invoice-declined")
    invoice_url = page.url.split("?")[0]

    page.goto("/admin/dunning")
    expect(page.locator("body")).to_contain_text("Pension Alpina")
    expect(page.locator("body")).to_contain_text("past due")
    expect(page.locator("body")).to_contain_text("INV-")
    _shot(page, "card-dunning")

    good = _save_card(chromium, _latest_link(page, "Payment of invoice"), "4242 4242 4242 4242")
    expect(good.locator("body")).to_contain_text("4242")
    RESULTS.mkdir(exist_ok=True)
    good.screenshot(path=RESULTS / "card-portal-replaced-phone.png", full_page=True)
    good.context.close()

    page.goto(invoice_url)
    expect(page.locator("h2:has-text('Card payment') + .card")).to_contain_text("paid")
    expect(page.locator("h2:has-text('Card payment') + .card")).to_contain_text("card updated")
    _shot(page, "card-invoice-paid")
    phone = chromium.new_context(viewport=PHONE, base_url=server.base_url)
    try:
        small = phone.new_page()
        sign_in(small, ADMIN_EMAIL, ADMIN_PASSWORD)
        small.wait_for_url("**/admin")
        small.goto(invoice_url)
        assert small.evaluate(PAGE_OVERFLOW) <= 0, "the attempts table fits a phone"
        small.screenshot(path=RESULTS / "card-invoice-phone.png", full_page=True)
    finally:
        phone.close()
