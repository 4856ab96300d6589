"""Purchase orders (S13) against DynamoDB Local: drafts from an order or by hand, bad input, sending
(gapless numbers under concurrency, the email with its PDF), receiving and cancelling, and the PDF."""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest

from chalicelib.adapters.pdf import PdfRenderer
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.domain.purchase_orders import PurchaseOrderStatus
from chalicelib.services.manage_purchase_orders import (
    change_status,
    create_draft,
    draft_from_order,
    update_draft,
)
from chalicelib.services.purchase_order_pdf import purchase_order_pdf
from chalicelib.services.send_invoice import InvoiceMailer
from chalicelib.services.send_purchase_order import NO_EMAIL, send_purchase_order
from chalicelib.store import audit, invoices, mail, purchase_orders
from chalicelib.store.models import AuditModel
from chalicelib.store.models_purchasing import PurchaseOrderModel
from tests.purchase_order_helpers import World, make_world

# A fixed day: nothing here has a DynamoDB TTL.
MAR_10 = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def world() -> World:
    return make_world(MAR_10)


def _data(world: World, **changes):
    return {
        "vendor_id": world.vendor.id,
        "lines": [{"product_code": "BOIL", "quantity": "2", "unit_cost": "1 100,00"}],
        **changes,
    }


def _send(po_id: str):
    return send_purchase_order(po_id, mailer=InvoiceMailer.from_settings(), actor=SYSTEM, now=MAR_10)


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    raw = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return re.sub(r"[ \t\u00a0\u202f]+", " ", raw)


def test_a_draft_from_an_order_takes_its_stock_lines_for_the_vendor_and_goes_to_the_site(world) -> None:
    draft = draft_from_order(world.order.id, world.vendor.id, actor=SYSTEM, now=MAR_10)
    # The pump names another vendor and installation is a service: neither is bought here.
    assert [(line.description, str(line.quantity), line.unit_cost_minor) for line in draft.lines] == [
        ("Boiler 24 kW", "2", 0),
        ("Mixing valve", "3", 0),
    ]
    assert draft.status is PurchaseOrderStatus.DRAFT and draft.number == "" and draft.currency == "EUR"
    assert draft.order_id == world.order.id and draft.deliver_to_id == world.site.id
    assert "O-01234567" in draft.delivery_notes and "Teplo a.s." in draft.delivery_notes
    assert purchase_orders.get(draft.id) == draft
    (entry,) = audit.for_entity("purchase_order", draft.id)
    assert entry.action == "purchase_order.drafted"

    other = draft_from_order(world.order.id, world.quiet_vendor.id, actor=SYSTEM, now=MAR_10)
    assert [line.description for line in other.lines] == ["Mixing valve", "Pump"] and other.currency == "GBP"


