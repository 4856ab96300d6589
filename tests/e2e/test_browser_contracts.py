"""A contract's life in a real browser: template, contract, upgrade, downgrade, renewal, history.

Playwright drives Debian's chromium against `serve.py` (as `make run` serves). Screenshots go to
test-results/ to be looked at.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from chalicelib.domain.periods import Cadence, boundary
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

TODAY = datetime.now(UTC).date()
THIS_MONTH = date(TODAY.year, TODAY.month, 1)
NEXT_MONTH = boundary(THIS_MONTH, Cadence("month"), 1)


def _shot(page: Page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"{name}.png", full_page=True)


def _change(page: Page, field_id: str, values: dict[str, str], line: str = "Boiler care") -> None:
    """Fills one of the change forms (found by one of its fields) for `line` and asks for the preview."""
    section = page.locator("details.change", has=page.locator(f"#{field_id}"))
    if not section.evaluate("e => e.open"):
        section.locator("summary").click()
    form = section.locator("form")
    choice = form.locator("select[name=line_id] option", has_text=line).first.get_attribute("value")
    form.locator("select[name=line_id]").select_option(choice)
    for selector, value in values.items():
        form.locator(selector).fill(value)
    form.get_by_role("button", name="Show the effect").click()
    expect(page.locator("#preview")).to_be_visible()


def test_a_contract_from_template_to_renewal(page: Page, chromium: Browser, server: Server) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")

    page.goto("/admin/price-lists")
    page.fill("#name", "Standard EUR")
    page.get_by_role("button", name="Create price list").click()

    page.goto("/admin/products")
    page.fill("#code", "CARE")
    page.fill("#name", "Boiler care")
    page.fill("#vendor", "Vaillant")
    page.get_by_role("button", name="Create product").click()
    page.get_by_label("Amount in EUR").fill("30.00")
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator("body")).to_contain_text("€30.00")

    page.goto("/admin/customers")
    page.fill("#name", "Acme Facilities")
    page.fill("#country", "SK")
    page.fill("#email", "ops@acme.example")
    page.get_by_role("button", name="Create customer").click()
    expect(page.locator("h1")).to_contain_text("Acme Facilities")
    customer_url = page.url

    # Build the template: monthly, a year, upgrades now and downgrades at period end.
    page.goto("/admin/templates")
    page.fill("#t-name", "Boiler care monthly")
    page.select_option("#t-period", "monthly")
    page.fill("#t-term", "12")
    page.fill("#t-service", "6")
    page.select_option("#t-proration", "upgrades_now")
    page.fill("#t-options", "hotline | 24/7 hotline | 9.00 | 25.00")
    page.get_by_role("button", name="Save template").click()
    expect(page.locator(".notice")).to_have_text("Template saved.")

    # A quote with a recurring line and a one-off installation; accepting it makes the contract and order.
    page.goto("/admin/quotes/new")
    page.fill("#q-search", "Acme")
    page.get_by_role("button", name="Search").click()
    page.select_option("#q-customer", label="Acme Facilities (EUR)")
    page.select_option("#q-template", label="Boiler care monthly · monthly")
    page.select_option("#q-prices", label="Standard EUR (EUR)")
    page.fill("#q-lines", "CARE | 1 | | | recurring\nCARE | 1 | 120.00 | | one-off")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("h1")).to_contain_text("draft")
    page.get_by_role("button", name="Send by email").click()
    expect(page.locator("h1")).to_contain_text("sent")
    page.get_by_role("button", name="Mark accepted").click()
    expect(page.locator("h1")).to_contain_text("accepted")
    _shot(page, "quote-accepted")
    page.locator("main a[href^='/admin/contracts/']").first.click()
    expect(page.locator("body")).to_contain_text("Boiler care")
    expect(page.locator("h1")).to_contain_text("active")
    quoted_contract_url = page.url.split("?")[0]

    # The contract, from the customer's Contracts tab; January-style: this month is already invoiced.
    page.goto(customer_url)
    page.locator("nav.tabs a", has_text="Contracts").click()
    page.get_by_role("link", name="New contract").click()
    page.select_option("#n-prices", label="Standard EUR (EUR)")
    page.fill("#n-start", THIS_MONTH.isoformat())
    page.fill("#n-billed", NEXT_MONTH.isoformat())
    page.fill("#n-lines", "CARE | 2")
    page.fill("#n-options", "hotline")
    _shot(page, "contract-new")
    page.get_by_role("button", name="Create contract").click()
    expect(page.locator(".notice")).to_have_text("Contract created.")
    expect(page.locator("body")).to_contain_text("€69.00")  # 2 x 30.00 + hotline 9.00
    expect(page.locator("body")).to_contain_text("Setup fee: 24/7 hotline")
    contract_url = page.url.split("?")[0]
    _shot(page, "contract-overview")

    # Upgrade now: the preview shows the credit and the charge before anything is saved.
    page.locator("nav.tabs a", has_text="Change").click()
    _change(page, "q-qty", {"#q-qty": "3"})
    preview = page.locator("#preview")
    if TODAY.day > 1:  # on the 1st nothing of the invoiced month is unused
        expect(preview).to_contain_text("Credit for unused time")
        expect(preview).to_contain_text("Charge for the rest of the period")
    expect(preview).to_contain_text(f"Takes effect on {TODAY.isoformat()}")
    _shot(page, "contract-change-preview")
    preview.get_by_role("button", name="Confirm change").click()
    expect(page.locator(".notice")).to_have_text("Change saved.")

    # Downgrade: the template makes it wait for the end of the period, with nothing to settle.
    page.locator("nav.tabs a", has_text="Change").click()
    _change(page, "q-qty", {"#q-qty": "1"})
    expect(page.locator("#preview")).to_contain_text(f"Takes effect on {NEXT_MONTH.isoformat()}")
    expect(page.locator("#preview")).to_contain_text("Nothing to settle")
    page.locator("#preview").get_by_role("button", name="Confirm change").click()
    expect(page.locator(".notice")).to_have_text("Change saved.")

    # A bad quantity is refused, naming the problem, and the page keeps working.
    page.locator("nav.tabs a", has_text="Change").click()
    page.locator("details.change", has=page.locator("#q-qty")).locator("summary").click()
    page.fill("#q-qty", "-4")
    page.locator("form", has=page.locator("#q-qty")).get_by_role("button", name="Show the effect").click()
    expect(page.get_by_role("alert")).to_contain_text("a quantity must be more than 0")
    expect(page.locator("#q-qty")).to_be_visible()  # the form with the error stays open

    # Co-term the quoted contract (a year from today) with this one (a year from the 1st).
    end = boundary(THIS_MONTH, Cadence("month"), 12)
    page.goto("/admin/contracts/bulk")
    page.fill("#s-q", "Acme")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Acme Facilities").click()
    for box in page.locator("input[name=contract]").all():
        box.check()
    page.fill("#s-end", end.isoformat())
    page.get_by_role("button", name="Co-term ticked contracts").click()
    expect(page.locator("h1")).to_contain_text("Confirm")
    _shot(page, "bulk-coterm-confirm")
    page.get_by_role("button", name="Confirm").click()
    page.goto(quoted_contract_url)
    expect(page.locator("body")).to_contain_text(f"→ {end.isoformat()}")
    page.goto(quoted_contract_url + "?tab=history")
    expect(page.locator("#history")).to_contain_text(f"co-termed: ends {end.isoformat()}")

    # A mass price update for the vendor's lines: previewed with totals, applied, and undoable.
    page.goto("/admin/contracts/bulk")
    page.fill("#p-vendor", "Vaillant")
    page.fill("#p-value", "+10")
    page.select_option("#p-when", "period_end")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("h1")).to_contain_text("Price update preview")
    expect(page.locator("body")).to_contain_text("€33.00")  # 30.00 + 10 %
    _shot(page, "bulk-price-preview")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("h1")).to_contain_text("Bulk operation")
    expect(page.get_by_role("button", name="Undo this price update")).to_be_visible()

    # Renew: the next term starts where this one ends.
    page.goto(contract_url)
    page.get_by_role("button", name="Renew").click()
    expect(page.locator(".notice")).to_have_text("Renewal created.")
    expect(page.locator("body")).to_contain_text("term 2")

    # Every step is in the first contract's history, and the as-of view shows the month as it ran.
    page.goto(contract_url + "?tab=history")
    history = page.locator("#history")
    expect(history).to_contain_text("created from Boiler care monthly")
    expect(history).to_contain_text("quantity 2 -> 3")
    expect(history).to_contain_text("quantity 3 -> 1")
    expect(history).to_contain_text("price +10% on lines with vendor Vaillant")
    expect(history).to_contain_text("renewed as")
    page.fill("#h-date", NEXT_MONTH.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#as-of")).to_contain_text("€42.00 per period")  # 1 x 33.00 + 9.00 from next month
    _shot(page, "contract-history")

    # With the VAT rate set, the billing run (Run now on the Jobs page) invoices the quoted contract.
    page.goto("/admin/tax-rates")
    page.fill("#r-region", "SK")
    page.fill("#r-rate", "20")
    page.fill("#r-name", "VAT 20 %")
    page.get_by_role("button", name="Save rate").click()
    expect(page.locator(".notice")).to_have_text("Rate saved.")
    page.goto("/admin/jobs")
    page.locator("form[action='/admin/jobs/run_billing/run']").get_by_role("button", name="Run now").click()
    page.goto("/admin/invoices")
    expect(page.locator("main table")).to_contain_text(f"INV-{TODAY.year}-000001")
    page.get_by_role("link", name=f"INV-{TODAY.year}-000001").click()
    expect(page.locator("main")).to_contain_text("Boiler care")
    expect(page.locator("main")).to_contain_text("VAT 20 %")
    _shot(page, "invoice")

    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                 storage_state=page.context.storage_state(), base_url=server.base_url)
    try:
        small = phone.new_page()
        for tab in ("overview", "change", "history"):
            small.goto(f"{contract_url}?tab={tab}")
            assert small.evaluate(PAGE_OVERFLOW) <= 0, f"the {tab} tab is wider than a phone"
        small.goto(contract_url)
        _shot(small, "contract-overview-phone")
    finally:
        phone.close()
