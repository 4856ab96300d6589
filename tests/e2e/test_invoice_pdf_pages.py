"""Invoice PDFs and delivery notes over HTTP: the admin downloads, the API, and who may have them."""

from __future__ import annotations

import base64
import json
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.billing import InvoiceLine
from chalicelib.domain.contracts import Line
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.orders import Order
from chalicelib.domain.periods import Period
from chalicelib.domain.tax import TaxGroup
from chalicelib.services.api_keys import issue_key
from chalicelib.services.manage_customers import create_customer
from chalicelib.store import invoices, orders, records
from tests.browser_client import Browser

NOW = datetime.now(UTC)
# What a browser sends when following a link: PDF is not named, */* is.
NAVIGATION = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def invoice(store) -> Invoice:
    customer = create_customer(
        {"name": "Acme s.r.o.", "country": "SK", "currency": "EUR", "locale": "sk"}, actor=SYSTEM, now=NOW
    )
    made = Invoice(
        id="contract-1:2026-11-01",
        customer_id=customer.id,
        contract_id="contract-1",
        currency="EUR",
        series="default",
        status="issued",
        period=Period(date(2026, 11, 1), date(2026, 12, 1)),
        lines=(InvoiceLine("Boiler care", Decimal(1), 102880, 102880, "recurring"),),
        created_at=NOW,
        issue_date=date(2026, 11, 23),
        due_date=date(2026, 12, 7),
        number="INV-2026-000042",
        taxes=(TaxGroup(2000, "VAT 20 %", 102880, 20576),),
    )
    records.commit(records.Change().save(invoices.to_item(made)))
    return made


def test_the_invoice_page_links_its_pdf_and_the_pdf_downloads(admin: Browser, invoice) -> None:
    page = admin.get(f"/admin/invoices/{invoice.id}").body.decode()
    assert f'href="/admin/invoices/{invoice.id}/pdf"' in page
    response = admin.get(f"/admin/invoices/{invoice.id}/pdf", headers=NAVIGATION)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert 'filename="INV-2026-000042.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(response.body)
    assert "INV-2026-000042" in text and "Acme s.r.o." in text and "1 234,56 €" in text
    # Downloaded again: the kept file, byte for byte.
    assert admin.get(f"/admin/invoices/{invoice.id}/pdf", headers=NAVIGATION).body == response.body


def test_an_unknown_invoice_is_a_404(admin: Browser, store) -> None:
    assert admin.get("/admin/invoices/nope/pdf", headers=NAVIGATION).status_code == 404


def test_the_pdf_needs_a_session_and_a_role_that_sees_invoices(browser: Browser, make_staff, invoice) -> None:
    signed_out = browser.get(f"/admin/invoices/{invoice.id}/pdf", headers=NAVIGATION)
    assert signed_out.status_code == 303 and "/admin/login" in signed_out.headers["Location"]
    make_staff("service")  # service staff have no VIEW_INVOICES
    browser.sign_in("service@example.com")
    refused = browser.get(f"/admin/invoices/{invoice.id}/pdf", headers=NAVIGATION)
    assert refused.status_code == 403 and b"%PDF" not in refused.body


def test_the_api_returns_the_pdf_to_a_key_with_invoices_read(app_client, invoice) -> None:
    def call(path: str, scopes: list[str] | None):
        headers = {}
        if scopes is not None:
            _key, token = issue_key("crm", scopes, actor=SYSTEM, now=NOW)
            headers["Authorization"] = f"Bearer {token}"
        response = app_client.http.get(path, headers=headers)
        return response.status_code, json.loads(response.body)

    status, body = call(f"/api/v1/invoices/{invoice.id}/pdf", ["invoices:read"])
    assert status == 200 and body["filename"] == "INV-2026-000042.pdf"
    assert body["content_type"] == "application/pdf"
    assert "1 234,56 €" in pdf_text(base64.b64decode(body["content_base64"]))
    assert call(f"/api/v1/invoices/{invoice.id}/pdf", ["contracts:read"])[0] == 403
    assert call(f"/api/v1/invoices/{invoice.id}/pdf", None)[0] == 401
    status, body = call("/api/v1/invoices/nope/pdf", ["invoices:read"])
    assert status == 404 and body["error"]["code"]


def test_a_draft_pdf_is_marked_draft(admin: Browser, invoice) -> None:
    draft = replace(invoice, id="draft-1", status="draft", number="", issue_date=None, due_date=None)
    records.commit(records.Change().save(invoices.to_item(draft)))
    response = admin.get("/admin/invoices/draft-1/pdf", headers=NAVIGATION)
    assert (
        response.status_code == 200
        and 'filename="draft-draft-1.pdf"' in response.headers["Content-Disposition"]
    )
    assert "NÁVRH" in pdf_text(response.body)  # the customer reads Slovak


def test_the_order_page_links_its_delivery_note(admin: Browser, invoice, make_staff) -> None:
    order = Order(
        id="fedcba9876543210",
        customer_id=invoice.customer_id,
        quote_id="quote-1",
        currency="EUR",
        lines=(Line("l1", "product-1", "Condensing boiler 24 kW", Decimal(2), 150000),),
        created_at=NOW,
    )
    orders.save(None, order, SYSTEM.entry("order", order.id, "order.created", NOW))
    page = admin.get(f"/admin/orders/{order.id}").body.decode()
    assert f'href="/admin/orders/{order.id}/delivery-note"' in page
    response = admin.get(f"/admin/orders/{order.id}/delivery-note", headers=NAVIGATION)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert "delivery-note-O-FEDCBA98.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.body)
    assert "Dodací list" in text and "O-FEDCBA98" in text and "Condensing boiler 24 kW" in text
    assert admin.get("/admin/orders/nope/delivery-note", headers=NAVIGATION).status_code == 404
