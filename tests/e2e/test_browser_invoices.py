"""A hand-written invoice in a real browser: draft, issue, credit note, email. Screenshots go to
test-results/ to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

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


def _shot(page: Page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"{name}.png", full_page=True)


def test_an_invoice_written_by_hand_issued_credited_and_sent(page: Page, server: Server) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    page.goto("/admin/tax-rates")
    page.fill("#r-region", "SK")
    page.fill("#r-rate", "20")
    page.get_by_role("button", name="Save rate").click()
    page.goto("/admin/customers")
    page.fill("#name", "Hotel Tatra a.s.")
    page.fill("#country", "SK")
    page.fill("#email", "uctovnictvo@tatra.example")
    page.get_by_role("button", name="Create customer").click()
    expect(page.locator("h1")).to_contain_text("Hotel Tatra")

    page.goto("/admin/invoices")
    page.get_by_role("link", name="New invoice").click()
    page.fill("#i-search", "Hotel")
    page.get_by_role("button", name="Search").click()
    page.select_option("#i-customer", label="Hotel Tatra a.s. (EUR)")
    page.fill("#i-ref", "PO 2027/118")
    page.get_by_label("Line 1 description").fill("Boiler installation, Vaillant ecoTEC")
    page.get_by_label("Line 1 unit price").fill("1250.00")
    page.get_by_label("Line 1 installation details").fill("SN 21-4471, boiler room B, installed 12 March")
    page.get_by_label("Line 2 description").fill("Flue kit")
    page.get_by_label("Line 2 quantity").fill("2")
    page.get_by_label("Line 2 unit price").fill("85,50")
    _shot(page, "invoice-new")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("h1")).to_contain_text("Invoice (draft)")
    expect(page.locator(".notice")).to_contain_text("no number until it is issued")
    _shot(page, "invoice-draft")

    page.get_by_role("button", name="Issue invoice").click()
    expect(page.locator("h1")).to_contain_text("Invoice INV-")
    expect(page.locator("body")).to_contain_text("€1,705.20")  # (1,250.00 + 2 x 85.50) + 20 %
    page.get_by_label("Credit on line 2").fill("85.50")
    page.fill("#c-reason", "One flue kit returned")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".notice")).to_contain_text("would take off €102.60")
    _shot(page, "invoice-credit-preview")
    page.get_by_role("button", name="Issue credit note").click()
    expect(page.locator("h1")).to_contain_text("Credit note CN-")
    expect(page.locator("body")).to_contain_text("One flue kit returned")
    _shot(page, "credit-note")

    page.locator("a[href^='/admin/invoices/']", has_text="INV-").first.click()
    expect(page.locator("h1")).to_contain_text("part credited")
    page.get_by_role("button", name="Send now").click()
    expect(page.locator(".notice")).to_contain_text("Sent to the customer by email")
    expect(page.locator("body")).to_contain_text("delivery: sent")
    _shot(page, "invoice-issued")
    page.set_viewport_size(PHONE)
    assert page.evaluate(PAGE_OVERFLOW) <= 0
    _shot(page, "invoice-issued-phone")
