"""Bulk work on contracts (S3) against DynamoDB Local: moves, co-terms, splits, merges, mass price updates."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from botocore.client import BaseClient

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.services import apply_price_update, bulk_contracts
from chalicelib.services.change_contract import change_contract
from chalicelib.services.coterminate_contracts import coterminate_contracts
from chalicelib.services.manage_catalogue import create_price_list, create_product, set_price
from chalicelib.services.manage_contracts import create_contract
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_items import register_item
from chalicelib.services.manage_templates import create_template
from chalicelib.services.mass_price_update import preview
from chalicelib.services.move_contract_lines import move_lines
from chalicelib.services.move_contract_lines import plan as plan_move
from chalicelib.services.restructure_contracts import merge_contracts, split_contract
from chalicelib.services.undo_price_update import undo
from chalicelib.store import audit, bulk_operations, contracts, visits

# Mid-January in Bratislava; the contracts started on Jan 1 and January is invoiced (in advance).
JAN_16 = datetime(2027, 1, 16, 9, 0, tzinfo=UTC)
LATER = JAN_16 + timedelta(hours=2)


def _customer(name: str) -> object:
    return create_customer(
        {"name": name, "country": "SK", "currency": "EUR", "timezone": "Europe/Bratislava"},
        actor=SYSTEM,
        now=JAN_16,
    )


@pytest.fixture
def world():
    care = create_product(
        {"code": "CARE", "name": "Boiler care", "vendor": "Vaillant", "distributor": "Heat Distribution"},
        actor=SYSTEM,
        now=JAN_16,
    )
    pump = create_product(
        {"code": "PUMP", "name": "Pump check", "vendor": "Bosch", "distributor": "Heat Distribution"},
        actor=SYSTEM,
        now=JAN_16,
    )
    eur = create_price_list({"name": "Standard EUR", "currency": "EUR"}, actor=SYSTEM, now=JAN_16)
    set_price(care.id, eur.id, amount="31.00", actor=SYSTEM, now=JAN_16)
    set_price(pump.id, eur.id, amount="10.10", actor=SYSTEM, now=JAN_16)
    acme, other = _customer("Acme"), _customer("Other")
    item = register_item(
        {"product_id": care.id, "owner_id": acme.id, "serial": "SN-1"}, actor=SYSTEM, now=JAN_16
    )
    template = create_template(
        {
            "name": "Care yearly",
            "currency": "EUR",
            "period": "monthly",
            "term_periods": 12,
            "service_every_months": 6,
        },
        actor=SYSTEM,
        now=JAN_16,
    )
    return {
        "care": care,
        "pump": pump,
        "eur": eur,
        "acme": acme,
        "other": other,
        "item": item,
        "template": template,
    }


def _contract(world, lines=None, customer="acme", **extra):
    data = {
        "customer_id": world[customer].id,
        "template_id": world["template"].id,
        "price_list_id": world["eur"].id,
        "start_date": "2027-01-01",
        "billed_until": "2027-02-01",
        "lines": lines or [{"product_id": world["care"].id, "quantity": "2"}],
        "activate": True,
        **extra,
    }
    return create_contract(data, actor=SYSTEM, now=JAN_16)


def _line(world, product="care", quantity="1", **extra):
    return {"product_id": world[product].id, "quantity": quantity, **extra}


# --- moving lines ---------------------------------------------------------------------------------


def test_lines_move_with_their_items_and_both_sides_are_settled_in_one_save(world) -> None:
    source = _contract(world, [_line(world, quantity="2", item_ids=[world["item"].id])])
    target = _contract(world, [_line(world, "pump")])
    picked = [{"contract_id": source.id, "line_id": source.lines[0].id}]
    op, saved = move_lines(
        {"target_contract_id": target.id, "lines": picked, "when": "now"}, actor=SYSTEM, now=JAN_16
    )
    after_target, after_source = contracts.get(target.id), contracts.get(source.id)
    assert [c.version for c in saved] == [2, 2] == [after_target.version, after_source.version]
    # 2 x 31.00 a month; 16 of January's 31 days were invoiced on the source and now run on the target.
    assert [a.amount_minor for a in after_source.adjustments] == [-3200]
    assert [a.amount_minor for a in after_target.adjustments] == [3200]
    [ended] = after_source.lines
    assert (ended.end, ended.item_ids) == (date(2027, 1, 16), ())
    moved = after_target.lines[-1]
    assert (moved.start, moved.quantity, moved.item_ids) == (
        date(2027, 1, 16),
        Decimal(2),
        (world["item"].id,),
    )
    assert after_target.period_amount(date(2027, 2, 1)) == 6200 + 1010
    # The item's visits follow it to the target.
    assert [v.item_id for v in visits.of_contract(target.id)] == [world["item"].id]
    assert visits.of_contract(source.id) == []
    assert bulk_operations.get(op.id).kind == "move_lines"
    assert {e.action for e in audit.for_entity("contract", source.id)} == {
        "contract.created",
        "contract.lines_moved_out",
    }


def test_a_move_at_period_end_settles_nothing(world) -> None:
    source = _contract(world)
    target = _contract(world, [_line(world, "pump")])
    picked = [{"contract_id": source.id, "line_id": source.lines[0].id}]
    planned = plan_move({"target_contract_id": target.id, "lines": picked, "when": "period_end"}, JAN_16)
    assert [s.adjustments for s in planned.steps] == [(), ()]
    assert planned.steps[0].after.lines[-1].start == date(2027, 2, 1)


def test_a_version_conflict_on_one_contract_leaves_every_contract_unchanged(world) -> None:
    source = _contract(world)
    target = _contract(world, [_line(world, "pump")])
    picked = [{"contract_id": source.id, "line_id": source.lines[0].id}]
    planned = plan_move({"target_contract_id": target.id, "lines": picked, "when": "now"}, JAN_16)
    change_contract(  # someone changes the target after the plan was made
        target.id,
        "quantity",
        {"line_id": target.lines[0].id, "quantity": "3"},
        version=1,
        actor=SYSTEM,
        now=JAN_16,
    )
    with pytest.raises(Conflict):
        bulk_contracts.save(planned, SYSTEM, JAN_16)
    assert contracts.get(source.id) == source
    assert contracts.get(target.id).version == 2 and contracts.get(target.id).lines[-1].quantity == 3
    assert bulk_operations.recent() == []
    # A version the user saw that is no longer current is refused up front too.
    with pytest.raises(Conflict):
        move_lines(
            {"target_contract_id": target.id, "lines": picked, "versions": {target.id: 1}},
            actor=SYSTEM,
            now=JAN_16,
        )


@pytest.mark.parametrize("field", ["customer_id", "currency"])
def test_lines_only_move_between_contracts_of_one_customer_and_currency(world, field) -> None:
    source = _contract(world)
    if field == "customer_id":
        target = _contract(world, [_line(world, "pump")], customer="other")
    else:
        target = _contract(
            world, [_line(world, "pump", unit_price_minor=900)], currency="USD", price_list_id=""
        )
    picked = [{"contract_id": source.id, "line_id": source.lines[0].id}]
    with pytest.raises(ValidationError) as error:
        move_lines({"target_contract_id": target.id, "lines": picked}, actor=SYSTEM, now=JAN_16)
    assert error.value.field == field
    assert contracts.get(source.id) == source and contracts.get(target.id) == target


def test_more_contracts_than_one_transaction_holds_are_refused() -> None:
    picked = [{"contract_id": f"c{i}", "line_id": "l"} for i in range(31)]
    with pytest.raises(ValidationError, match="at most 30 contracts") as error:
        plan_move({"target_contract_id": "t", "lines": picked}, JAN_16)
    assert error.value.field == "lines"
    with pytest.raises(ValidationError) as error:
        coterminate_contracts({"contract_ids": [f"c{i}" for i in range(31)]}, actor=SYSTEM, now=JAN_16)
    assert error.value.field == "contract_ids"


# --- co-terming, split, merge ---------------------------------------------------------------------


def test_three_contracts_co_term_to_an_earlier_end_with_credits(world) -> None:
    first = _contract(world)  # runs to 2028-01-01
    second = _contract(world, [_line(world)], end_date="2027-07-01")
    third = _contract(world, [_line(world, "pump")], start_date="2027-01-10", billed_until="2027-01-10")
    op, saved = coterminate_contracts(
        {"contract_ids": [first.id, second.id, third.id], "end_date": "2027-01-20"}, actor=SYSTEM, now=JAN_16
    )
    assert [c.end_date for c in saved] == [date(2027, 1, 20)] * 3
    # Invoiced until Feb 1: 12 of 31 days come back (2 x 31.00 and 1 x 31.00); the third was not invoiced.
    assert [sum(a.amount_minor for a in contracts.get(c.id).adjustments) for c in (first, second, third)] == [
        -2400,
        -1200,
        0,
    ]
    assert all(line.end == date(2027, 1, 20) for line in contracts.get(first.id).lines)
    assert op.kind == "coterminate" and [o.id for o in bulk_operations.recent()] == [op.id]


def test_co_terming_without_a_date_extends_to_the_latest_end(world) -> None:
    first = _contract(world, end_date="2027-07-01")
    second = _contract(world, end_date="2027-10-01")
    third = _contract(world)
    _op, saved = coterminate_contracts(
        {"contract_ids": [first.id, second.id, third.id]}, actor=SYSTEM, now=JAN_16
    )
    assert [c.id for c in saved] == [first.id, second.id]  # the third already ends then
    assert {c.end_date for c in saved} == {date(2028, 1, 1)}
    extended = contracts.get(first.id)
    assert extended.lines_on(date(2027, 12, 31)) and extended.adjustments == ()
    with pytest.raises(ValidationError) as error:
        coterminate_contracts(
            {"contract_ids": [first.id, third.id], "end_date": "2027-01-02"}, actor=SYSTEM, now=JAN_16
        )
    assert error.value.field == "end_date"


def test_split_moves_lines_to_a_new_contract_of_the_same_customer_and_terms(world) -> None:
    source = _contract(world, [_line(world, quantity="2", item_ids=[world["item"].id]), _line(world, "pump")])
    pump_line = source.lines[1]
    op, (after, created) = split_contract(
        {"contract_id": source.id, "line_ids": [pump_line.id], "when": "now"}, actor=SYSTEM, now=JAN_16
    )
    assert (created.customer_id, created.template_id, created.terms) == (
        source.customer_id,
        source.template_id,
        source.terms,
    )
    assert (created.start_date, created.billed_until, created.end_date) == (
        date(2027, 1, 16),
        date(2027, 1, 16),
        source.end_date,
    )
    assert created.status is Status.ACTIVE and created.version == 1
    assert [(line.description, line.start) for line in created.lines] == [("Pump check", None)]
    # The source gives back 16 of 31 invoiced days of 10.10; the new contract bills from Jan 16 itself.
    assert [a.amount_minor for a in after.adjustments] == [-521]
    assert after.lines_on(date(2027, 1, 16)) == [source.lines[0]]
    assert contracts.get(created.id) == created and op.kind == "split"
    with pytest.raises(ValidationError) as error:
        split_contract({"contract_id": source.id, "line_ids": [source.lines[0].id]}, actor=SYSTEM, now=LATER)
    assert error.value.field == "line_ids"  # the last running line stays


def test_merge_moves_every_running_line_and_cancels_the_others(world) -> None:
    keep = _contract(world, [_line(world, "pump")])
    second = _contract(world, [_line(world, item_ids=[world["item"].id])])
    third = _contract(world, [_line(world, "pump", quantity="2")])
    op, saved = merge_contracts(
        {"target_contract_id": keep.id, "contract_ids": [second.id, third.id], "when": "now"},
        actor=SYSTEM,
        now=JAN_16,
    )
    merged, closed_second, closed_third = (contracts.get(c.id) for c in (keep, second, third))
    assert [line.description for line in merged.lines_on(date(2027, 2, 1))] == [
        "Pump check",
        "Boiler care",
        "Pump check",
    ]
    for closed in (closed_second, closed_third):
        assert closed.status is Status.CANCELLED and closed.end_date == date(2027, 1, 16)
        assert (closed.cancellation.reason, closed.cancellation.note) == (
            "other",
            f"merged into {keep.number}",
        )
    # Credits on the closed ones, the same charges on the one that goes on.
    assert [sum(a.amount_minor for a in c.adjustments) for c in (closed_second, closed_third)] == [
        -1600,
        -1043,
    ]
    assert sum(a.amount_minor for a in merged.adjustments) == 1600 + 1043
    assert merged.lines[-2].item_ids == (world["item"].id,)
    assert len(saved) == 3 and op.kind == "merge"


# --- mass price update ----------------------------------------------------------------------------


@pytest.fixture
def priced(world):
    """Two EUR contracts (one on the price list) and one in USD, all with Vaillant's CARE."""
    k1 = _contract(world, [_line(world, quantity="2"), _line(world, "pump")])
    k2 = _contract(world, [_line(world, unit_price_minor=3100)], price_list_id="")
    k3 = _contract(world, [_line(world, unit_price_minor=1000)], currency="USD", price_list_id="")
    return {**world, "k1": k1, "k2": k2, "k3": k3}


