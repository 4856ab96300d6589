"""Customers and people: exact search keys, uniqueness, custom fields, categories, shared addresses,
sensitive fields and memberships, against DynamoDB Local."""

from datetime import timedelta

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from chalicelib.services import manage_addresses, manage_customers, manage_fields, manage_people
from chalicelib.store import addresses, audit, customers, people, records
from chalicelib.store.models import LookupModel, UniqueKeyModel
from tests.service.conftest import NOW

ACME = {
    "name": "Acme Facilities",
    "country": "SK",
    "currency": "EUR",
    "email": "Billing@Acme.example",
    "phone": "+421 2 5555 0101",
    "code": "C-100",
    "tax_id": "SK2020123456",
    "external_id": "ERP-7",
}


def _customer(**changes):
    return manage_customers.create_customer({**ACME, **changes}, actor=SYSTEM, now=NOW)


def test_a_customer_is_found_by_each_exact_key_however_it_is_typed() -> None:
    acme = _customer()
    for kind, typed in [
        ("email", "billing@ACME.example"),
        ("phone", "00421 2 5555 0101"),
        ("code", "c100"),
        ("tax", "sk 2020 123 456"),
        ("ext", "erp-7"),
    ]:
        assert [c.id for c in customers.find(kind, typed)] == [acme.id], kind
    assert customers.find("email", "nobody@acme.example") == []


def test_changing_a_field_moves_its_search_key_and_frees_the_old_code() -> None:
    acme = _customer()
    manage_customers.update_customer(
        acme.id, {"email": "ap@acme.example", "code": "C-200"}, actor=SYSTEM, now=NOW + timedelta(minutes=1)
    )
    assert customers.find("email", "billing@acme.example") == []
    assert [c.id for c in customers.find("email", "ap@acme.example")] == [acme.id]
    other = _customer(name="Other", email="", phone="", code="C-100", external_id="", tax_id="")
    assert customers.find("code", "C-100")[0].id == other.id


def test_a_taken_code_or_external_id_is_refused_and_leaves_nothing_behind() -> None:
    _customer()
    lookups_before = sum(1 for _ in LookupModel.scan())
    for change, message in [
        ({"code": "c 100"}, "customer code c 100 is taken"),
        ({"code": "", "external_id": "ERP-7"}, "external id ERP-7"),
    ]:
        with pytest.raises(Conflict, match=message):
            _customer(name="Copy", email="copy@example.com", phone="", **change)
    assert [c.name for c in customers.page()[0]] == ["Acme Facilities"]
    assert sum(1 for _ in LookupModel.scan()) == lookups_before
    assert {i.key for i in UniqueKeyModel.scan()} == {"customer/code/C100", "customer/ext/ERP7"}


def test_custom_fields_are_validated_and_stored_without_floats() -> None:
    manage_fields.define_field(
        "customer", "employees", "Employees", "number", "", True, actor=SYSTEM, now=NOW
    )
    manage_fields.define_field(
        "customer", "tier", "Tier", "choice", "gold, silver", False, actor=SYSTEM, now=NOW
    )
    with pytest.raises(ValidationError) as missing:
        _customer()
    assert missing.value.field == "custom.employees"
    with pytest.raises(ValidationError, match="Tier must be one of gold, silver"):
        _customer(custom={"employees": "10", "tier": "bronze"})
    with pytest.raises(ValidationError, match="no custom field 'colour'"):
        _customer(custom={"employees": "10", "colour": "red"})
    acme = _customer(custom={"employees": "1 250,50", "tier": "gold"})
    assert customers.get(acme.id).custom == {"employees": "1250.5", "tier": "gold"}


def test_categories_must_exist_and_filter_the_list() -> None:
    manage_fields.define_category("region", "west", "Western Slovakia", actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationError, match="no category 'region:east'"):
        _customer(categories=["region:east"])
    acme = _customer(categories=["region:west"])
    _customer(name="Elsewhere", email="", phone="", code="", tax_id="", external_id="")
    assert [c.id for c in customers.in_category("region:west")] == [acme.id]
    manage_customers.update_customer(acme.id, {"categories": []}, actor=SYSTEM, now=NOW)
    assert customers.in_category("region:west") == []


def test_sensitive_fields_need_the_right_and_the_refusal_names_the_field() -> None:
    acme = _customer()
    with pytest.raises(Forbidden) as error:
        manage_customers.update_customer(
            acme.id, {"tax_id": "SK999"}, actor=SYSTEM, now=NOW, may_edit_sensitive=False
        )
    assert error.value.field == "tax_id"
    # Sending the same value back (a form round trip) is not a change and is allowed.
    manage_customers.update_customer(
        acme.id,
        {"name": "Acme Ltd", "tax_id": "SK2020123456"},
        actor=SYSTEM,
        now=NOW,
        may_edit_sensitive=False,
    )
    assert customers.get(acme.id).tax_id == "SK2020123456"


