"""Products, price lists and prices against DynamoDB Local: unique codes, audited changes, exact money."""

from datetime import timedelta

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.services.manage_catalogue import (
    create_price_list,
    create_product,
    deactivate_product,
    set_price,
    update_product,
)
from chalicelib.store import audit, price_lists, products, records
from tests.service.conftest import NOW

HEAT_PUMP = {"code": "HP-200", "name": "Heat pump 200", "unit": "pc", "vendor": "Vaillant", "stocked": "yes"}


def test_a_product_is_stored_found_by_code_and_name_and_audited() -> None:
    product = create_product({**HEAT_PUMP, "external_id": "erp-17"}, actor=SYSTEM, now=NOW)
    create_product(
        {"code": "SRV-1", "name": "Service visit", "kind": "service", "unit": "h"}, actor=SYSTEM, now=NOW
    )
    assert products.get(product.id) == product and product.stocked and product.active
    assert products.find_by_code("hp 200") == product
    assert records.refs("product/ext/ERP17") == [product.ref]
    found, cursor = products.page(prefix="HEAT")
    assert [p.id for p in found] == [product.id] and cursor is None
    assert [p.name for p in products.page()[0]] == ["Heat pump 200", "Service visit"]
    [entry] = audit.for_entity("product", product.id)
    assert entry.action == "product.created" and entry.after and entry.after["code"] == "HP-200"


def test_a_duplicate_code_in_any_spelling_is_a_conflict_naming_it_and_leaves_nothing() -> None:
    create_product(HEAT_PUMP, actor=SYSTEM, now=NOW)
    with pytest.raises(Conflict, match="product code hp 200 is already used"):
        create_product({**HEAT_PUMP, "code": "hp 200", "name": "Copy"}, actor=SYSTEM, now=NOW)
    assert [p.name for p in products.page()[0]] == ["Heat pump 200"]


def test_changing_the_code_moves_the_claim_and_lookup() -> None:
    product = create_product(HEAT_PUMP, actor=SYSTEM, now=NOW)
    changed = update_product(product.id, {"code": "HP-210", "name": "Heat pump 210"}, actor=SYSTEM, now=NOW)
    assert changed.code == "HP-210" and changed.vendor == "Vaillant"
    assert records.owner_of("product/code/HP200") is None and records.refs("product/code/HP200") == []
    assert records.owner_of("product/code/HP210") == product.ref
    again = create_product(HEAT_PUMP, actor=SYSTEM, now=NOW)  # the old code is free again
    with pytest.raises(Conflict):
        update_product(changed.id, {"code": "HP-200"}, actor=SYSTEM, now=NOW)
    assert products.find_by_code("HP-200") == again and products.get(changed.id) == changed
    assert [e.action for e in audit.for_entity("product", product.id)].count("product.updated") == 1


def test_update_validates_like_create_and_deactivation_is_audited() -> None:
    product = create_product(HEAT_PUMP, actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationError) as raised:
        update_product(product.id, {"kind": "service"}, actor=SYSTEM, now=NOW)  # still stocked
    assert raised.value.field == "stocked"
    assert not deactivate_product(product.id, actor=SYSTEM, now=NOW + timedelta(seconds=1)).active
    assert not products.get(product.id).active
    assert audit.for_entity("product", product.id)[0].action == "product.deactivated"
    with pytest.raises(NotFound):
        update_product("nope", {"name": "x"}, actor=SYSTEM, now=NOW)


def test_prices_are_kept_per_price_list_in_its_currency_as_integers() -> None:
    product = create_product(HEAT_PUMP, actor=SYSTEM, now=NOW)
    retail = create_price_list({"name": "Retail", "currency": "eur"}, actor=SYSTEM, now=NOW)
    japan = create_price_list({"name": "Japan", "currency": "JPY"}, actor=SYSTEM, now=NOW)
    assert [p.name for p in price_lists.list_all()] == ["Japan", "Retail"]
    set_price(product.id, retail.id, amount="1 234,50", actor=SYSTEM, now=NOW)
    set_price(product.id, japan.id, amount_minor=150000, actor=SYSTEM, now=NOW)
    prices = {p.price_list_id: (p.currency, p.amount_minor) for p in price_lists.prices_of(product.id)}
    assert prices == {retail.id: ("EUR", 123450), japan.id: ("JPY", 150000)}
    set_price(product.id, retail.id, amount="1299.00", actor=SYSTEM, now=NOW + timedelta(seconds=1))
    assert price_lists.price(product.id, retail.id).amount_minor == 129900  # type: ignore[union-attr]
    entry = audit.for_entity("product", product.id)[0]
    assert entry.action == "product.price_set" and entry.before == {
        "price_list_id": retail.id,
        "amount": "1234.50",
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": "12.345"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"amount_minor": 12.5}, "amount_minor"),
        ({"amount_minor": "1250"}, "amount_minor"),
        ({"amount": "1", "amount_minor": 100}, "amount"),
    ],
)
def test_bad_prices_are_refused_and_nothing_is_written(kwargs, field: str) -> None:
    product = create_product(HEAT_PUMP, actor=SYSTEM, now=NOW)
    retail = create_price_list({"name": "Retail", "currency": "EUR"}, actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationError) as raised:
        set_price(product.id, retail.id, actor=SYSTEM, now=NOW, **kwargs)
    assert raised.value.field == field
    assert price_lists.prices_of(product.id) == []


def test_a_price_needs_an_existing_product_and_list() -> None:
    product = create_product(HEAT_PUMP, actor=SYSTEM, now=NOW)
    with pytest.raises(NotFound, match="no price list"):
        set_price(product.id, "missing", amount="1", actor=SYSTEM, now=NOW)
    with pytest.raises(NotFound, match="no product"):
        set_price("missing", "missing", amount="1", actor=SYSTEM, now=NOW)