def _rows(found):
    return [(r.contract_id, r.description, r.old_price, r.new_price, r.difference) for r in found.rows]


def test_a_percent_preview_lists_every_line_with_totals_per_currency(priced) -> None:
    found = preview({"vendor": "vaillant", "percent": "+5"}, JAN_16)
    k1, k2, k3 = priced["k1"], priced["k2"], priced["k3"]
    assert sorted(_rows(found)) == sorted(
        [
            (k1.id, "Boiler care", 3100, 3255, 310),
            (k2.id, "Boiler care", 3100, 3255, 155),
            (k3.id, "Boiler care", 1000, 1050, 50),
        ]
    )
    assert found.totals() == {
        "EUR": {"contracts": 2, "lines": 2, "old_minor": 9300, "new_minor": 9765, "difference_minor": 465},
        "USD": {"contracts": 1, "lines": 1, "old_minor": 1000, "new_minor": 1050, "difference_minor": 50},
    }
    assert {r.customer_name for r in found.rows} == {"Acme"} and {r.product_code for r in found.rows} == {
        "CARE"
    }
    assert {r.day for r in found.rows} == {date(2027, 2, 1)}  # at period end unless asked otherwise
    assert contracts.get(k1.id) == k1  # a preview saves nothing


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"percent": "5"}, 1061),  # 1060.5 rounds half up
        ({"percent": "-5"}, 960),  # 959.5 rounds half up
        ({"percent": "2.5%"}, 1035),  # 1035.25
        ({"percent": "-100"}, 0),
        ({"amount_minor": 150}, 1160),
        ({"amount_minor": "-2000"}, 0),  # never below 0
    ],
)
def test_new_prices_round_half_up_to_whole_minor_units(priced, change, expected) -> None:
    found = preview({"product_id": priced["pump"].id, **change}, JAN_16)
    assert [(r.old_price, r.new_price) for r in found.rows] == [(1010, expected)]


