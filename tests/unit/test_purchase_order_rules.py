"""Purchase order rules (S13): checked fields, the status moves, line amounts and the lines an order gives."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.domain.catalogue import Product
from chalicelib.domain.contracts import Line
from chalicelib.domain.document_labels import LOCALES, labels
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.purchase_orders import (
    PurchaseLine,
    PurchaseOrder,
    PurchaseOrderStatus,
    check_fields,
    ensure_costed,
    ensure_draft,
    move,
    stock_lines,
)

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
LINE = {"product_id": "p1", "description": "Boiler", "quantity": "2", "unit_cost": "1 234,50"}


def _data(**changes):
    return {"vendor_id": "v1", "currency": "EUR", "lines": [LINE], **changes}


def test_fields_are_checked_and_money_is_minor_units() -> None:
    fields = check_fields(_data(expected_date="2027-04-01", delivery_notes=" ring at gate "))
    assert fields.currency == "EUR" and fields.expected_date == date(2027, 4, 1)
    assert fields.delivery_notes == "ring at gate"
    (line,) = fields.lines
    assert line.quantity == Decimal(2) and line.unit_cost_minor == 123450


def test_currency_defaults_to_the_vendors() -> None:
    assert check_fields(_data(currency=""), "CZK").currency == "CZK"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"vendor_id": ""}, "vendor_id"),
        ({"lines": []}, "lines"),
        ({"lines": "nope"}, "lines"),
        ({"currency": "EUD"}, "currency"),
        ({"expected_date": "2027-02-30"}, "expected_date"),
        ({"lines": [{**LINE, "quantity": "0"}]}, "lines[0].quantity"),
        ({"lines": [{**LINE, "quantity": "-1"}]}, "lines[0].quantity"),
        ({"lines": [{**LINE, "quantity": "lots"}]}, "lines[0].quantity"),
        ({"lines": [{**LINE, "quantity": ""}]}, "lines[0].quantity"),
        ({"lines": [LINE, {**LINE, "unit_cost": "12.345"}]}, "lines[1].unit_cost"),
        ({"lines": [{**LINE, "unit_cost": "ten"}]}, "lines[0].unit_cost"),
        ({"lines": [{**LINE, "unit_cost": "-5"}]}, "lines[0].unit_cost"),
        ({"lines": [{"quantity": "1", "unit_cost": "1"}]}, "lines[0].description"),
        ({"delivery_notes": "x" * 1001}, "delivery_notes"),
    ],
)
def test_bad_input_names_the_field(changes, field) -> None:
    with pytest.raises(ValidationError) as caught:
        check_fields(_data(**changes))
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        (PurchaseOrderStatus.DRAFT, "send", PurchaseOrderStatus.SENT),
        (PurchaseOrderStatus.SENT, "receive", PurchaseOrderStatus.RECEIVED),
        (PurchaseOrderStatus.DRAFT, "cancel", PurchaseOrderStatus.CANCELLED),
        (PurchaseOrderStatus.SENT, "cancel", PurchaseOrderStatus.CANCELLED),
    ],
)
def test_allowed_moves(status, action, after) -> None:
    assert move(status, action) is after


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (PurchaseOrderStatus.DRAFT, "receive"),
        (PurchaseOrderStatus.SENT, "send"),
        (PurchaseOrderStatus.RECEIVED, "cancel"),
        (PurchaseOrderStatus.CANCELLED, "send"),
        (PurchaseOrderStatus.DRAFT, "bogus"),
    ],
)
def test_refused_moves_are_conflicts(status, action) -> None:
    with pytest.raises(Conflict):
        move(status, action)


def _po(**changes) -> PurchaseOrder:
    lines = (PurchaseLine("p1", "Boiler", Decimal("1.5"), 333), PurchaseLine("", "Valve", Decimal(2), 1050))
    return PurchaseOrder(
        **{
            "id": "abcdef0123",
            "vendor_id": "v1",
            "currency": "EUR",
            "lines": lines,
            "created_at": NOW,
            **changes,
        }
    )


def test_totals_round_each_line_half_up_and_a_draft_has_no_number() -> None:
    po = _po()
    assert [line.amount_minor for line in po.lines] == [500, 2100] and po.total_minor == 2600
    assert po.label == "draft ABCDEF01" and po.actions == ["send", "cancel"]
    assert _po(status=PurchaseOrderStatus.SENT, number="PO-2027-00001").label == "PO-2027-00001"


def test_only_drafts_are_edited_and_only_costed_orders_sent() -> None:
    ensure_draft(_po())
    with pytest.raises(Conflict):
        ensure_draft(_po(status=PurchaseOrderStatus.SENT))
    ensure_costed(_po())
    with pytest.raises(ValidationError) as caught:
        ensure_costed(_po(lines=(PurchaseLine("p1", "Boiler", Decimal(1), 0),)))
    assert caught.value.field == "lines[0].unit_cost"


def _product(pid: str, kind: str = "product", vendor: str = "") -> Product:
    return Product(
        pid, pid.upper(), f"Name {pid}", kind, "", "pc", vendor, "", kind == "product", "", "", True, NOW
    )


def test_an_order_gives_its_stock_lines_that_this_vendor_may_supply() -> None:
    products = {
        "boiler": _product("boiler", vendor="Viessmann"),
        "valve": _product("valve"),
        "pump": _product("pump", vendor="Grundfos"),
        "filter": _product("filter", vendor="Viess"),
        "install": _product("install", kind="service"),
    }
    order_lines = [
        Line("l1", "boiler", "Boiler 24 kW", Decimal(2), 150000),
        Line("l2", "valve", "", Decimal(4), 900, unit="pc"),
        Line("l3", "pump", "Pump", Decimal(1), 20000),
        Line("l4", "install", "Installation", Decimal(3), 5000, unit="h"),
        Line("l5", "gone", "Unknown product", Decimal(1), 100),
        Line("l6", "filter", "Filter", Decimal(1), 100),
    ]
    found = stock_lines(order_lines, products, ["viessmann s.r.o. ", "VIE"])
    assert [(line.product_id, line.description, line.quantity, line.unit_cost_minor) for line in found] == [
        ("boiler", "Boiler 24 kW", Decimal(2), 0),
        ("valve", "Name valve", Decimal(4), 0),
    ]


def test_every_locale_has_the_purchase_order_words() -> None:
    for locale in LOCALES:
        words = labels(locale)
        assert "{number}" in words["purchase_order_mail"]
        assert all(words[k] for k in ("purchase_order", "vendor", "deliver_to", "unit_cost", "order_total"))
