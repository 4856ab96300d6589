"""Contracts against DynamoDB Local: creation, changes with proration, versions, locking, lifecycle."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.services.change_contract import change_contract, plan
from chalicelib.services.manage_catalogue import create_price_list, create_product, set_price
from chalicelib.services.manage_contracts import change_status, create_contract
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_items import register_item
from chalicelib.services.manage_templates import create_template
from chalicelib.store import audit, contracts, visits
from chalicelib.store.models_contracts import ContractModel, ContractVersionModel

# Mid-January in Bratislava; the contract started on Jan 1 and January is invoiced (in advance).
JAN_16 = datetime(2027, 1, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def world():
    product = create_product(
        {"code": "CARE", "name": "Boiler care", "vendor": "Vaillant"}, actor=SYSTEM, now=JAN_16
    )
    eur = create_price_list({"name": "Standard EUR", "currency": "EUR"}, actor=SYSTEM, now=JAN_16)
    set_price(product.id, eur.id, amount="31.00", actor=SYSTEM, now=JAN_16)
    customer = create_customer(
        {
            "name": "Acme",
            "country": "SK",
            "currency": "EUR",
            "email": "ops@acme.test",
            "timezone": "Europe/Bratislava",
        },
        actor=SYSTEM,
        now=JAN_16,
    )
    item = register_item(
        {"product_id": product.id, "owner_id": customer.id, "serial": "SN-1"}, actor=SYSTEM, now=JAN_16
    )
    template = create_template(
        {
            "name": "Care yearly",
            "currency": "EUR",
            "period": "monthly",
            "term_periods": 12,
            "service_every_months": 6,
            "options": [
                {"code": "hotline", "label": "24h hotline", "price_minor": 900, "setup_fee_minor": 5000}
            ],
        },
        actor=SYSTEM,
        now=JAN_16,
    )
    return {"product": product, "eur": eur, "customer": customer, "item": item, "template": template}


def _contract(world, **extra):
    data = {
        "customer_id": world["customer"].id,
        "template_id": world["template"].id,
        "price_list_id": world["eur"].id,
        "start_date": "2027-01-01",
        "billed_until": "2027-02-01",
        "lines": [{"product_id": world["product"].id, "quantity": "2", "item_ids": [world["item"].id]}],
        "activate": True,
        **extra,
    }
    return create_contract(data, actor=SYSTEM, now=JAN_16)


def test_a_contract_takes_its_prices_from_the_price_list_and_its_terms_from_the_template(world) -> None:
    contract = _contract(world, options=["hotline"])
    assert contract.status is Status.ACTIVE and contract.version == 1
    line, option = contract.lines
    assert (line.unit_price_minor, line.quantity, line.item_ids) == (3100, Decimal(2), (world["item"].id,))
    assert (option.description, option.unit_price_minor) == ("24h hotline", 900)
    assert contract.end_date == date(2028, 1, 1) and contract.next_billing_date == date(2027, 2, 1)
    assert [(a.description, a.amount_minor) for a in contract.adjustments] == [
        ("Setup fee: 24h hotline", 5000)
    ]
    assert contracts.get(contract.id) == contract
    assert [c.id for c in contracts.of_customer(world["customer"].id)] == [contract.id]
    assert audit.for_entity("contract", contract.id)[0].action == "contract.created"
    # Service every 6 months for the item on its line: July 2027 (and January 2028 is past the end).
    assert [(v.item_id, v.due) for v in visits.of_contract(contract.id)] == [
        (world["item"].id, date(2027, 7, 1))
    ]


def test_an_upgrade_now_is_prorated_and_kept_as_a_new_version(world) -> None:
    contract = _contract(world)
    line = contract.lines[0]
    done = change_contract(
        contract.id, "quantity", {"line_id": line.id, "quantity": "3"}, version=1, actor=SYSTEM, now=JAN_16
    )
    # 31.00 a month per unit; 16 unused days of 31 in January: credit 32.00, charge 48.00.
    assert [a.amount_minor for a in done.adjustments] == [-3200, 4800]
    stored = contracts.get(contract.id)
    assert stored.version == 2 and stored.period_amount(date(2027, 2, 1)) == 9300
    assert stored.period_amount(date(2027, 1, 15)) == 6200
    history = contracts.versions(contract.id)
    assert [(h["version"], h["action"]) for h in history] == [
        (2, "contract.quantity"),
        (1, "contract.created"),
    ]
    assert contracts.version(contract.id, 1).lines == contract.lines
    # The item went on with the new line: its visits stay planned.
    assert [v.item_id for v in visits.of_contract(contract.id)] == [world["item"].id]


def test_the_contract_as_known_at_an_earlier_instant(world) -> None:
    contract = _contract(world)
    later = JAN_16 + timedelta(hours=2)
    change_contract(
        contract.id,
        "price",
        {"line_id": contract.lines[0].id, "unit_price_minor": 4000},
        version=1,
        actor=SYSTEM,
        now=later,
    )
    assert contracts.known_at(contract.id, JAN_16 + timedelta(hours=1)).lines == contract.lines
    assert contracts.known_at(contract.id, later).lines[-1].unit_price_minor == 4000
    with pytest.raises(NotFound):
        contracts.known_at(contract.id, JAN_16 - timedelta(days=1))


def test_a_preview_saves_nothing(world) -> None:
    contract = _contract(world)
    planned = plan(contract, "remove_line", {"line_id": contract.lines[0].id, "when": "now"}, JAN_16)
    assert planned.net_minor == -3200
    assert contracts.get(contract.id) == contract


def test_the_second_of_two_edits_from_the_same_version_gets_a_conflict_and_nothing_of_it_is_kept(
    world,
) -> None:
    contract = _contract(world)
    line_id = contract.lines[0].id
    change_contract(
        contract.id, "quantity", {"line_id": line_id, "quantity": "3"}, version=1, actor=SYSTEM, now=JAN_16
    )
    with pytest.raises(Conflict, match="changed by someone else"):
        change_contract(
            contract.id,
            "quantity",
            {"line_id": line_id, "quantity": "5"},
            version=1,
            actor=SYSTEM,
            now=JAN_16,
        )
    assert [int(v.version) for v in ContractVersionModel.query(contract.id)] == [1, 2]
    assert contracts.get(contract.id).lines[-1].quantity == Decimal(3)


def test_concurrent_edits_of_one_contract_keep_exactly_one(world) -> None:
    contract = _contract(world)
    line_id = contract.lines[0].id

    def attempt(quantity: int) -> str:
        try:
            change_contract(
                contract.id,
                "quantity",
                {"line_id": line_id, "quantity": str(quantity)},
                version=1,
                actor=SYSTEM,
                now=JAN_16,
            )
            return "saved"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(3, 9)))
    assert outcomes.count("saved") == 1
    assert int(ContractModel.get(contract.id).version) == 2
    assert len(list(ContractVersionModel.query(contract.id))) == 2


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("quantity", {"quantity": "-1"}, "quantity"),
        ("quantity", {"quantity": "0"}, "quantity"),
        ("discount", {"discount_percent": "120"}, "discount"),
        ("price", {"unit_price_minor": -5}, "unit_price_minor"),
        ("price", {"line_id": "nope", "unit_price_minor": 5}, "line_id"),
        ("cancel", {"reason": "bored"}, "reason"),
        ("rename", {}, "kind"),
    ],
)
def test_bad_changes_name_the_field_and_change_nothing(world, kind, data, field) -> None:
    contract = _contract(world)
    with pytest.raises(ValidationError) as error:
        change_contract(
            contract.id, kind, {"line_id": contract.lines[0].id, **data}, version=1, actor=SYSTEM, now=JAN_16
        )
    assert error.value.field == field
    assert contracts.get(contract.id) == contract


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"end_date": "2026-12-01"}, "end_date"),
        ({"lines": [{"product_id": "nope", "quantity": "1"}]}, "lines[0].product_id"),
        ({"lines": [{"product_id": "<product>", "quantity": "-2"}]}, "lines[0].quantity"),
        ({"lines": [{"product_id": "<product>", "discount_percent": "101"}]}, "lines[0].discount"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"options": ["gold"]}, "options"),
        ({"anchor_day": "32"}, "anchor_day"),
    ],
)
def test_bad_contracts_are_refused_naming_the_field_and_nothing_is_written(world, extra, field) -> None:
    for line in extra.get("lines", []):
        if line["product_id"] == "<product>":
            line["product_id"] = world["product"].id
    with pytest.raises(ValidationError) as error:
        _contract(world, **extra)
    assert error.value.field == field
    assert list(ContractModel.scan()) == []


def test_a_price_list_in_another_currency_is_refused(world) -> None:
    usd = create_price_list({"name": "US", "currency": "USD"}, actor=SYSTEM, now=JAN_16)
    with pytest.raises(ValidationError) as error:
        _contract(world, price_list_id=usd.id)
    assert error.value.field == "price_list_id"
    with pytest.raises(ValidationError, match="not a currency in use"):
        create_price_list({"name": "Typo", "currency": "EUD"}, actor=SYSTEM, now=JAN_16)


def test_invalid_transitions_are_conflicts(world) -> None:
    contract = _contract(world, activate=False)
    with pytest.raises(Conflict, match="a draft contract cannot suspend"):
        change_status(contract.id, "suspend", version=1, actor=SYSTEM, now=JAN_16)
    active = change_status(contract.id, "activate", version=1, actor=SYSTEM, now=JAN_16)
    cancelled = change_contract(
        contract.id,
        "cancel",
        {"reason": "price", "when": "now"},
        version=active.version,
        actor=SYSTEM,
        now=JAN_16,
    ).after
    assert cancelled.status is Status.CANCELLED
    assert sum(a.amount_minor for a in cancelled.adjustments) == -3200
    with pytest.raises(Conflict, match="can no longer be changed"):
        change_contract(
            contract.id, "cancel", {"reason": "price"}, version=cancelled.version, actor=SYSTEM, now=JAN_16
        )
    # A cancelled contract has no visits left to plan.
    assert visits.of_contract(contract.id) == []


def test_the_demo_seed_has_a_running_contract_and_seeding_again_adds_none() -> None:
    from chalicelib.services.seed_demo import seed_demo

    first = seed_demo(admin_password="demo password long enough", now=JAN_16)
    second = seed_demo(admin_password="demo password long enough", now=JAN_16)
    assert (first["contracts"], second["contracts"]) == (5, 0)  # one per demo customer
    running = contracts.recent()
    assert {c.status for c in running} == {Status.ACTIVE}
    assert {c.start_date.isoformat() for c in running} == {"2026-12-01"}  # a month to bill at once
    assert 2 * 4900 + 900 in {c.period_amount(c.start_date) for c in running}


def test_the_demo_boiler_is_serviced_and_its_customer_gets_a_portal_and_a_signup_link() -> None:
    from chalicelib.domain.links import Scope
    from chalicelib.services import manage_links
    from chalicelib.services.seed_demo import demo_portal_links, seed_demo
    from chalicelib.store import items, quotes

    seed_demo(admin_password="demo password long enough", now=JAN_16)
    boiler = next(c for c in contracts.recent() if c.item_ids())
    assert [items.get(i).serial for i in boiler.item_ids()] == ["VBX-2024-0117"]
    assert visits.of_contract(boiler.id)  # the portal shows its planned service
    offered = quotes.of_customer(boiler.customer_id)
    assert [(q.status.value, q.one_off_total) for q in offered] == [("sent", 18900)]
    made = demo_portal_links(now=JAN_16)
    assert [what.split(" ")[0] for what, _url in made] == ["customer", "signup"]
    portal, signup = (url.split("/portal/")[1].split("/")[0] for _what, url in made)
    assert manage_links.resolve(portal, (Scope.PORTAL,), now=JAN_16).customer_id == boiler.customer_id
    assert manage_links.resolve(signup, (Scope.SIGNUP,), now=JAN_16).customer_id == ""


def test_planned_visits_follow_the_items_on_the_contract(world) -> None:
    contract = _contract(world)
    line_id = contract.lines[0].id
    assert len(visits.of_contract(contract.id)) == 1
    done = change_contract(
        contract.id, "items", {"line_id": line_id, "item_ids": []}, version=1, actor=SYSTEM, now=JAN_16
    )
    assert visits.of_contract(contract.id) == []
    change_contract(
        contract.id,
        "items",
        {"line_id": line_id, "item_ids": [world["item"].id]},
        version=done.after.version,
        actor=SYSTEM,
        now=JAN_16,
    )
    assert [v.due for v in visits.of_contract(contract.id)] == [date(2027, 7, 1)]
    removed = change_contract(
        contract.id,
        "remove_line",
        {"line_id": line_id, "when": "date", "effective_date": "2027-05-01"},
        version=3,
        actor=SYSTEM,
        now=JAN_16,
    )
    assert removed.after.lines[0].end == date(2027, 5, 1)
    assert visits.of_contract(contract.id) == []  # the item leaves with its line before July
    with pytest.raises(ValidationError) as error:
        change_contract(
            contract.id,
            "items",
            {"line_id": line_id, "item_ids": ["someone-elses"]},
            version=4,
            actor=SYSTEM,
            now=JAN_16,
        )
    assert error.value.field == "item_ids"