def test_filters_combine(priced) -> None:
    k1 = priced["k1"]
    on_list = preview({"price_list_id": priced["eur"].id, "amount_minor": 100}, JAN_16)
    assert sorted((r.contract_id, r.description) for r in on_list.rows) == sorted(
        [(k1.id, "Boiler care"), (k1.id, "Pump check")]
    )
    both = preview({"price_list_id": priced["eur"].id, "vendor": "Vaillant", "amount_minor": 100}, JAN_16)
    assert [(r.contract_id, r.description) for r in both.rows] == [(k1.id, "Boiler care")]
    by_distributor = preview({"distributor": "heat  distribution", "currency": "eur", "percent": "1"}, JAN_16)
    assert len(by_distributor.rows) == 3


def _care_price(contract, day):
    [line] = [x for x in contract.lines_on(day) if x.description == "Boiler care"]
    return line.unit_price_minor


def _count_requests(monkeypatch) -> Counter:
    counted: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(client, operation, params):
        if client.meta.service_model.service_name == "dynamodb":
            counted[operation] += 1
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return counted


def test_apply_writes_each_contract_with_one_transaction_and_settles_invoiced_time(
    priced, monkeypatch
) -> None:
    data = {"vendor": "Vaillant", "percent": "5", "when": "now"}
    found = preview(data, JAN_16)
    counted = _count_requests(monkeypatch)
    done = apply_price_update.apply(data, fingerprint=found.fingerprint, actor=SYSTEM, now=LATER)
    assert (done.contracts, done.lines, done.conflicts) == (3, 3, ())
    assert counted["TransactWriteItems"] == 3
    assert counted["PutItem"] == 2  # the operation's header: "applying", then "applied"
    assert not {"BatchWriteItem", "UpdateItem", "DeleteItem"} & set(counted)
    k1 = contracts.get(priced["k1"].id)
    assert k1.version == 2 and _care_price(k1, date(2027, 1, 16)) == 3255
    assert _care_price(k1, date(2027, 1, 15)) == 3100
    # 16 of 31 invoiced days of 2 x 31.00 come back; the same days at 2 x 32.55 are charged.
    assert [a.amount_minor for a in k1.adjustments] == [-3200, 3360]
    op = bulk_operations.get(done.operation.id)
    assert (op.status, op.report["contracts"], op.totals["EUR"]["difference_minor"]) == ("applied", 3, 465)
    assert len(bulk_operations.parts(op.id)) == 3
    assert contracts.versions(k1.id)[0]["action"] == "contract.bulk_price"