def test_a_draft_by_hand_names_products_by_code_and_fills_in_their_names(world) -> None:
    po = create_draft(
        _data(
            world,
            currency="",
            expected_date="2027-03-20",
            lines=[
                {"product_code": "BOIL", "quantity": "2", "unit_cost": "1 100,00"},
                {"description": "Flue kit", "quantity": "1", "unit_cost": "85.5"},
            ],
        ),
        actor=SYSTEM,
        now=MAR_10,
    )
    assert [(line.description, line.unit_cost_minor, line.unit) for line in po.lines] == [
        ("Condensing boiler 24 kW", 110000, "pc"),
        ("Flue kit", 8550, "pc"),
    ]
    assert po.total_minor == 228550 and po.expected_date == date(2027, 3, 20) and po.currency == "EUR"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"vendor_id": ""}, "vendor_id"),
        ({"vendor_id": "nope"}, "vendor_id"),
        ({"lines": []}, "lines"),
        ({"lines": [{"product_code": "BOIL", "quantity": "0", "unit_cost": "1"}]}, "lines[0].quantity"),
        ({"lines": [{"product_code": "BOIL", "quantity": "two", "unit_cost": "1"}]}, "lines[0].quantity"),
        ({"lines": [{"product_code": "BOIL", "quantity": "1", "unit_cost": "cheap"}]}, "lines[0].unit_cost"),
        ({"lines": [{"product_code": "NOPE", "quantity": "1", "unit_cost": "1"}]}, "lines[0].product"),
        ({"lines": [{"product_id": "nope", "quantity": "1", "unit_cost": "1"}]}, "lines[0].product"),
        ({"order_id": "nope"}, "order_id"),
        ({"deliver_to_id": "nope"}, "deliver_to_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, changes, field) -> None:
    audited = AuditModel.count()
    with pytest.raises(ValidationError) as caught:
        create_draft(_data(world, **changes), actor=SYSTEM, now=MAR_10)
    assert caught.value.field == field and caught.value.status == 400
    assert PurchaseOrderModel.count() == 0 and AuditModel.count() == audited


def test_a_draft_from_an_unknown_order_or_vendor_is_refused(world) -> None:
    for order_id, vendor_id, field in (
        ("nope", world.vendor.id, "order_id"),
        (world.order.id, "nope", "vendor_id"),
    ):
        with pytest.raises(ValidationError) as caught:
            draft_from_order(order_id, vendor_id, actor=SYSTEM, now=MAR_10)
        assert caught.value.field == field
    assert PurchaseOrderModel.count() == 0


def test_a_draft_is_edited_until_sent_and_then_refused(world) -> None:
    po = create_draft(_data(world), actor=SYSTEM, now=MAR_10)
    edited = update_draft(
        po.id, _data(world, delivery_notes="Call before"), version=po.version, actor=SYSTEM, now=MAR_10
    )
    assert edited.delivery_notes == "Call before" and edited.version == po.version + 1
    with pytest.raises(Conflict):  # a stale form
        update_draft(po.id, _data(world), version=po.version, actor=SYSTEM, now=MAR_10)
    _send(po.id)
    with pytest.raises(Conflict) as caught:
        update_draft(po.id, _data(world), version=edited.version + 1, actor=SYSTEM, now=MAR_10)
    assert caught.value.status == 409


def test_sending_numbers_it_and_emails_the_pdf_to_the_vendor(world) -> None:
    po = create_draft(_data(world), actor=SYSTEM, now=MAR_10)
    sent = _send(po.id)
    assert sent.status is PurchaseOrderStatus.SENT and sent.number == "PO-2027-00001"
    assert sent.sent_at == MAR_10 and sent.send_error == "" and sent.mail_id
    record = mail.get(sent.mail_id)
    assert record.to == "orders@viessmann.test" and record.subject.startswith("Objednávka PO-2027-00001")
    assert record.attachments[0]["filename"] == "purchase-order-PO-2027-00001.pdf"
    assert sorted(e.action for e in audit.for_entity("purchase_order", po.id)) == [
        "purchase_order.drafted",
        "purchase_order.sent",
    ]
    again = _send(po.id)  # a sent order is emailed again, keeping its number
    assert again.number == "PO-2027-00001" and again.mail_id != sent.mail_id
    assert invoices.series("purchase-orders", MAR_10).last_seq == 1


def test_a_vendor_without_email_gets_it_sent_and_numbered_but_not_emailed(world) -> None:
    po = create_draft(
        {**_data(world), "vendor_id": world.quiet_vendor.id, "currency": "GBP"}, actor=SYSTEM, now=MAR_10
    )
    sent = _send(po.id)
    assert sent.status is PurchaseOrderStatus.SENT and sent.number == "PO-2027-00001"
    assert sent.send_error == NO_EMAIL and sent.mail_id == ""


def test_a_line_without_cost_is_not_sent_and_takes_no_number(world) -> None:
    draft = draft_from_order(world.order.id, world.vendor.id, actor=SYSTEM, now=MAR_10)
    with pytest.raises(ValidationError) as caught:
        _send(draft.id)
    assert caught.value.field == "lines[0].unit_cost"
    assert purchase_orders.get(draft.id).is_draft
    assert invoices.series("purchase-orders", MAR_10).last_seq == 0


def test_receiving_and_cancelling_follow_the_workflow(world) -> None:
    po = create_draft(_data(world), actor=SYSTEM, now=MAR_10)
    with pytest.raises(Conflict) as caught:
        change_status(po.id, "receive", actor=SYSTEM, now=MAR_10)
    assert caught.value.status == 409
    with pytest.raises(Conflict):  # sending takes a number: only through send_purchase_order
        change_status(po.id, "send", actor=SYSTEM, now=MAR_10)
    _send(po.id)
    received = change_status(po.id, "receive", actor=SYSTEM, now=MAR_10)
    assert received.status is PurchaseOrderStatus.RECEIVED
    with pytest.raises(Conflict):
        change_status(po.id, "cancel", actor=SYSTEM, now=MAR_10)
    with pytest.raises(Conflict):
        _send(po.id)
    draft = create_draft(_data(world), actor=SYSTEM, now=MAR_10)
    assert change_status(draft.id, "cancel", actor=SYSTEM, now=MAR_10).status is PurchaseOrderStatus.CANCELLED
    assert {p.id: p.status for p in purchase_orders.recent()} == {
        po.id: PurchaseOrderStatus.RECEIVED,
        draft.id: PurchaseOrderStatus.CANCELLED,
    }


def test_an_unknown_purchase_order_is_not_found(world) -> None:
    for attempt in (
        lambda: purchase_orders.get("nope"),
        lambda: _send("nope"),
        lambda: change_status("nope", "cancel", actor=SYSTEM, now=MAR_10),
        lambda: update_draft("nope", _data(world), version=1, actor=SYSTEM, now=MAR_10),
    ):
        with pytest.raises(NotFound):
            attempt()


def test_two_purchase_orders_sent_at_once_get_consecutive_numbers(world) -> None:
    drafts = [create_draft(_data(world), actor=SYSTEM, now=MAR_10) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = list(pool.map(lambda po: _send(po.id), drafts))
    assert sorted(p.number for p in sent) == [f"PO-2027-0000{n}" for n in range(1, 5)]
    assert invoices.series("purchase-orders", MAR_10).last_seq == 4


def test_the_pdf_speaks_the_vendors_language_and_shows_where_to_deliver(world) -> None:
    draft = draft_from_order(world.order.id, world.vendor.id, actor=SYSTEM, now=MAR_10)
    lines = [
        {"product_code": "BOIL", "quantity": "2", "unit_cost": "1234,5"},
        {"product_code": "VALVE", "quantity": "3", "unit_cost": "40"},
    ]
    data = {**_data(world), "lines": lines, "order_id": world.order.id, "deliver_to_id": world.site.id}
    data |= {"expected_date": "2027-03-24", "delivery_notes": "Call 0900 123 456 before delivery"}
    update_draft(draft.id, data, version=draft.version, actor=SYSTEM, now=MAR_10)
    renderer = PdfRenderer()
    draft_text = pdf_text(
        purchase_order_pdf(purchase_orders.get(draft.id), renderer=renderer, today=MAR_10.date())
    )
    assert re.search(r"N ?Á ?V ?R ?H", draft_text)  # a draft is marked as such (letter-spaced)
    sent = _send(draft.id)
    text = pdf_text(purchase_order_pdf(sent, renderer=renderer, today=date(2027, 4, 1)))
    for expected in (
        "Objednávka",
        "PO-2027-00001",
        "Viessmann s.r.o.",
        "Priemyselná 7",
        "10. 3. 2027",  # the day it was sent, not the day it is printed
        "24. 3. 2027",
        "O-01234567",
        "Boiler 24 kW",
        "2 469,00 €",
        "2 589,00 €",
        "Kotolňa",
        "Hlavná 3",
        "Call 0900 123 456 before delivery",
    ):
        assert expected.casefold() in text.casefold(), expected
    assert not re.search(r"N ?Á ?V ?R ?H", text)
