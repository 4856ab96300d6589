"""Issue 7's walk in a real browser, on the demo `make run` seeds: a prospect signs up from the signup link
on a phone; Acme opens its portal link, accepts the open quote, adds an option (seeing the prorated effect
first), saves a card, downloads an invoice PDF and cancels its contract. Every page is also opened at phone
size, must not scroll sideways, and is screenshotted (desktop and phone) into test-results/."""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import Browser, Page, expect

from chalicelib.domain.portal_labels import labels
from tests.e2e.browser_support import DESKTOP, PAGE_OVERFLOW, PHONE, RESULTS, Server

pytestmark = pytest.mark.browser
URL = re.compile(r"http://127\.0\.0\.1:\d+/portal/[A-Za-z0-9_-]{43}(?:/signup)?")
TOKEN_PAGE = re.compile(r".*/portal/[A-Za-z0-9_-]{43}$")


def _demo_links(server: Server) -> dict[str, str]:
    """seed-demo prints the demo's portal and signup links; run_billing issues Acme's first invoice."""
    printed = server.cli("seed-demo", "--password-stdin", stdin="portal walk demo password\n")
    server.cli("run-job", "run_billing")
    lines = [line for line in printed.splitlines() if "/portal/" in line]
    found = {line.split(":")[0].strip(): URL.search(line) for line in lines}
    portal = next(m.group(0) for what, m in found.items() if m and what.startswith("customer portal of Acme"))
    signup = next(m.group(0) for what, m in found.items() if m and what.startswith("signup link"))
    return {"portal": portal, "signup": signup}


