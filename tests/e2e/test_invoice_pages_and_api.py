"""Invoices from the billing run, seen in the admin page and over the API."""

import json
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.services.manage_catalogue import create_product
from chalicelib.services.manage_contracts import create_contract
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_tax_rates import set_tax_rate
from chalicelib.services.manage_templates import create_template
from chalicelib.services.run_billing import run_billing
from chalicelib.store import invoices
from tests.browser_client import Browser

NOW = datetime.now(UTC)


@pytest.fixture
def billed(store):
    set_tax_rate(
        {"region": "SK", "category": "standard", "rate": "20", "name": "VAT 20 %"}, actor=SYSTEM, now=NOW
    )
    product = create_product({"code": "CARE", "name": "Boiler care"}, actor=SYSTEM, now=NOW)
    customer = create_customer(
        {"name": "Acme", "country": "SK", "currency": "EUR", "timezone": "UTC"}, actor=SYSTEM, now=NOW
    )
    template = create_template(
        {"name": "Care", "currency": "EUR", "period": "monthly"}, actor=SYSTEM, now=NOW
    )
    contract = create_contract(
        {
            "customer_id": customer.id,
            "template_id": template.id,
            "start_date": date(NOW.year, NOW.month, 1).isoformat(),
            "lines": [{"product_id": product.id, "quantity": "2", "unit_price_minor": 2500}],
            "activate": True,
        },
        actor=SYSTEM,
        now=NOW,
    )
    assert run_billing(NOW)["invoices"] == 1
    [invoice] = invoices.of_contract(contract.id)
    return invoice


def test_invoices_are_listed_and_shown_with_their_lines(admin: Browser, billed) -> None:
    listing = admin.get("/admin/invoices").body.decode()
    assert billed.number in listing and "€60.00" in listing and "Acme" in listing
    page = admin.get(f"/admin/invoices/{billed.id}").body.decode()
    assert "Boiler care" in page and billed.number in page and str(billed.due_date) in page
    assert "VAT 20 %" in page and "€10.00" in page
    per_contract = admin.get(f"/admin/invoices?contract_id={billed.contract_id}").body.decode()
    assert billed.number in per_contract
    assert admin.get("/admin/invoices/nope").status_code == 404


def test_service_staff_do_not_see_invoices(browser: Browser, make_staff, billed) -> None:
    make_staff("service")
    browser.sign_in("service@example.com")
    assert browser.get("/admin/invoices").status_code == 403


def test_invoices_over_the_api(app_client, billed) -> None:
    def call(path: str, scopes: list[str]):
        _key, token = issue_key("crm", scopes, actor=SYSTEM, now=NOW)
        response = app_client.http.get(path, headers={"Authorization": f"Bearer {token}"})
        return response.status_code, json.loads(response.body)

    status, found = call(f"/api/v1/invoices?customer_id={billed.customer_id}", ["invoices:read"])
    assert status == 200 and [i["number"] for i in found["items"]] == [billed.number]
    status, one = call(f"/api/v1/invoices/{billed.id}", ["invoices:read"])
    assert status == 200 and (one["net_minor"], one["tax_minor"], one["total_minor"]) == (5000, 1000, 6000)
    assert call("/api/v1/invoices", ["invoices:read"])[0] == 400
    assert call(f"/api/v1/invoices/{billed.id}", ["contracts:read"])[0] == 403


def test_admins_create_invoice_series_and_templates_choose_one(admin: Browser, store) -> None:
    page = admin.get("/admin/invoice-series").body.decode()
    # The default series is made on first use.
    assert "INV-{YYYY}-{seq:06}" in page and f"INV-{NOW.year}-000001" in page
    bad = admin.post("/admin/invoice-series", {"id": "Bad Code", "name": "X", "format": "X-{seq}"})
    assert bad.status_code == 400 and "lower-case letters" in bad.body.decode()
    created = admin.post("/admin/invoice-series", {"id": "sk", "name": "SK company", "format": "SK-{seq:05}"})
    assert created.status_code == 303
    assert "SK-00001" in admin.get("/admin/invoice-series").body.decode()
    again = admin.post("/admin/invoice-series", {"id": "sk", "name": "Again", "format": "S-{seq}"})
    assert again.status_code == 409 and "taken" in again.body.decode()
    form = admin.get("/admin/templates").body.decode()
    assert 'name="invoice_series"' in form and "SK company (sk)" in form


def test_billing_staff_manage_series_but_sales_do_not(browser: Browser, make_staff) -> None:
    make_staff("sales")
    browser.sign_in("sales@example.com")
    assert browser.get("/admin/invoice-series").status_code == 403


def test_tax_rates_are_set_on_their_page_with_bad_input_named(admin: Browser, store) -> None:
    admin.get("/admin/tax-rates")
    bad = admin.post("/admin/tax-rates", {"region": "SK", "category": "standard", "rate": "123"})
    assert bad.status_code == 400 and "0 to 100 %" in bad.body.decode()
    saved = admin.post("/admin/tax-rates", {"region": "us-ca", "category": "standard", "rate": "7.25"})
    assert saved.status_code == 303
    assert "US-CA" in admin.get("/admin/tax-rates").body.decode()
