"""Catalogue and installed-item rules: what staff type in is checked before anything is stored."""

from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.catalogue import (
    Product,
    parse_flag,
    validate_price_list_fields,
    validate_product_fields,
)
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.items import Item, serial_claim, validate_item_fields

TODAY = date(2026, 11, 23)
PRODUCT = {"code": "hp-200", "name": "Heat pump 200", "unit": "pc", "stocked": "on"}
ITEM = {"product_id": "p1", "serial": "sn-0001", "owner_id": "c1", "install_date": "2026-11-23"}


def test_a_product_gets_defaults_and_keeps_what_was_typed() -> None:
    fields = validate_product_fields({**PRODUCT, "vendor": " Vaillant "})
    assert fields["code"] == "hp-200" and fields["kind"] == "product" and fields["stocked"] is True
    assert fields["vendor"] == "Vaillant" and fields["tax_category"] == "standard"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": " "}, "code", "code is required"),
        ({"code": "--"}, "code", "letters or digits"),
        ({"name": ""}, "name", "name is required"),
        ({"kind": "gadget"}, "kind", "product, service"),
        ({"unit": "box"}, "unit", "pc, h, day"),
        ({"kind": "service", "stocked": "yes"}, "stocked", "a service cannot be stocked"),
        ({"stocked": "maybe"}, "stocked", "yes or no"),
        ({"tax_category": "Standard Rate"}, "tax_category", "lower-case code"),
        ({"name": "x" * 201}, "name", "at most 200"),
        ({"code": 12}, "code", "must be text"),
    ],
)
def test_bad_products_are_refused_naming_the_field(change, field: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        validate_product_fields({**PRODUCT, **change})
    assert raised.value.field == field


def test_a_service_is_never_stocked_by_default() -> None:
    assert validate_product_fields({**PRODUCT, "kind": "service", "stocked": ""})["stocked"] is False


@pytest.mark.parametrize(("value", "flag"), [(True, True), ("on", True), ("No", False), (None, False)])
def test_flags(value, flag: bool) -> None:
    assert parse_flag(value, "stocked") is flag


def test_product_codes_are_unique_in_their_normal_form() -> None:
    a = Product(id="a", created_at=datetime.now(UTC), active=True, **validate_product_fields(PRODUCT))
    b = Product(
        id="b",
        created_at=datetime.now(UTC),
        active=True,
        **validate_product_fields({**PRODUCT, "code": "HP 200"}),
    )
    assert set(a.claims()) == set(b.claims()) == {"product/code/HP200"}
    assert "product/code/HP200" in a.lookup_keys()


def test_price_lists_need_a_name_and_an_iso_currency() -> None:
    assert validate_price_list_fields({"name": "Retail", "currency": "eur"})["currency"] == "EUR"
    with pytest.raises(ValidationError) as raised:
        validate_price_list_fields({"name": "Retail", "currency": "euro"})
    assert raised.value.field == "currency"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"serial": ""}, "serial", "serial is required"),
        ({"serial": " / "}, "serial", "letters or digits"),
        ({"product_id": ""}, "product_id", "product_id is required"),
        ({"owner_id": ""}, "owner_id", "owner_id is required"),
        ({"install_date": "2026-11-24"}, "install_date", "in the future"),
        ({"install_date": "23.11.2026"}, "install_date", "not a date"),
        ({"install_date": "2026-02-30"}, "install_date", "not a date"),
    ],
)
def test_bad_items_are_refused_naming_the_field(change, field: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        validate_item_fields({**ITEM, **change}, TODAY)
    assert raised.value.field == field


def test_an_item_is_found_by_serial_and_listed_under_its_owner_and_address() -> None:
    fields = validate_item_fields({**ITEM, "install_address_id": "a1", "external_id": "x-9"}, TODAY)
    item = Item(id="i1", created_at=datetime.now(UTC), **fields)
    assert item.lookup_keys() == {
        "item/serial/SN0001",
        "item/ext/X9",
        "uses/customer#c1",
        "uses/address#a1",
    }
    assert set(item.claims()) == {serial_claim("p1", "SN 0001")} == {"item/serial/p1/SN0001"}
    assert "SN-0001" not in item.claims("product HP-200")["item/serial/p1/SN0001"]
    assert "product HP-200" in item.claims("product HP-200")["item/serial/p1/SN0001"]