def test_a_contract_changed_between_preview_and_apply_is_reported_and_nothing_is_applied(priced) -> None:
    data = {"vendor": "Vaillant", "percent": "5"}
    found = preview(data, JAN_16)
    k2 = priced["k2"]
    change_contract(
        k2.id,
        "quantity",
        {"line_id": k2.lines[0].id, "quantity": "4"},
        version=1,
        actor=SYSTEM,
        now=JAN_16 + timedelta(hours=1),
    )
    with pytest.raises(Conflict, match=k2.number) as error:
        apply_price_update.apply(
            data, fingerprint=found.fingerprint, previewed_at=found.previewed_at, actor=SYSTEM, now=LATER
        )
    assert error.value.field == "fingerprint"
    assert contracts.get(priced["k1"].id) == priced["k1"] and contracts.get(k2.id).version == 2
    assert bulk_operations.recent() == []


def test_a_contract_changed_while_applying_is_reported_not_overwritten(priced, monkeypatch) -> None:
    data = {"vendor": "Vaillant", "percent": "5", "when": "now"}
    stale = preview(data, JAN_16, names=False)
    k2 = priced["k2"]
    changed = change_contract(
        k2.id, "quantity", {"line_id": k2.lines[0].id, "quantity": "4"}, version=1, actor=SYSTEM, now=JAN_16
    ).after
    # As if the change landed between apply's own planning and its writes.
    monkeypatch.setattr(apply_price_update, "preview", lambda *a, **k: stale)
    done = apply_price_update.apply(data, fingerprint=stale.fingerprint, actor=SYSTEM, now=LATER)
    assert (done.contracts, done.conflicts) == (2, (k2.number,))
    assert contracts.get(k2.id) == changed
    assert bulk_operations.get(done.operation.id).report["conflicts"] == [k2.number]