def _shot(page: Page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    assert page.evaluate(PAGE_OVERFLOW) <= 0, f"{name}: the page scrolls sideways"
    page.screenshot(path=RESULTS / f"{name}.png", full_page=True)


def _on_phone(chromium: Browser, url: str, name: str) -> None:
    """The same page as a customer sees it on a phone (GET only: opening it changes nothing)."""
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        phone = context.new_page()
        response = phone.goto(url)
        assert response is not None and response.status == 200, url
        _shot(phone, f"{name}-phone")
    finally:
        context.close()


def test_a_prospect_signs_up_on_a_phone_from_the_signup_link(chromium: Browser, server: Server) -> None:
    links = _demo_links(server)
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        phone = context.new_page()
        phone.goto(links["signup"])
        expect(phone.locator("h1")).to_contain_text("Boiler care")
        expect(phone.locator("main")).to_contain_text("Boiler maintenance")  # the plan, with its price
        expect(phone.locator("main")).to_contain_text("€49.00")
        _shot(phone, "portal-signup-phone")
        phone.get_by_role("checkbox", name=re.compile("Spare parts included")).check()
        phone.get_by_label("Company name").fill("Kaviareň Horizont s.r.o.")
        phone.get_by_label("First name").fill("Zuzana")
        phone.get_by_label("Last name").fill("Horváthová")
        phone.get_by_label("Email").fill("zuzana@horizont.example")
        phone.get_by_label("Street and number").fill("Obchodná 12")
        phone.get_by_label("City").fill("Bratislava")
        phone.get_by_label("Postcode").fill("811 06")
        phone.get_by_label("Country").fill("SK")
        phone.get_by_role("checkbox", name="I accept the offer and its terms").check()
        phone.get_by_role("button", name="Sign up and start the contract").click()
        phone.wait_for_url(TOKEN_PAGE)
        expect(phone.locator("h1")).to_contain_text("Kaviareň Horizont")
        body = phone.locator("main")
        expect(body).to_contain_text("Boiler care")
        expect(body).to_contain_text("Spare parts included")
        expect(body).to_contain_text("Boiler maintenance")
        expect(body).to_contain_text("€64.00")  # the next invoice: plan and option
        expect(body).to_contain_text("active")
        _shot(phone, "portal-signed-up-phone")
        used = phone.goto(links["signup"])
        assert used is not None and used.status == 410, "the signup link is used up"
    finally:
        context.close()
    desktop = chromium.new_context(viewport=DESKTOP)
    try:
        page = desktop.new_page()
        page.goto(links["signup"])
        _shot(page, "portal-signup-used-desktop")
    finally:
        desktop.close()


def test_a_customer_accepts_a_quote_upgrades_saves_a_card_downloads_an_invoice_and_cancels(
    page: Page, chromium: Browser, server: Server
) -> None:
    portal = _demo_links(server)["portal"]
    t = labels("sk")  # Acme's language: the portal speaks it
    page.goto(portal)
    overview = page.locator("main")
    expect(page.locator("h1")).to_contain_text("Acme Facilities")
    expect(overview).to_contain_text("VBX-2024-0117")  # the boiler and its planned service
    expect(overview).to_contain_text("Boiler care")
    _shot(page, "portal-overview-desktop")
    _on_phone(chromium, portal, "portal-overview")

    # Quote acceptance (B8, C14)
    page.get_by_role("link", name=t["ov_view_quote"]).first.click()
    quote_url = page.url
    expect(page.locator("main")).to_contain_text("Smart thermostat, fitted")
    expect(page.locator("main")).to_contain_text(t["quote_accept_order_only"])  # one-off items only
    _on_phone(chromium, quote_url, "portal-quote")
    page.get_by_role("checkbox", name=t["quote_accept_terms"]).check()
    page.get_by_role("button", name=t["quote_accept_button"].split("{")[0].strip()).click()
    expect(page.locator("main")).to_contain_text(t["quote_accepted_notice"])
    expect(page.locator("h1 .badge")).to_contain_text(t["quote_status_accepted"])
    _shot(page, "portal-quote-accepted-desktop")

    # Option upgrade with the prorated effect shown first (B23)
    page.goto(portal)
    page.get_by_role("link", name=t["ov_view_contract"]).first.click()
    contract_url = page.url
    _shot(page, "portal-contract-desktop")
    _on_phone(chromium, contract_url, "portal-contract")
    page.get_by_role("link", name=t["ov_change_options"]).click()
    options_url = page.url
    _on_phone(chromium, options_url, "portal-options")
    page.get_by_label("Spare parts included").fill("1")
    page.get_by_role("button", name=t["ss_show_effect"]).click()
    preview = page.locator("main")
    expect(preview).to_contain_text("Spare parts included")
    expect(preview).to_contain_text("€")
    _shot(page, "portal-options-preview-desktop")
    page.get_by_role("button", name=t["ss_confirm_change"]).click()
    expect(page.locator("main")).to_contain_text(t["ss_options_saved"].split(".")[0])
    page.goto(contract_url)
    expect(page.locator("main")).to_contain_text("Spare parts included")

    # Card update (B11): the development card form of localstripe
    page.locator("header nav").get_by_role("link", name=t["card_title"]).click()
    page.get_by_label(t["card_number"]).fill("4242 4242 4242 4242")
    page.get_by_label(t["exp_month"]).fill("12")
    page.get_by_label(t["exp_year"]).fill("2031")
    page.get_by_label(t["cvc"]).fill("123")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text(t["card_saved"])
    expect(page.locator("main")).to_contain_text("•••• 4242")
    _shot(page, "portal-card-desktop")
    _on_phone(chromium, page.url.split("?")[0], "portal-card")
    page.goto(portal)
    expect(page.locator("main")).to_contain_text("Visa •••• 4242")  # the payment method on the overview

    # Invoice download (B10): the PDF, looked at as an image
    with page.expect_download() as download:
        pdf_of = re.escape(t["ov_pdf_of"].split("{")[0])
        page.get_by_role("link", name=re.compile(f"^{pdf_of}INV-")).first.click()
    pdf = RESULTS / "portal-invoice.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(RESULTS / "portal-invoice")],
        check=True,
        timeout=60,
    )

    # Cancellation with a reason, effective per the notice period (B12)
    page.goto(contract_url)
    page.get_by_role("link", name=t["ov_cancel_contract"]).click()
    _on_phone(chromium, page.url, "portal-cancel")
    effective = page.locator("dl.facts dd").last.inner_text()
    page.get_by_label(t["ss_reason"]).select_option("no_longer_needed")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name=t["ov_cancel_contract"]).click()
    expect(page.locator("main")).to_contain_text(t["ss_cancelled"].format(date=effective).split(".")[0])
    _shot(page, "portal-cancelled-desktop")
    page.goto(contract_url)
    expect(page.get_by_role("link", name=t["ov_cancel_contract"])).to_have_count(0)
    expect(page.get_by_role("link", name=t["ov_change_options"])).to_have_count(0)  # cancellation given
