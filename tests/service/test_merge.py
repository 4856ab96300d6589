"""Duplicates and merges (C10): fields filled, every reference moved, atomic against interruption."""

from datetime import timedelta

import pytest

from chalicelib import bootstrap
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.services import find_duplicates, manage_addresses, manage_customers, manage_people
from chalicelib.services.log_interaction import log_interaction
from chalicelib.services.manage_catalogue import create_product
from chalicelib.services.manage_documents import upload_document
from chalicelib.services.manage_items import register_item
from chalicelib.services.manage_relationships import add_relationship
from chalicelib.services.merge_records import merge
from chalicelib.store import audit, customers, people, references
from chalicelib.store.models import CustomerModel
from chalicelib.store.models_activity import DocumentModel, InteractionModel, RelationshipModel
from chalicelib.store.models_catalogue import ItemModel
from chalicelib.store.models_contacts import MembershipModel, PersonModel
from tests.service.conftest import NOW

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _customer(name: str, **fields):
    data = {"name": name, "country": "SK", "currency": "EUR", **fields}
    return manage_customers.create_customer(data, actor=SYSTEM, now=NOW)


@pytest.fixture
def pair():
    """An original and its duplicate; the duplicate has a phone, a code, an item, a document,
    an interaction and a contact person."""
    original = _customer("Acme Facilities s.r.o.", email="billing@acme.example")
    duplicate = _customer(
        "ACME Facilities Ltd.", email="billing@acme.example", phone="+421 2 5555 0101", code="C-9"
    )
    pump = create_product({"code": "P-1", "name": "Pump"}, actor=SYSTEM, now=NOW)
    item = register_item(
        {"product_id": pump.id, "serial": "SN-1", "owner_id": duplicate.id}, actor=SYSTEM, now=NOW
    )
    document = upload_document(
        owner=duplicate.ref,
        filename="contract.pdf",
        declared_type="application/pdf",
        data=PDF,
        blobs=bootstrap.blobs(),
        actor=SYSTEM,
        now=NOW,
    )
    interaction, _ = log_interaction(
        duplicate.ref, {"kind": "call", "title": "Asked for a quote"}, actor=SYSTEM, now=NOW
    )
    anna = manage_people.create_person({"first_name": "Anna", "last_name": "Nováková"}, actor=SYSTEM, now=NOW)
    manage_people.link_to_customer(anna.id, duplicate.id, {"role": "purchasing"}, actor=SYSTEM, now=NOW)
    return original, duplicate, item, document, interaction, anna


def test_duplicates_are_found_by_name_without_legal_form_and_by_email(pair) -> None:
    original, duplicate, *_ = pair
    [candidate] = find_duplicates.candidates_for("customer", original.id)
    assert candidate.ref == duplicate.ref and set(candidate.reasons) == {"name", "email"}
    groups, complete = find_duplicates.report("customer")
    assert (
        complete
        and sorted(sorted(c.ref for c in g) for g in groups) == [sorted([original.ref, duplicate.ref])] * 2
    )


def test_a_merge_fills_missing_fields_moves_every_reference_and_removes_the_duplicate(pair) -> None:
    original, duplicate, item, document, interaction, anna = pair
    later = NOW + timedelta(minutes=1)
    result = merge("customer", original.id, duplicate.id, actor=SYSTEM, now=later)
    assert result["references_moved"] == 4
    merged = customers.get(original.id)
    assert (merged.name, merged.phone, merged.code) == ("Acme Facilities s.r.o.", "+421 2 5555 0101", "C-9")
    assert ItemModel.get(item.id).owner_id == original.id
    assert DocumentModel.get(document.id).owner == original.ref
    assert InteractionModel.get(interaction.id).subject == original.ref
    assert [m.customer_id for m in people.memberships_of(anna.id)] == [original.id]
    assert customers.get(duplicate.id).merged_into == original.id
    assert [c.id for c in customers.page()[0]] == [original.id]
    assert [c.id for c in customers.find("phone", "+421255550101")] == [original.id]
    assert [c.id for c in customers.find("code", "C-9")] == [original.id]
    with pytest.raises(Conflict, match="C-9"):  # the code moved with its claim: still unique
        _customer("Third", code="C-9")
    assert references.referrers(duplicate.ref) == []
    assert "customer.merged" in [e.action for e in audit.for_entity("customer", duplicate.id)]
    assert "customer.merge_filled" in [e.action for e in audit.for_entity("customer", original.id)]


