"""Installed items against DynamoDB Local: serial unique per product, search by serial, owner moves."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.services.manage_addresses import create_address
from chalicelib.services.manage_catalogue import create_product, deactivate_product
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_items import register_item, transfer_item, update_item
from chalicelib.store import audit, items, records
from chalicelib.store.models import LookupModel, UniqueKeyModel
from tests.service.conftest import NOW


@pytest.fixture
def setup():
    boiler = create_product({"code": "B-1", "name": "Boiler"}, actor=SYSTEM, now=NOW)
    pump = create_product({"code": "P-1", "name": "Pump"}, actor=SYSTEM, now=NOW)
    acme = create_customer({"name": "Acme", "country": "SK", "currency": "EUR"}, actor=SYSTEM, now=NOW)
    beta = create_customer({"name": "Beta", "country": "SK", "currency": "EUR"}, actor=SYSTEM, now=NOW)
    return boiler, pump, acme, beta


def _item(product, owner, serial: str = "SN-1", **extra):
    data = {"product_id": product.id, "owner_id": owner.id, "serial": serial, **extra}
    return register_item(data, actor=SYSTEM, now=NOW)


def test_an_item_is_registered_with_its_keys_and_audit(setup) -> None:
    boiler, _pump, acme, _beta = setup
    address = create_address({"line1": "Main 1", "city": "Nitra", "country": "SK"}, actor=SYSTEM, now=NOW)
    item = _item(boiler, acme, install_address_id=address.id, install_date="2026-11-01", model="X200")
    assert items.get(item.id) == item and item.install_date == "2026-11-01"
    assert records.refs(f"uses/customer#{acme.id}") == [item.ref]
    assert records.refs(f"uses/address#{address.id}") == [item.ref]
    assert records.owner_of(f"item/serial/{boiler.id}/SN1") == item.ref
    assert items.of_owner(acme.id) == [item]
    assert audit.for_entity("item", item.id)[0].action == "item.registered"


def test_a_serial_is_unique_per_product_but_may_repeat_across_products(setup) -> None:
    boiler, pump, acme, beta = setup
    first = _item(boiler, acme, "SN-1")
    second = _item(pump, beta, "sn 1")
    with pytest.raises(Conflict, match="serial sn1 is already registered for product B-1"):
        _item(boiler, beta, "sn1")
    assert {i.id for i in items.by_serial("SN1")} == {first.id, second.id}
    assert items.by_serial("nothing") == [] and items.by_serial(" - ") == []


def test_eight_concurrent_registrations_of_one_serial_leave_exactly_one(setup) -> None:
    boiler, _pump, acme, _beta = setup

    def attempt(n: int) -> str:
        try:
            return _item(boiler, acme, "RACE-1", notes=str(n)).id
        except Conflict:
            return ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))
    winners = [r for r in results if r]
    assert len(winners) == 1
    assert [i.id for i in items.by_serial("RACE-1")] == winners
    assert [i.id for i in items.of_owner(acme.id)] == winners


def test_a_failed_registration_leaves_no_claim_or_lookup(setup) -> None:
    boiler, _pump, acme, beta = setup
    _item(boiler, acme, "SN-1")
    claims_before = {u.key for u in UniqueKeyModel.scan()}
    lookups_before = {(k.key, k.ref) for k in LookupModel.scan()}
    with pytest.raises(Conflict):
        _item(boiler, beta, "SN-1", external_id="EXT-1")
    with pytest.raises(ValidationError) as raised:
        register_item(
            {"product_id": boiler.id, "owner_id": "missing", "serial": "SN-2"}, actor=SYSTEM, now=NOW
        )
    assert raised.value.field == "owner_id"
    assert {u.key for u in UniqueKeyModel.scan()} == claims_before
    assert {(k.key, k.ref) for k in LookupModel.scan()} == lookups_before
    assert items.of_owner(beta.id) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner_id": "missing"}, "owner_id"),
        ({"product_id": "missing"}, "product_id"),
        ({"install_address_id": "missing"}, "install_address_id"),
        ({"install_date": (NOW + timedelta(days=1)).date().isoformat()}, "install_date"),
        ({"serial": ""}, "serial"),
    ],
)
def test_unknown_references_and_bad_fields_are_400s_naming_the_field(setup, change, field: str) -> None:
    boiler, _pump, acme, _beta = setup
    data = {"product_id": boiler.id, "owner_id": acme.id, "serial": "SN-9", **change}
    with pytest.raises(ValidationError) as raised:
        register_item(data, actor=SYSTEM, now=NOW)
    assert raised.value.field == field


def test_an_inactive_product_takes_no_new_items(setup) -> None:
    boiler, _pump, acme, _beta = setup
    deactivate_product(boiler.id, actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationError, match="no longer active"):
        _item(boiler, acme)


def test_transfer_moves_the_uses_key_and_the_owner_listing(setup) -> None:
    boiler, _pump, acme, beta = setup
    item = _item(boiler, acme)
    moved = transfer_item(item.id, beta.id, actor=SYSTEM, now=NOW + timedelta(seconds=1))
    assert moved.owner_id == beta.id
    assert records.refs(f"uses/customer#{acme.id}") == []
    assert records.refs(f"uses/customer#{beta.id}") == [item.ref]
    assert items.of_owner(acme.id) == [] and items.of_owner(beta.id) == [moved]
    assert audit.for_entity("item", item.id)[0].action == "item.transferred"
    with pytest.raises(ValidationError) as raised:
        transfer_item(item.id, "missing", actor=SYSTEM, now=NOW)
    assert raised.value.field == "owner_id"
    assert items.get(item.id).owner_id == beta.id


def test_changing_the_serial_moves_its_claim_and_lookup(setup) -> None:
    boiler, _pump, acme, _beta = setup
    item = _item(boiler, acme, "SN-1")
    update_item(item.id, {"serial": "SN-2", "model": "Z"}, actor=SYSTEM, now=NOW)
    assert items.by_serial("SN-1") == [] and [i.model for i in items.by_serial("SN-2")] == ["Z"]
    assert records.owner_of(f"item/serial/{boiler.id}/SN1") is None
    assert _item(boiler, acme, "SN-1").serial == "SN-1"  # the old serial is free again
