"""Moving references from one record to another (merges, C10).

Every record that points at a customer, person or address lists itself under the lookup key
uses/<target ref>. Moving a reference is one transaction: the referring record's attribute and
its uses key change together. A move that already happened is a no-op, so an interrupted merge
can simply be run again.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from chalicelib.domain import lookups
from chalicelib.domain.relationships import Relationship
from chalicelib.store import records, relationships
from chalicelib.store.models import CustomerModel
from chalicelib.store.models_activity import DocumentModel, InteractionModel, RelationshipModel, TaskModel
from chalicelib.store.models_catalogue import ItemModel
from chalicelib.store.models_contacts import MembershipModel, PersonModel

# referring entity -> (model, {target entity: attribute}, whether the attribute holds a ref or an id)
_ATTRIBUTES: dict[str, tuple[type[Model], dict[str, str], bool]] = {
    "customer": (CustomerModel, {"address": "address_id"}, False),
    "person": (PersonModel, {"address": "address_id"}, False),
    "item": (ItemModel, {"customer": "owner_id", "address": "install_address_id"}, False),
    "document": (DocumentModel, {"customer": "owner", "person": "owner"}, True),
    "interaction": (InteractionModel, {"customer": "subject", "person": "subject"}, True),
    "task": (TaskModel, {"customer": "subject", "person": "subject"}, True),
}


def referrers(target_ref: str) -> list[str]:
    return records.refs(lookups.uses_key(target_ref), limit=10_000)


def move(referrer: str, target: str, old_id: str, new_id: str) -> None:
    """Makes `referrer` point at target `new_id` instead of `old_id` (target: customer, person, address)."""
    entity, referrer_id = lookups.split_ref(referrer)
    old_ref, new_ref = lookups.ref(target, old_id), lookups.ref(target, new_id)
    if entity == "person" and target == "customer":
        _move_membership(referrer_id, old_id, new_id)
    elif entity == "relationship" and target == "person":
        _move_relationship_towards(referrer_id, old_id, new_id)
    elif entity in _ATTRIBUTES and target in _ATTRIBUTES[entity][1]:
        _move_attribute(entity, referrer_id, target, old_ref, new_ref)
    else:
        raise ValueError(f"no way to move a {target} reference held by {referrer}")


def _move_attribute(entity: str, record_id: str, target: str, old_ref: str, new_ref: str) -> None:
    model, attributes, holds_ref = _ATTRIBUTES[entity]
    name = attributes[target]
    old_value = old_ref if holds_ref else lookups.split_ref(old_ref)[1]
    new_value = new_ref if holds_ref else lookups.split_ref(new_ref)[1]
    change = records.Change()
    try:
        item = model.get(record_id, consistent_read=True)
    except DoesNotExist:
        item = None
    if item is not None and getattr(item, name) == old_value:
        setattr(item, name, new_value)
        condition: Any = getattr(model, name) == old_value
        if "version" in model.get_attributes():
            item.version = int(item.version or 0) + 1  # type: ignore[attr-defined]
        change.save(item, condition)
    referrer = lookups.ref(entity, record_id)
    records.commit(change.lookups(referrer, {lookups.uses_key(old_ref)}, {lookups.uses_key(new_ref)}))


def _move_membership(person_id: str, old_customer: str, new_customer: str) -> None:
    person = lookups.ref("person", person_id)
    change = records.Change().lookups(
        person,
        {lookups.uses_key(lookups.ref("customer", old_customer))},
        {lookups.uses_key(lookups.ref("customer", new_customer))},
    )
    try:
        old = MembershipModel.get(person_id, old_customer, consistent_read=True)
    except DoesNotExist:
        old = None
    if old is not None:
        change.delete(old)
        if not list(MembershipModel.query(person_id, MembershipModel.customer_id == new_customer)):
            change.save(
                MembershipModel(
                    person_id=person_id,
                    customer_id=new_customer,
                    role=old.role,
                    email=old.email,
                    phone=old.phone,
                    primary=old.primary,
                )
            )
    records.commit(change)


def move_memberships_of_person(old_person: str, new_person: str) -> None:
    """The organisations a merged-away person belonged to now list the original person."""
    for old in MembershipModel.query(old_person):
        change = records.Change().delete(old)
        uses = lookups.uses_key(lookups.ref("customer", old.customer_id))
        change.lookups(lookups.ref("person", old_person), {uses}, ())
        if not list(MembershipModel.query(new_person, MembershipModel.customer_id == old.customer_id)):
            change.save(
                MembershipModel(
                    person_id=new_person,
                    customer_id=old.customer_id,
                    role=old.role,
                    email=old.email,
                    phone=old.phone,
                    primary=old.primary,
                )
            )
            change.lookups(lookups.ref("person", new_person), (), {uses})
        records.commit(change)


def _move_relationship_towards(row_id: str, old_person: str, new_person: str) -> None:
    """A relationship row of someone else pointing at the old person: re-point both directions."""
    person_id, other_id, kind = row_id.split("#", 2)
    if other_id != old_person:
        return
    _replace_relationship(Relationship(person_id, other_id, kind, ""), person_id, new_person)


def move_relationships_of_person(old_person: str, new_person: str) -> None:
    for item in RelationshipModel.query(old_person):
        _replace_relationship(
            Relationship(item.person_id, item.other_id, item.kind, item.note or ""), new_person, item.other_id
        )


def _replace_relationship(old: Relationship, person_id: str, other_id: str) -> None:
    """Deletes both directions of `old` and writes them between person_id and other_id, at once.

    A relationship of the two merged people with each other disappears (nobody relates to themselves).
    """
    try:
        note = RelationshipModel.get(old.person_id, f"{old.other_id}#{old.kind}").note or ""
    except DoesNotExist:
        return  # moved already
    change = records.Change()
    for row in (old, old.inverse()):
        change.delete(RelationshipModel(person_id=row.person_id, other_kind=f"{row.other_id}#{row.kind}"))
        change.lookups(
            relationships.row_ref(row), {lookups.uses_key(lookups.ref("person", row.other_id))}, ()
        )
    if person_id != other_id:
        new = Relationship(person_id, other_id, old.kind, note)
        for row in (new, new.inverse()):
            if relationships.exists(row):
                continue
            change.save(
                RelationshipModel(
                    person_id=row.person_id,
                    other_kind=f"{row.other_id}#{row.kind}",
                    other_id=row.other_id,
                    kind=row.kind,
                    note=row.note,
                )
            )
            change.lookups(
                relationships.row_ref(row), (), {lookups.uses_key(lookups.ref("person", row.other_id))}
            )
    records.commit(change)