def test_an_interrupted_merge_leaves_no_reference_pointing_nowhere_and_finishes_when_rerun(pair) -> None:
    original, duplicate, *_ = pair
    calls = []

    def crash_after_two(referrer: str, target: str, old: str, new: str) -> None:
        if len(calls) == 2:
            raise RuntimeError("Lambda timed out")
        calls.append(referrer)
        references.move(referrer, target, old, new)

    with pytest.raises(RuntimeError):
        merge("customer", original.id, duplicate.id, actor=SYSTEM, now=NOW, move=crash_after_two)
    live = {c.id for c in map(customers.from_item, CustomerModel.scan())}
    assert {original.id, duplicate.id} <= live and customers.get(duplicate.id).merged_into is None
    owners = {i.owner_id for i in ItemModel.scan()} | {m.customer_id for m in MembershipModel.scan()}
    owners |= {d.owner.split("#")[1] for d in DocumentModel.scan()}
    owners |= {i.subject.split("#")[1] for i in InteractionModel.scan()}
    assert owners <= live  # every reference points at a record that exists
    merge("customer", original.id, duplicate.id, actor=SYSTEM, now=NOW)
    assert references.referrers(duplicate.ref) == []
    assert customers.get(duplicate.id).merged_into == original.id
    merge("customer", original.id, duplicate.id, actor=SYSTEM, now=NOW)  # a third run changes nothing


def test_merging_people_moves_memberships_and_relationships() -> None:
    acme = _customer("Acme")
    anna = manage_people.create_person(
        {"first_name": "Anna", "last_name": "Nováková", "email": "anna@example.com"}, actor=SYSTEM, now=NOW
    )
    copy = manage_people.create_person(
        {"first_name": "Anna", "last_name": "Novakova", "phone": "+421 905 1"}, actor=SYSTEM, now=NOW
    )
    peter = manage_people.create_person({"first_name": "Peter", "last_name": "Novák"}, actor=SYSTEM, now=NOW)
    manage_people.link_to_customer(copy.id, acme.id, {"role": "finance"}, actor=SYSTEM, now=NOW)
    add_relationship(copy.id, peter.id, "spouse", actor=SYSTEM, now=NOW)
    add_relationship(copy.id, anna.id, "sibling", actor=SYSTEM, now=NOW)
    assert [c.ref for c in find_duplicates.candidates_for("person", anna.id)] == [copy.ref]
    merge("person", anna.id, copy.id, actor=SYSTEM, now=NOW)
    assert [(m.person_id, m.role) for m in people.members_of(acme.id)] == [(anna.id, "finance")]
    rows = {(r.person_id, r.other_id, r.kind) for r in RelationshipModel.scan()}
    assert rows == {(anna.id, peter.id, "spouse"), (peter.id, anna.id, "spouse")}
    assert people.get(anna.id).phone == "+421 905 1"
    live = {p.id for p in map(people.from_item, PersonModel.scan()) if not p.merged_into}
    assert live == {anna.id, peter.id}


def test_merging_addresses_repoints_their_users() -> None:
    first = manage_addresses.create_address(
        {"line1": "Hlavná 1", "city": "Košice", "postcode": "040 01", "country": "SK"}, actor=SYSTEM, now=NOW
    )
    second = manage_addresses.create_address(
        {
            "line1": "Hlavna 1",
            "city": "Kosice",
            "postcode": "04001",
            "country": "SK",
            "latitude": "48.72",
            "longitude": "21.26",
        },
        actor=SYSTEM,
        now=NOW,
    )
    acme = _customer("Acme", address_id=second.id)
    [candidate] = find_duplicates.candidates_for("address", first.id)
    assert candidate.ref == second.ref
    merge("address", first.id, second.id, actor=SYSTEM, now=NOW)
    assert customers.get(acme.id).address_id == first.id
    from chalicelib.store import addresses

    assert addresses.get(first.id).latitude == "48.72"


def test_merge_refuses_nonsense(pair) -> None:
    original, duplicate, *_ = pair
    with pytest.raises(ValidationError, match="into itself"):
        merge("customer", original.id, original.id, actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationError, match="only customer, person, address can be merged"):
        merge("item", original.id, duplicate.id, actor=SYSTEM, now=NOW)
