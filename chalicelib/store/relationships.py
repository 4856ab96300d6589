"""Relationships: both directions written and removed in one transaction, never only one."""

from __future__ import annotations

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.lookups import ref, uses_key
from chalicelib.domain.relationships import Relationship
from chalicelib.store.models_activity import RelationshipModel
from chalicelib.store.records import Change, commit

DUPLICATE = "these two people already have this relationship"


def _range_key(other_id: str, kind: str) -> str:
    return f"{other_id}#{kind}"


def row_ref(relationship: Relationship) -> str:
    """relationship#<person>#<other>#<kind>: what the other person's uses key points to."""
    return ref(
        "relationship", f"{relationship.person_id}#{_range_key(relationship.other_id, relationship.kind)}"
    )


def _item(relationship: Relationship) -> RelationshipModel:
    return RelationshipModel(
        person_id=relationship.person_id,
        other_kind=_range_key(relationship.other_id, relationship.kind),
        other_id=relationship.other_id,
        kind=relationship.kind,
        note=relationship.note,
    )


def _relationship(item: RelationshipModel) -> Relationship:
    return Relationship(item.person_id, item.other_id, item.kind, item.note)


def of_person(person_id: str) -> list[Relationship]:
    """Both directions: each link was written on both people, so one query finds all."""
    return [_relationship(i) for i in RelationshipModel.query(person_id)]


def exists(relationship: Relationship) -> bool:
    key = _range_key(relationship.other_id, relationship.kind)
    return any(
        True for _ in RelationshipModel.query(relationship.person_id, RelationshipModel.other_kind == key)
    )


def add(relationship: Relationship, entry: AuditEntry) -> Relationship:
    """Conflict if either direction exists already (a duplicate or a concurrent add)."""
    change = Change(audit=entry, conflict_message=DUPLICATE)
    for row in (relationship, relationship.inverse()):
        change.save(_item(row), RelationshipModel.person_id.does_not_exist())
        change.lookups(row_ref(row), [], [uses_key(ref("person", row.other_id))])
    commit(change)
    return relationship


def remove(relationship: Relationship, entry: AuditEntry) -> None:
    if not exists(relationship):
        raise NotFound("this relationship does not exist (any more)")
    change = Change(audit=entry)
    for row in (relationship, relationship.inverse()):
        change.delete(_item(row))
        change.lookups(row_ref(row), [uses_key(ref("person", row.other_id))], [])
    commit(change)
