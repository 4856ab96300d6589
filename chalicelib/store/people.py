"""People and their memberships of organisations, each change in one transaction."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import lookups
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.customer import sort_name
from chalicelib.domain.errors import NotFound
from chalicelib.domain.people import Membership, Person
from chalicelib.store import records
from chalicelib.store.models_contacts import MembershipModel, PersonModel

PAGE_SIZE = 50


def from_item(item: PersonModel) -> Person:
    return Person(
        id=item.id,
        first_name=item.first_name or "",
        last_name=item.last_name,
        email=item.email or "",
        phone=item.phone or "",
        external_id=item.external_id or "",
        notes=item.notes or "",
        address_id=item.address_id,
        custom=item.custom or {},
        categories=frozenset(item.categories or ()),
        merged_into=item.merged_into,
        created_at=item.created_at,
    )


def to_item(person: Person, version: int) -> PersonModel:
    return PersonModel(
        id=person.id,
        first_name=person.first_name,
        last_name=person.last_name,
        sort_name=person.sort_key,
        email=person.email,
        phone=person.phone,
        external_id=person.external_id,
        notes=person.notes,
        address_id=person.address_id,
        custom=person.custom or None,
        categories=set(person.categories) or None,
        merged_into=person.merged_into,
        created_at=person.created_at,
        version=version,
    )


def get(person_id: str) -> Person:
    try:
        return from_item(PersonModel.get(person_id))
    except DoesNotExist:
        raise NotFound(f"no person {person_id}", field="person_id") from None


def get_many(person_ids: list[str]) -> list[Person]:
    wanted = list(dict.fromkeys(person_ids))
    found = {i.id: from_item(i) for i in PersonModel.batch_get(wanted)} if wanted else {}
    return [found[i] for i in person_ids if i in found]


def create(person: Person, entry: AuditEntry) -> Person:
    records.save_new(person, to_item(person, 1), entry, person.claims())
    return person


def update(before: Person, after: Person, entry: AuditEntry) -> Person:
    records.save_changed(
        before,
        after,
        model=PersonModel,
        to_item=to_item,
        from_item=from_item,
        claims=(before.claims(), after.claims()),
        entry=entry,
        label="person",
        field="person_id",
    )
    return after


def page(prefix: str = "", limit: int = PAGE_SIZE) -> list[Person]:
    condition = PersonModel.sort_name.startswith(sort_name(prefix)) if prefix.strip() else None
    result = PersonModel.by_name.query("person", range_key_condition=condition, limit=limit)
    return [from_item(i) for i in result if not i.merged_into]


def find(kind: str, value: str) -> list[Person]:
    key = (
        {"email": lookups.email_key, "phone": lookups.phone_key}[kind]("person", value)
        if kind in ("email", "phone")
        else lookups.code_key("person", kind, value)
    )
    if key is None:
        return []
    return get_many([lookups.split_ref(r)[1] for r in records.refs(key, limit=PAGE_SIZE)])


def in_category(tag: str, limit: int = PAGE_SIZE) -> list[Person]:
    ids = [
        lookups.split_ref(r)[1]
        for r in records.refs(lookups.category_key(tag), limit=500)
        if r.startswith("person#")
    ]
    return sorted((p for p in get_many(ids[:limit]) if not p.merged_into), key=lambda p: p.sort_key)


def _membership(item: MembershipModel) -> Membership:
    return Membership(
        person_id=item.person_id,
        customer_id=item.customer_id,
        role=item.role or "",
        email=item.email or "",
        phone=item.phone or "",
        primary=bool(item.primary),
    )


def memberships_of(person_id: str) -> list[Membership]:
    return [_membership(i) for i in MembershipModel.query(person_id)]


def members_of(customer_id: str) -> list[Membership]:
    return [_membership(i) for i in MembershipModel.by_customer.query(customer_id)]


def save_membership(membership: Membership, entry: AuditEntry) -> None:
    item = MembershipModel(
        person_id=membership.person_id,
        customer_id=membership.customer_id,
        role=membership.role,
        email=membership.email,
        phone=membership.phone,
        primary=membership.primary,
    )
    person_ref = lookups.ref("person", membership.person_id)
    change = records.Change(audit=entry).save(item)
    change.lookups(person_ref, (), {lookups.uses_key(lookups.ref("customer", membership.customer_id))})
    records.commit(change)


def remove_membership(person_id: str, customer_id: str, entry: AuditEntry) -> None:
    change = records.Change(audit=entry, conflict_message="this person is not linked to that organisation")
    change.delete(
        MembershipModel(person_id=person_id, customer_id=customer_id), MembershipModel.person_id.exists()
    )
    change.lookups(
        lookups.ref("person", person_id), {lookups.uses_key(lookups.ref("customer", customer_id))}, ()
    )
    records.commit(change)
