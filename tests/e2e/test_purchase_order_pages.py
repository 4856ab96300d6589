"""Purchase order pages (S13) over HTTP: from an order's page to a sent, received purchase order, the
PDF download, bad input answered with the form and its field named, and roles."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import UTC, datetime

import pytest

from chalicelib.store import mail, purchase_orders
from chalicelib.store.models_purchasing import PurchaseOrderModel
from tests.browser_client import Browser
from tests.purchase_order_helpers import World, make_world

NOW = datetime.now(UTC)
# What a browser sends when it opens a link: a PDF is binary, served only to an Accept that takes it.
NAVIGATION = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def world(store) -> World:
    return make_world(NOW)


def _text(response) -> str:
    return html.unescape(response.body.decode())


def _po_id(response) -> str:
    assert response.status_code == 303, response.body[:500]
    match = re.search(r"/admin/purchase-orders/([0-9a-f]+)\?notice=", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def _blank(world: World, **changes: str) -> dict[str, str]:
    return {
        "vendor_id": world.vendor.id,
        "currency": "",
        "expected_date": "",
        "deliver_to_id": "",
        "delivery_notes": "",
        "order_id": "",
        "line-0-product_code": "BOIL",
        "line-0-description": "",
        "line-0-quantity": "2",
        "line-0-unit_cost": "1100",
        **changes,
    }


def test_from_an_order_to_a_sent_and_received_purchase_order(admin: Browser, world: World) -> None:
    order_page = _text(admin.get(f"/admin/orders/{world.order.id}"))
    assert f'href="/admin/purchase-orders/new?order_id={world.order.id}">Purchase order</a>' in order_page
    new = admin.get(f"/admin/purchase-orders/new?order_id={world.order.id}")
    assert new.status_code == 200 and "Boiler 24 kW" in _text(new) and "Installation</td>" not in _text(new)
    po_id = _po_id(
        admin.post(
            "/admin/purchase-orders/from-order", {"order_id": world.order.id, "vendor_id": world.vendor.id}
        )
    )
    page = _text(admin.get(f"/admin/purchase-orders/{po_id}?notice=drafted"))
    assert "Purchase order (draft)" in page and "Kotolňa: Hlavná 3" in page and "Edit draft" in page

    # Unit costs start at zero: sending now is refused, naming the line.
    refused = admin.post(f"/admin/purchase-orders/{po_id}/send", {})
    assert refused.status_code == 400 and "line 1: set the unit cost before sending" in _text(refused)

    draft = purchase_orders.get(po_id)
    form = {
        **_blank(world, order_id=world.order.id, deliver_to_id=world.site.id, expected_date="2027-06-01"),
        "version": str(draft.version),
        "line-0-product_code": "BOIL",
        "line-0-quantity": "2",
        "line-0-unit_cost": "1 234,50",
        "line-1-product_code": "VALVE",
        "line-1-quantity": "3",
        "line-1-unit_cost": "40",
    }
    saved = admin.post(f"/admin/purchase-orders/{po_id}/edit", form)
    assert saved.status_code == 303
    sent = admin.post(f"/admin/purchase-orders/{po_id}/send", {})
    assert sent.headers["Location"].endswith("?notice=sent")
    page = _text(admin.get(sent.headers["Location"]))
    year = NOW.year
    assert f"Purchase order PO-{year}-00001" in page and "€2,589.00" in page and "Mark received" in page
    assert mail.get(purchase_orders.get(po_id).mail_id).to == "orders@viessmann.test"

    # A sent purchase order is no longer edited, and the list shows it newest first.
    assert admin.post(f"/admin/purchase-orders/{po_id}/edit", {**form, "version": "3"}).status_code == 409
    listing = _text(admin.get("/admin/purchase-orders"))
    assert f"PO-{year}-00001" in listing and "Viessmann s.r.o." in listing

    received = admin.post(f"/admin/purchase-orders/{po_id}/status", {"action": "receive"})
    assert received.headers["Location"].endswith("?notice=received")
    assert purchase_orders.get(po_id).status.value == "received"


def test_the_pdf_downloads_in_the_vendors_language(admin: Browser, world: World) -> None:
    admin.get("/admin/purchase-orders/new")
    po_id = _po_id(admin.post("/admin/purchase-orders/new", _blank(world)))
    response = admin.get(f"/admin/purchase-orders/{po_id}/pdf", headers=NAVIGATION)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert "purchase-order-draft-" in response.headers["Content-Disposition"]
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.body, capture_output=True, check=True
    ).stdout.decode()
    assert "Objednávka" in text and "Condensing boiler 24 kW" in text and "Viessmann s.r.o." in text


def test_a_vendor_without_email_is_told_and_the_order_still_sent(admin: Browser, world: World) -> None:
    admin.get("/admin/purchase-orders/new")
    po_id = _po_id(admin.post("/admin/purchase-orders/new", _blank(world, vendor_id=world.quiet_vendor.id)))
    sent = admin.post(f"/admin/purchase-orders/{po_id}/send", {})
    assert sent.headers["Location"].endswith("?notice=not_emailed")
    page = _text(admin.get(sent.headers["Location"]))
    assert "not emailed: the vendor has no email address" in page and "£2,200.00" in page
    assert purchase_orders.get(po_id).number.startswith("PO-")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"vendor_id": ""}, "choose the vendor"),
        ({"line-0-product_code": "", "line-0-quantity": "", "line-0-unit_cost": ""}, "at least one line"),
        ({"line-0-quantity": "0"}, "line 1: a quantity must be more than 0"),
        ({"line-0-quantity": "lots"}, "line 1: 'lots' is not a quantity"),
        ({"line-0-unit_cost": "cheap"}, "line 1: unit cost:"),
        ({"line-0-product_code": "NOPE"}, "line 1: no product with code 'NOPE'"),
        ({"vendor_id": "nope"}, "no vendor nope"),
        ({"order_id": "nope"}, "no order nope"),
    ],
)
def test_bad_input_gets_the_form_back_with_the_field_named(
    admin: Browser, world: World, changes, message
) -> None:
    admin.get("/admin/purchase-orders/new")
    response = admin.post("/admin/purchase-orders/new", _blank(world, **changes))
    assert response.status_code == 400, response.body[:300]
    body = _text(response)
    assert message in body and 'role="alert"' in body and 'name="line-0-quantity"' in body
    assert PurchaseOrderModel.count() == 0


def test_receiving_a_draft_is_a_conflict_and_unknown_ids_are_not_found(admin: Browser, world: World) -> None:
    admin.get("/admin/purchase-orders/new")
    po_id = _po_id(admin.post("/admin/purchase-orders/new", _blank(world)))
    response = admin.post(f"/admin/purchase-orders/{po_id}/status", {"action": "receive"})
    assert response.status_code == 409 and "cannot become received" in _text(response)
    assert purchase_orders.get(po_id).is_draft
    for path in ("/admin/purchase-orders/nope", "/admin/purchase-orders/nope/pdf"):
        assert admin.get(path, headers=NAVIGATION).status_code == 404
    admin.get("/admin/purchase-orders")
    assert admin.post("/admin/purchase-orders/nope/send", {}).status_code == 404
    assert admin.get("/admin/purchase-orders/new?order_id=nope").status_code == 404


def test_a_viewer_reads_purchase_orders_but_changes_nothing(
    browser: Browser, make_staff, world: World
) -> None:
    make_staff("admin")
    browser.sign_in("admin@example.com")
    browser.get("/admin/purchase-orders/new")
    po_id = _po_id(browser.post("/admin/purchase-orders/new", _blank(world)))
    browser.get("/admin")
    browser.post("/admin/logout", {})
    make_staff("viewer")
    browser.sign_in("viewer@example.com")
    page = _text(browser.get(f"/admin/purchase-orders/{po_id}"))
    assert "Edit draft" not in page and "Send to vendor" not in page
    assert browser.get(f"/admin/purchase-orders/{po_id}/pdf", headers=NAVIGATION).status_code == 200
    assert browser.get("/admin/purchase-orders/new").status_code == 403
    browser.get(f"/admin/purchase-orders/{po_id}")  # a page with a CSRF token
    assert browser.post(f"/admin/purchase-orders/{po_id}/send", {}).status_code == 403
    assert purchase_orders.get(po_id).is_draft