def test_undo_puts_old_prices_back_and_skips_lines_changed_since(priced) -> None:
    data = {"vendor": "Vaillant", "percent": "5", "when": "now"}
    found = preview(data, JAN_16)
    done = apply_price_update.apply(data, fingerprint=found.fingerprint, actor=SYSTEM, now=JAN_16)
    k2 = contracts.get(priced["k2"].id)
    new_line = k2.lines_on(date(2027, 1, 20))[0]
    change_contract(
        k2.id,
        "price",
        {"line_id": new_line.id, "unit_price_minor": 3500, "when": "now"},
        version=k2.version,
        actor=SYSTEM,
        now=LATER,
    )
    undone = undo(done.operation.id, actor=SYSTEM, now=LATER)
    assert (undone.contracts, undone.lines, undone.conflicts) == (2, 2, ())
    [skipped] = undone.skipped
    assert (skipped["contract"], skipped["reason"]) == (k2.number, "the price was changed since (now 3500)")
    k1 = contracts.get(priced["k1"].id)
    assert _care_price(k1, date(2027, 1, 16)) == _care_price(k1, date(2027, 3, 1)) == 3100
    assert sum(a.amount_minor for a in k1.adjustments) == 0  # the undo's settlement cancels the apply's
    assert contracts.get(priced["k3"].id).lines_on(date(2027, 2, 1))[0].unit_price_minor == 1000
    assert contracts.get(k2.id).lines_on(date(2027, 2, 1))[0].unit_price_minor == 3500  # left alone
    assert bulk_operations.get(done.operation.id).status == "undone"
    with pytest.raises(Conflict, match="already undone"):
        undo(done.operation.id, actor=SYSTEM, now=LATER)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"vendor": "Vaillant", "percent": "-101"}, "percent"),
        ({"vendor": "Vaillant", "percent": "lots"}, "percent"),
        ({"vendor": "Vaillant", "percent": "5", "amount_minor": 5}, "percent"),
        ({"vendor": "Vaillant", "amount_minor": "1.5"}, "amount_minor"),
        ({"vendor": "Vaillant"}, "percent"),
        ({"percent": "5"}, "filters"),
        ({"vendor": "Nobody", "percent": "5"}, "vendor"),
        ({"product_id": "nope", "percent": "5"}, "product_id"),
        ({"price_list_id": "nope", "percent": "5"}, "price_list_id"),
        (
            {"vendor": "Vaillant", "percent": "5", "when": "date", "effective_date": "2027-13-01"},
            "effective_date",
        ),
        ({"vendor": "Vaillant", "percent": "5", "when": "date"}, "effective_date"),
        ({"vendor": "Vaillant", "percent": "5", "when": "someday"}, "when"),
        ({"vendor": 5, "percent": "5"}, "vendor"),
    ],
)
def test_bad_price_updates_name_the_field(priced, data, field) -> None:
    with pytest.raises(ValidationError) as error:
        preview(data, JAN_16)
    assert error.value.field == field
    with pytest.raises(ValidationError):
        apply_price_update.apply(data, fingerprint="x", actor=SYSTEM, now=JAN_16)
    assert contracts.get(priced["k1"].id) == priced["k1"]