def test_an_address_is_kept_once_and_an_edit_shows_everywhere() -> None:
    address = manage_addresses.create_address(
        {
            "line1": "Mlynské nivy 1",
            "city": "Bratislava",
            "postcode": "821 09",
            "country": "sk",
            "latitude": "48,1486",
            "longitude": "17.1077",
        },
        actor=SYSTEM,
        now=NOW,
    )
    acme = _customer(address_id=address.id)
    anna = manage_people.create_person(
        {"last_name": "Nováková", "address_id": address.id}, actor=SYSTEM, now=NOW
    )
    manage_addresses.update_address(address.id, {"line1": "Mlynské nivy 5"}, actor=SYSTEM, now=NOW)
    shown = [
        addresses.get(customers.get(acme.id).address_id).line1,
        addresses.get(people.get(anna.id).address_id).line1,
    ]
    assert shown == ["Mlynské nivy 5", "Mlynské nivy 5"]
    assert set(addresses.used_by(address.id)) == {acme.ref, anna.ref}
    assert addresses.get(address.id).latitude == "48.1486"
    assert [a.id for a in addresses.with_postcode("SK", "82109")] == [address.id]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"line1": "", "city": "X", "country": "SK"}, "line1"),
        ({"line1": "A 1", "city": "X", "country": "Slovakia"}, "country"),
        ({"line1": "A 1", "city": "X", "country": "SK", "latitude": "91", "longitude": "1"}, "latitude"),
        ({"line1": "A 1", "city": "X", "country": "SK", "latitude": "48.1"}, "longitude"),
    ],
)
def test_bad_addresses_name_the_field(data, field) -> None:
    with pytest.raises(ValidationError) as error:
        manage_addresses.create_address(data, actor=SYSTEM, now=NOW)
    assert error.value.field == field


def test_an_unknown_address_is_refused_by_name() -> None:
    with pytest.raises(NotFound) as error:
        _customer(address_id="nope")
    assert error.value.field == "address_id"


def test_a_person_belongs_to_several_organisations_with_details_per_organisation() -> None:
    acme, other = _customer(), _customer(name="Other", email="", phone="", code="", tax_id="", external_id="")
    anna = manage_people.create_person(
        {"first_name": "Anna", "last_name": "Nováková", "email": "anna@example.com"}, actor=SYSTEM, now=NOW
    )
    manage_people.link_to_customer(
        anna.id,
        acme.id,
        {"role": "purchasing", "email": "anna@acme.example", "primary": "1"},
        actor=SYSTEM,
        now=NOW,
    )
    manage_people.link_to_customer(anna.id, other.id, {"role": "board member"}, actor=SYSTEM, now=NOW)
    by_org = {m.customer_id: m for m in people.memberships_of(anna.id)}
    assert (by_org[acme.id].role, by_org[acme.id].email, by_org[acme.id].primary) == (
        "purchasing",
        "anna@acme.example",
        True,
    )
    assert [m.person_id for m in people.members_of(other.id)] == [anna.id]
    assert records.refs(f"uses/customer#{acme.id}") == [anna.ref]
    manage_people.unlink_from_customer(anna.id, other.id, actor=SYSTEM, now=NOW)
    assert people.members_of(other.id) == [] and records.refs(f"uses/customer#{other.id}") == []
    actions = sorted(e.action for e in audit.for_entity("person", anna.id))
    assert actions == ["person.created", "person.linked", "person.linked", "person.unlinked"]


def test_people_are_found_by_name_prefix_email_and_phone() -> None:
    anna = manage_people.create_person(
        {
            "first_name": "Anna",
            "last_name": "Čierna",
            "email": "anna@example.com",
            "phone": "+421 905 123 456",
        },
        actor=SYSTEM,
        now=NOW,
    )
    manage_people.create_person({"last_name": "Dvořák"}, actor=SYSTEM, now=NOW)
    assert [p.id for p in people.page(prefix="cier")] == [anna.id]
    assert [p.id for p in people.find("phone", "00421905123456")] == [anna.id]
    with pytest.raises(ValidationError) as error:
        manage_people.create_person({"first_name": "No last name"}, actor=SYSTEM, now=NOW)
    assert error.value.field == "last_name"


def test_taking_a_code_already_taken_names_it_even_when_the_old_code_is_released() -> None:
    # The change both releases the old claim (a delete) and takes a new one (a put): the message must
    # still be the claim's, whatever order DynamoDB reports the failed actions in.
    _customer()
    other = _customer(name="Other", email="", phone="", code="C-200", tax_id="", external_id="")
    with pytest.raises(Conflict, match="customer code C-100 is taken"):
        manage_customers.update_customer(other.id, {"code": "C-100"}, actor=SYSTEM, now=NOW)
    assert customers.get(other.id).code == "C-200"


def test_people_are_filtered_by_category() -> None:
    manage_fields.define_category("function", "finance", "Finance", actor=SYSTEM, now=NOW)
    anna = manage_people.create_person(
        {"last_name": "Nováková", "categories": ["function:finance"]}, actor=SYSTEM, now=NOW
    )
    manage_people.create_person({"last_name": "Other"}, actor=SYSTEM, now=NOW)
    assert [p.id for p in people.in_category("function:finance")] == [anna.id]
