"""The customer portal's overview and record pages over HTTP (B8, B10, S4): what a customer sees of
their contracts, invoices, payments and equipment, the contract and order pages, and the invoice PDF
download (with the portal's privacy headers; a payment link downloads its own invoice only)."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.links import Scope
from tests.browser_client import Browser
from tests.payment_helpers import store_document
from tests.portal_world import Catalogue, PortalWorld, now, portal_world

NAVIGATION = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def a(shop: Catalogue) -> PortalWorld:
    return portal_world(shop, "Alpha Heating", "alpha@alpha.example", "SN-ALPHA-1")


def _page(response: Any) -> str:
    assert response.status_code == 200, response.body[:600]
    return html.unescape(response.body.decode())


def _headers(response: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}


def _give_address(world: PortalWorld) -> None:
    from chalicelib.services.manage_addresses import create_address
    from chalicelib.services.manage_customers import update_customer

    address = create_address(
        {"line1": "Hlavná 12", "city": "Košice", "postcode": "040 01", "country": "SK"},
        actor=SYSTEM,
        now=now(),
    )
    update_customer(world.customer.id, {"address_id": address.id}, actor=SYSTEM, now=now())


def _save_card(customer_id: str) -> None:
    from chalicelib.services.card_setup import DevCard, begin_card_setup, finish_card_setup

    setup = begin_card_setup(customer_id, now=now())
    card = DevCard("4242424242424242", "12", "2030", "123")
    finish_card_setup(customer_id, setup.setup_intent_id, dev_card=card, actor=SYSTEM, now=now())


def _planned_visits(world: PortalWorld) -> list[str]:
    from chalicelib.store import visits

    return [v.due.isoformat() for v in visits.of_contract(world.contract.id) if v.status == "planned"]


def test_the_overview_shows_contracts_invoices_equipment_and_visits(browser: Browser, a: PortalWorld) -> None:
    _give_address(a)
    draft = store_document(a.customer.id, status="draft", total=777)
    token = a.link()
    page = _page(browser.get(f"/portal/{token}"))
    assert "Hello, Alpha Heating" in page
    assert a.contract.number in page
    assert "Care monthly" in page  # the plan: the contract's template
    assert "every month" in page
    assert "€31.00" in page  # the next invoice: one care line a month, before tax
    assert "Hlavná 12, 040 01 Košice, Slovakia" in page
    assert "Bank transfer" in page  # no card saved yet
    assert a.invoice.number in page
    assert f'href="/portal/{token}/invoices/{a.invoice.id}/pdf"' in page
    assert f'href="/portal/{token}/invoices/{a.invoice.id}/pay"' in page  # open: it can be paid
    assert "€43.21" in page  # its total (and what is open)
    assert f'href="/portal/{token}/quotes/{a.quote.id}"' in page
    assert f'href="/portal/{token}/orders/{a.order.id}"' in page
    assert f'href="/portal/{token}/contracts/{a.contract.id}"' in page
    assert a.item.serial in page and f'href="/portal/{token}/items/{a.item.id}"' in page
    planned = _planned_visits(a)
    assert planned and planned[0] in page
    assert draft.id not in page and "€7.77" not in page  # a draft is staff work in progress
    assert browser.get(f"/portal/{token}/invoices/{draft.id}/pdf", headers=NAVIGATION).status_code == 404


def test_the_overview_names_the_saved_card_and_the_payments(browser: Browser, a: PortalWorld) -> None:
    from chalicelib.services.record_payment import record_payment

    _save_card(a.customer.id)
    record_payment(
        {
            "customer_id": a.customer.id,
            "amount_minor": 1000,
            "method": "bank_transfer",
            "allocations": [{"invoice_id": a.invoice.id, "amount_minor": 1000}],
        },
        actor=SYSTEM,
        now=now(),
    )
    page = _page(browser.get(f"/portal/{a.link()}"))
    assert "Visa •••• 4242, expires 12/2030" in page
    payments = page[page.index('id="payments"') :]
    assert "€10.00" in payments and a.invoice.number in payments and "Bank transfer" in payments
    assert now().date().isoformat() in payments
    assert "partly paid" in page and "€33.21" in page  # the invoice's open amount after the payment


def test_the_overview_speaks_the_customers_language(browser: Browser, shop: Catalogue) -> None:
    world = portal_world(shop, "Gama s.r.o.", "gama@gama.example", "SN-GAMA-3", locale="sk")
    page = _page(browser.get(f"/portal/{world.link()}"))
    assert "Dobrý deň, Gama s.r.o." in page
    assert "31,00\xa0€" in page or "31,00 €" in page
    assert "každý mesiac" in page and "Faktúry a dobropisy" in page


def test_the_contract_page_shows_terms_lines_visits_and_the_ways_to_change_it(
    browser: Browser, a: PortalWorld
) -> None:
    token = a.link()
    page = _page(browser.get(f"/portal/{token}/contracts/{a.contract.id}"))
    assert f"Contract {a.contract.number}" in page
    for text in ("Care monthly", "active", "12 × month", "renews automatically", "30 days", "Boiler care"):
        assert text in page, text
    assert a.contract.start_date.isoformat() in page
    assert "€31.00" in page
    assert _planned_visits(a)[0] in page and a.item.serial in page
    assert f'href="/portal/{token}/contracts/{a.contract.id}/options"' in page  # upgrade and downgrade
    assert f'href="/portal/{token}/contracts/{a.contract.id}/cancel"' in page  # active


def test_a_restricted_or_cancelled_contract_offers_no_changes(browser: Browser, a: PortalWorld) -> None:
    from dataclasses import replace

    from chalicelib.domain.contract_lifecycle import Status
    from chalicelib.store import contracts

    stored = contracts.get(a.contract.id, consistent=True)
    restricted = replace(
        stored, terms=replace(stored.terms, access_level="restricted"), status=Status.CANCELLED
    )
    contracts.commit([contracts.Saved(stored, restricted, "contract.test", "restricted")], SYSTEM, now())
    token = a.link()
    page = _page(browser.get(f"/portal/{token}/contracts/{a.contract.id}"))
    assert "cancelled" in page
    assert "/options" not in page and "/cancel" not in page


def test_the_order_page_shows_lines_total_and_status(browser: Browser, a: PortalWorld) -> None:
    token = a.link()
    page = _page(browser.get(f"/portal/{token}/orders/{a.order.id}"))
    assert f"Order {a.order.number}" in page
    assert "Installation" in page and "€250.00" in page
    assert "in progress" in page
    assert "We will let you know when your order is delivered." in page


def test_the_invoice_pdf_downloads_privately(browser: Browser, a: PortalWorld) -> None:
    token = a.link()
    response = browser.get(f"/portal/{token}/invoices/{a.invoice.id}/pdf", headers=NAVIGATION)
    assert response.status_code == 200
    headers = _headers(response)
    assert headers["content-type"] == "application/pdf"
    assert response.body.startswith(b"%PDF-")
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert re.match(r'attachment; filename="M-[A-Za-z0-9-]+\.pdf"', headers["content-disposition"])
    again = browser.get(f"/portal/{token}/invoices/{a.invoice.id}/pdf", headers=NAVIGATION)
    assert again.body == response.body  # the stored rendering: an issued invoice never changes


def test_a_client_that_takes_no_pdf_gets_a_download_page(browser: Browser, a: PortalWorld) -> None:
    token = a.link()
    response = browser.get(f"/portal/{token}/invoices/{a.invoice.id}/pdf", headers={"Accept": "text/html"})
    page = _page(response)
    assert f"Download {a.invoice.number}" in page
    assert f'href="/portal/{token}/invoices/{a.invoice.id}/pdf"' in page
    assert _headers(response)["cache-control"] == "no-store"


def test_a_payment_link_downloads_its_own_invoice_only(browser: Browser, a: PortalWorld) -> None:
    other = store_document(a.customer.id, total=1234, issued=date(2027, 1, 11))
    token = a.link(Scope.INVOICE_PAYMENT, a.invoice.id)
    own = browser.get(f"/portal/{token}/invoices/{a.invoice.id}/pdf", headers=NAVIGATION)
    assert own.status_code == 200 and own.body.startswith(b"%PDF-")
    refused = browser.get(f"/portal/{token}/invoices/{other.id}/pdf", headers=NAVIGATION)
    assert refused.status_code == 404
    assert other.number not in refused.body.decode()
    assert browser.get(f"/portal/{token}/contracts/{a.contract.id}").status_code == 404
    assert browser.get(f"/portal/{token}/orders/{a.order.id}").status_code == 404


def test_another_customers_records_are_not_found(browser: Browser, shop: Catalogue, a: PortalWorld) -> None:
    b = portal_world(shop, "Beta Bakery", "beta@beta.example", "SN-BETA-9")
    token = a.link()
    for path in (
        f"contracts/{b.contract.id}",
        f"orders/{b.order.id}",
        f"invoices/{b.invoice.id}/pdf",
        "contracts/nope",
        "orders/%00",
    ):
        response = browser.get(f"/portal/{token}/{path}", headers=NAVIGATION)
        assert response.status_code == 404, path
        for secret in b.secrets:
            assert secret not in response.body.decode(errors="replace")
    page = _page(browser.get(f"/portal/{token}"))
    for secret in b.secrets:
        assert secret not in page
