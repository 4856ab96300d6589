"""Self-service from the portal against DynamoDB Local (B9, B12, B23): options with their prorated effect
(the same as a staff change), the access level, cancelling by the notice period, contact details."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain import links as rules
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, Forbidden, ValidationError
from chalicelib.services.change_contract import change_contract
from chalicelib.services.manage_contracts import create_contract
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_templates import create_template
from chalicelib.services.portal_cancel import cancel_contract, offer
from chalicelib.services.portal_details import details_of, update_details
from chalicelib.services.portal_options import change_options, plan_options
from chalicelib.store import audit, contracts, customers, mail
from tests.portal_world import catalogue

# Mid-January in Bratislava; the contracts started on Jan 1 and January is invoiced (in advance).
JAN_16 = datetime(2027, 1, 16, 9, 0, tzinfo=UTC)
OPTIONS = [
    {"code": "hotline", "label": "24/7 hotline", "price_minor": 900, "setup_fee_minor": 5000},
    {"code": "parts", "label": "Spare parts", "price_minor": 1500},
]


@pytest.fixture
def shop() -> dict[str, Any]:
    made = catalogue()  # the care product at 31.00 in a EUR list
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
    return {"product": made.care, "eur": made.eur, "customer": customer}


def _contract(shop: dict[str, Any], level: str, *, options: tuple[str, ...] = (), **terms: Any) -> Any:
    template = create_template(
        {
            "name": f"Care {level}",
            "currency": "EUR",
            "period": "monthly",
            "access_level": level,
            "options": OPTIONS,
            **terms,
        },
        actor=SYSTEM,
        now=JAN_16,
    )
    data = {
        "customer_id": shop["customer"].id,
        "template_id": template.id,
        "price_list_id": shop["eur"].id,
        "start_date": "2027-01-01",
        "billed_until": "2027-02-01",
        "lines": [{"product_id": shop["product"].id, "quantity": "2"}],
        "options": list(options),
        "activate": True,
    }
    return create_contract(data, actor=SYSTEM, now=JAN_16)


def _customer_actor(shop: dict[str, Any]) -> Any:
    return rules.customer_actor(shop["customer"].id)


def _mail_to(address: str) -> list[str]:
    return [m.subject for m in mail.recent(limit=200) if m.to == address]


def _change(shop: dict[str, Any], contract: Any, form: dict[str, str]) -> Any:
    """As the options page confirms: on the stored contract, with the version the customer saw."""
    stored = contracts.get(contract.id, consistent=True)
    return change_options(stored, form, version=contract.version, actor=_customer_actor(shop), now=JAN_16)


def _cancel(
    shop: dict[str, Any], contract: Any, reason: str = "price", note: str = "", confirmed: bool = True
) -> Any:
    """As the cancel page confirms: on the stored contract, with the version the customer saw."""
    return cancel_contract(
        contracts.get(contract.id, consistent=True),
        reason=reason,
        note=note,
        confirmed=confirmed,
        version=contract.version,
        actor=_customer_actor(shop),
        now=JAN_16,
    )


def test_adding_an_option_costs_what_the_same_change_by_staff_costs(shop: dict[str, Any]) -> None:
    mine = _contract(shop, "upgrade_only", term_periods=12)
    staffs = _contract(shop, "upgrade_only", term_periods=12)
    preview = plan_options(mine, {"qty_hotline": "2"}, JAN_16)
    by_staff = change_contract(
        staffs.id,
        "add_line",
        {"line": {"option_code": "hotline", "quantity": "2"}},
        version=staffs.version,
        actor=SYSTEM,
        now=JAN_16,
    )
    prorated = [a.amount_minor for a in preview.adjustments if not a.description.startswith("Setup fee")]
    assert prorated == [a.amount_minor for a in by_staff.adjustments] and prorated
    # 2 x 9.00 a month for the 16 days of January left (of 31): 9.29, plus the option's setup fee.
    assert preview.net_minor == round(1800 * 16 / 31) + 5000
    assert (preview.amount_before, preview.amount_after) == (6200, 8000)
    assert contracts.get(mine.id).version == mine.version  # a preview saves nothing

    done = _change(shop, mine, {"qty_hotline": "2"})
    stored = contracts.get(mine.id, consistent=True)
    assert stored.version == mine.version + 1 == done.after.version
    hotline = [line for line in stored.lines if line.option_code == "hotline"]
    assert [(line.quantity, line.unit_price_minor, line.start) for line in hotline] == [
        (Decimal(2), 900, date(2027, 1, 16))
    ]
    assert sum(a.amount_minor for a in stored.adjustments) - sum(
        a.amount_minor for a in mine.adjustments
    ) == (preview.net_minor)
    entries = {e.action: e.actor for e in audit.for_entity("contract", mine.id)}
    assert entries["contract.portal_options"] == f"customer:{shop['customer'].id}"
    assert _mail_to("ops@acme.test") == [f"Your contract {mine.number} has changed"]
    staff_mail = [m for m in mail.recent(limit=200) if m.to != "ops@acme.test"]
    assert [m.subject for m in staff_mail] == [
        f"Acme changed the options of contract {mine.number} in the portal"
    ]


def test_upgrade_only_refuses_removing_or_lowering_and_names_the_option(shop: dict[str, Any]) -> None:
    contract = _contract(shop, "upgrade_only", options=("hotline",))
    for form, field in (({"qty_hotline": "0"}, "qty_hotline"), ({"main_quantity": "1"}, "main_quantity")):
        with pytest.raises(ValidationError) as refused:
            _change(shop, contract, form)
        assert refused.value.field == field and refused.value.status == 400
    assert "24/7 hotline" in str(
        pytest.raises(ValidationError, plan_options, contract, {"qty_hotline": "0"}, JAN_16).value.message
    )
    assert contracts.get(contract.id, consistent=True) == contract
    assert mail.recent(limit=50) == []


def test_upgrade_and_downgrade_removes_an_option_and_credits_the_unused_days(shop: dict[str, Any]) -> None:
    contract = _contract(shop, "upgrade_and_downgrade", options=("hotline",))
    done = _change(shop, contract, {"qty_hotline": "0", "qty_parts": "1"})
    stored = contracts.get(contract.id, consistent=True)
    running = {line.option_code for line in stored.lines_on(date(2027, 1, 20))}
    assert running == {"", "parts"}
    assert done.amount_after == 6200 + 1500
    credits = [a.amount_minor for a in done.adjustments if a.amount_minor < 0]
    assert credits == [-round(900 * 16 / 31)]


def test_a_restricted_contract_refuses_every_change(shop: dict[str, Any]) -> None:
    contract = _contract(shop, "restricted")
    with pytest.raises(Forbidden):
        _change(shop, contract, {"qty_parts": "1"})
    assert contracts.get(contract.id, consistent=True) == contract


def test_a_stale_version_is_a_conflict_and_nothing_changes(shop: dict[str, Any]) -> None:
    contract = _contract(shop, "upgrade_and_downgrade")
    _change(shop, contract, {"qty_parts": "1"})
    current = contracts.get(contract.id, consistent=True)
    with pytest.raises(Conflict) as stale:
        _change(shop, contract, {"qty_parts": "2"})
    assert stale.value.status == 409 and "changed by someone else" in stale.value.message
    with pytest.raises(Conflict):
        _cancel(shop, contract)
    assert contracts.get(contract.id, consistent=True) == current


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"qty_hotline": "-1"}, "qty_hotline"),
        ({"qty_hotline": "two"}, "qty_hotline"),
        ({"qty_hotline": "1", "qty_parts": "1.5"}, "qty_parts"),
        ({"qty_nothing": "1"}, "qty_nothing"),
        ({"main_quantity": "0"}, "main_quantity"),
        ({"qty_hotline": "1000"}, "qty_hotline"),
    ],
)
def test_a_bad_quantity_is_a_400_naming_the_field_and_nothing_is_saved(
    shop: dict[str, Any], form: dict[str, str], field: str
) -> None:
    contract = _contract(shop, "upgrade_and_downgrade")
    with pytest.raises(ValidationError) as bad:
        _change(shop, contract, form)
    assert (bad.value.status, bad.value.field) == (400, field)
    assert contracts.get(contract.id, consistent=True) == contract
    assert mail.recent(limit=50) == []


def test_cancelling_takes_effect_when_the_notice_period_ends(shop: dict[str, Any]) -> None:
    contract = _contract(shop, "restricted", notice_days=30)  # restricted limits options, not cancelling
    assert offer(contract, JAN_16).effective == date(2027, 2, 15)
    done = _cancel(shop, contract, "moved_to_competitor", "Cheaper elsewhere")
    stored = contracts.get(contract.id, consistent=True)
    assert stored.end_date == date(2027, 2, 15) == done.day
    assert stored.cancellation is not None and stored.cancellation.reason == "moved_to_competitor"
    assert stored.cancellation.note == "Cheaper elsewhere" and not stored.terms.auto_renew
    assert stored.status.value == "active"  # until the notice ends
    # February is not invoiced yet: nothing to credit; January was, and still runs.
    assert done.adjustments == ()
    entries = {e.action: e.actor for e in audit.for_entity("contract", contract.id)}
    assert entries["contract.cancel"] == f"customer:{shop['customer'].id}"
    assert _mail_to("ops@acme.test") == [f"Cancellation of contract {contract.number}"]
    assert any("cancelled contract" in m.subject for m in mail.recent(limit=50) if m.to != "ops@acme.test")
    with pytest.raises(ValidationError) as twice:
        _cancel(shop, stored)
    assert twice.value.field == "status"


@pytest.mark.parametrize(
    ("reason", "confirmed", "field"),
    [("non_payment", True, "reason"), ("", True, "reason"), ("price", False, "confirm")],
)
def test_a_cancellation_needs_a_customer_reason_and_the_tick(
    shop: dict[str, Any], reason: str, confirmed: bool, field: str
) -> None:
    contract = _contract(shop, "upgrade_only")
    with pytest.raises(ValidationError) as bad:
        _cancel(shop, contract, reason, confirmed=confirmed)
    assert bad.value.field == field
    assert contracts.get(contract.id, consistent=True) == contract


def _with_contact_and_address(shop: dict[str, Any]) -> Any:
    from chalicelib.services.manage_addresses import create_address
    from chalicelib.services.manage_customers import update_customer
    from chalicelib.services.manage_people import create_person, link_to_customer

    address = create_address(
        {"line1": "Main 1", "city": "Bratislava", "country": "SK"}, actor=SYSTEM, now=JAN_16
    )
    update_customer(shop["customer"].id, {"address_id": address.id}, actor=SYSTEM, now=JAN_16)
    person = create_person(
        {"first_name": "Eva", "last_name": "Nova", "email": "eva@acme.test"}, actor=SYSTEM, now=JAN_16
    )
    link_to_customer(person.id, shop["customer"].id, {"primary": "1"}, actor=SYSTEM, now=JAN_16)
    return details_of(customers.get(shop["customer"].id))


def test_details_are_saved_audited_and_a_new_email_is_confirmed_to_the_old_one_too(
    shop: dict[str, Any],
) -> None:
    before = _with_contact_and_address(shop)
    form = {
        "name": "Acme Ltd",
        "email": "billing@acme.test",
        "phone": "+421 900 123 456",
        "contact_first_name": "Eva",
        "contact_last_name": "Nováková",
        "contact_email": "eva@acme.test",
        "contact_phone": "",
        "address_line1": "Hlavná 5",
        "address_city": "Košice",
        "address_country": "sk",
        "address_postcode": "040 01",
    }
    after = update_details(shop["customer"].id, form, actor=_customer_actor(shop), now=JAN_16)
    assert (after.customer.name, after.customer.email) == ("Acme Ltd", "billing@acme.test")
    assert after.contact is not None and after.contact.last_name == "Nováková"
    assert after.address is not None and before.address is not None
    assert after.address.id == before.address.id  # only this customer used it: edited in place
    assert (after.address.line1, after.address.city, after.address.country) == ("Hlavná 5", "Košice", "SK")
    actors = {e.actor for e in audit.for_actor(f"customer:{shop['customer'].id}")}
    assert actors == {f"customer:{shop['customer'].id}"}
    assert {e.entity_type for e in audit.for_actor(f"customer:{shop['customer'].id}")} == {
        "customer",
        "person",
        "address",
    }
    subject = "Your details at "
    assert [s[: len(subject)] for s in _mail_to("ops@acme.test")] == [subject]
    assert [s[: len(subject)] for s in _mail_to("billing@acme.test")] == [subject]


def test_a_shared_address_is_left_alone_and_a_new_one_attached(shop: dict[str, Any]) -> None:
    from chalicelib.services.manage_people import update_person

    before = _with_contact_and_address(shop)
    assert before.contact is not None and before.address is not None
    update_person(before.contact.id, {"address_id": before.address.id}, actor=SYSTEM, now=JAN_16)
    after = update_details(
        shop["customer"].id, {"address_line1": "New street 9"}, actor=_customer_actor(shop), now=JAN_16
    )
    assert after.address is not None and after.address.id != before.address.id
    assert (after.address.line1, after.address.city) == ("New street 9", "Bratislava")
    assert details_of(customers.get(shop["customer"].id)).address == after.address
    from chalicelib.store import addresses

    assert addresses.get(before.address.id).line1 == "Main 1"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"name": ""}, "name"),
        ({"email": "not an email"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"contact_last_name": " "}, "contact_last_name"),
        ({"contact_email": "eva@"}, "contact_email"),
        ({"address_country": "Slovakia"}, "address_country"),
        ({"address_city": ""}, "address_city"),
    ],
)
def test_a_bad_detail_names_its_field_and_nothing_is_saved(
    shop: dict[str, Any], bad: dict[str, str], field: str
) -> None:
    before = _with_contact_and_address(shop)
    form = {"name": "Renamed", "contact_first_name": "Evelyn", "address_line1": "Elsewhere 2", **bad}
    with pytest.raises(ValidationError) as refused:
        update_details(shop["customer"].id, form, actor=_customer_actor(shop), now=JAN_16)
    assert refused.value.field == field
    assert details_of(customers.get(shop["customer"].id)) == before
    assert audit.for_actor(f"customer:{shop['customer'].id}") == []
