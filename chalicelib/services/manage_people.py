"""Creating and editing people and linking them to organisations, each change audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.categories import parse_tags
from chalicelib.domain.custom_fields import clean_values
from chalicelib.domain.ids import new_id
from chalicelib.domain.people import Membership, Person, validate_membership, validate_person_fields
from chalicelib.store import addresses, customers, fields, people


def _extras(data: dict[str, Any], before: Person | None) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    if "custom" in data or before is None:
        raw = {**(before.custom if before else {}), **(data.get("custom") or {})}
        extras["custom"] = clean_values(fields.field_defs("person"), {k: str(v) for k, v in raw.items()})
    if "categories" in data:
        extras["categories"] = parse_tags(list(data["categories"]), {c.tag for c in fields.categories()})
    if "address_id" in data:
        address_id = (data.get("address_id") or "").strip() or None
        if address_id:
            addresses.get(address_id)
        extras["address_id"] = address_id
    return extras


def create_person(data: dict[str, Any], *, actor: Actor, now: datetime) -> Person:
    text = validate_person_fields({k: v for k, v in data.items() if isinstance(v, str)})
    person = Person(id=new_id(), created_at=now, **text, **_extras(data, None))
    return people.create(
        person, actor.entry("person", person.id, "person.created", now, after=person.audited())
    )


def update_person(person_id: str, data: dict[str, Any], *, actor: Actor, now: datetime) -> Person:
    before = people.get(person_id)
    merged = {
        **before.fields(),
        **{k: v for k, v in data.items() if k in before.fields() and isinstance(v, str)},
    }
    after = replace(before, **validate_person_fields(merged), **_extras(data, before))
    if after == before:
        return before
    entry = actor.entry("person", person_id, "person.updated", now, before.audited(), after.audited())
    return people.update(before, after, entry)


def link_to_customer(
    person_id: str, customer_id: str, data: dict[str, str], *, actor: Actor, now: datetime
) -> Membership:
    people.get(person_id)
    customers.get(customer_id)
    membership = validate_membership(person_id, customer_id, data)
    after = {
        "customer_id": customer_id,
        "role": membership.role,
        "email": membership.email,
        "phone": membership.phone,
        "primary": membership.primary,
    }
    people.save_membership(membership, actor.entry("person", person_id, "person.linked", now, after=after))
    return membership


def unlink_from_customer(person_id: str, customer_id: str, *, actor: Actor, now: datetime) -> None:
    entry = actor.entry("person", person_id, "person.unlinked", now, before={"customer_id": customer_id})
    people.remove_membership(person_id, customer_id, entry)
