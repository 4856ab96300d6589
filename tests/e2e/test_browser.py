"""The admin pages in a real browser: Playwright driving Debian's chromium against `serve.py`.

The server is the same `chalice local` wrapper that `make run` uses, on a free port, with
its own table prefix in the test run's DynamoDB Local. Screenshots go to test-results/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser_support import (
    ADMIN_EMAIL,
    ADMIN_NAME,
    ADMIN_PASSWORD,
    PAGE_OVERFLOW,
    PHONE,
    RESULTS,
    Server,
    nav_link,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_sign_in_lands_on_the_admin_home(page: Page, chromium: Browser, server: Server) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    expect(page.locator("h1")).to_have_text(f"Good to see you, {ADMIN_NAME}")
    expect(page.locator("header .who")).to_contain_text(f"{ADMIN_NAME} · admin")
    expect(page).to_have_title("Home · Service CRM")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "admin-home.png", full_page=True)

    # The same session on a phone-sized screen.
    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                 storage_state=page.context.storage_state(), base_url=server.base_url)
    try:
        small = phone.new_page()
        small.goto(page.url)
        expect(small.locator("h1")).to_contain_text("Good to see you")
        small.screenshot(path=RESULTS / "admin-home-phone.png", full_page=True)
        # Nothing may stick out sideways on a phone: wide tables scroll inside themselves, not the page.
        for path in ("/admin", "/admin/customers", "/admin/staff", "/admin/audit", "/admin/jobs"):
            small.goto(path)
            overflow = small.evaluate(PAGE_OVERFLOW)
            assert overflow <= 0, f"{path} is {overflow} px wider than a {PHONE['width']} px phone screen"
    finally:
        phone.close()


def test_a_wrong_password_shows_the_error_and_stays_on_the_sign_in_page(page: Page) -> None:
    sign_in(page, ADMIN_EMAIL, "not the password at all")
    expect(page.get_by_role("alert")).to_have_text("wrong email or password")
    assert page.url.endswith("/admin/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("#email")).to_have_value(ADMIN_EMAIL)  # kept, so only the password is retyped
    assert not [c for c in page.context.cookies() if c["name"] == "crm_session"]


def test_signing_out_returns_to_the_sign_in_page_and_ends_the_session(page: Page) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/admin/login?signed_out=1")
    expect(page.locator(".notice")).to_have_text("You have signed out.")

    page.goto("/admin")
    page.wait_for_url("**/admin/login?next=/admin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("header")).to_have_count(0)  # no signed-in chrome


def test_a_viewer_created_on_the_staff_page_has_no_staff_access(page: Page) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    nav_link(page, "Staff").click()
    page.wait_for_url("**/admin/staff")
    page.fill("#name", "Vera Viewer")
    page.fill("#email", "vera@browser.test")
    page.select_option("#role", "viewer")
    page.fill("#password", "viewer password 123")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url("**/admin/staff?notice=created")
    expect(page.locator(".notice")).to_have_text("Account created.")
    row = page.locator("tr", has_text="vera@browser.test")
    expect(row.locator("select[name=role]")).to_have_value("viewer")
    expect(row.locator(".tag")).to_have_text("active")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/admin/login?signed_out=1")
    sign_in(page, "vera@browser.test", "viewer password 123")
    page.wait_for_url("**/admin")
    expect(page.locator("header .who")).to_contain_text("Vera Viewer · viewer")
    expect(nav_link(page, "Customers")).to_have_count(1)
    expect(nav_link(page, "Staff")).to_have_count(0)

    response = page.goto("/admin/staff")
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("does not allow")
    expect(page.locator("h1")).to_have_text("Not allowed")
