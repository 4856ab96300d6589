"""A merge walked through in Chromium: two look-alike customers, the duplicates report, the
side-by-side preview, and the merged record with the duplicate's phone and contact person."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser_support import ADMIN_EMAIL, ADMIN_PASSWORD, RESULTS, sign_in

pytestmark = pytest.mark.browser


def _create_customer(page: Page, name: str, email: str, phone: str = "") -> str:
    page.goto("/admin/customers")
    form = page.locator("form[action='/admin/customers'][method='post']")
    form.locator("#name").fill(name)
    form.locator("#email").fill(email)
    form.locator("#phone").fill(phone)
    form.locator("#country").fill("SK")
    form.get_by_role("button", name="Create customer").click()
    page.wait_for_url("**/admin/customers/*?notice=created")
    return page.url.split("/admin/customers/")[1].split("?")[0]


def test_an_admin_merges_two_lookalike_customers(page: Page) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    original = _create_customer(page, "Tatra Servis s.r.o.", "office@tatra.example")
    duplicate = _create_customer(page, "TATRA SERVIS", "office@tatra.example", "+421 2 5555 0199")
    page.goto("/admin/people")
    page.fill("#last_name", "Horváth")
    page.fill("#customer_id", duplicate)
    page.fill("#role", "technician")
    page.get_by_role("button", name="Create person").click()
    page.wait_for_url("**/admin/people/*?notice=created")

    page.goto("/admin/duplicates?entity=customer")
    group = page.locator(".card", has_text="Same email")
    expect(group).to_contain_text("Tatra Servis s.r.o.")
    expect(group).to_contain_text("TATRA SERVIS")
    page.goto(f"/admin/duplicates/merge?entity=customer&original_id={original}&duplicate_id={duplicate}")
    expect(page.locator("tr", has_text="phone")).to_contain_text("+421 2 5555 0199")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "merge-preview.png", full_page=True)
    page.get_by_role("button", name="Merge the duplicate into the original").click()
    page.wait_for_url(f"**/admin/customers/{original}?notice=merged")
    expect(page.locator(".notice")).to_have_text("That record was merged here.")
    expect(page.locator("#phone")).to_have_value("+421 2 5555 0199")
    page.get_by_role("link", name="People", exact=True).last.click()
    expect(page.locator("table")).to_contain_text("Horváth")
    expect(page.locator("table")).to_contain_text("technician")

    page.goto(f"/admin/customers/{duplicate}")  # the duplicate's address now leads to the original
    page.wait_for_url(f"**/admin/customers/{original}?notice=merged")
    page.goto("/admin/customers")
    expect(page.locator("table")).not_to_contain_text("TATRA SERVIS")
