"""Adding and removing relationships between people, audited on the person it was done from."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.lookups import ref
from chalicelib.domain.relationships import Relationship, new_relationship, parse_kind
from chalicelib.store import relationships, subjects
from chalicelib.store.relationships import DUPLICATE


def add_relationship(
    person_id: str, other_id: str, kind: str, note: str = "", *, actor: Actor, now: datetime
) -> Relationship:
    relationship = new_relationship(person_id, other_id, kind, note)
    if not subjects.exists(ref("person", relationship.person_id)):
        raise ValidationError(f"no person {relationship.person_id}", field="person_id")
    if not subjects.exists(ref("person", relationship.other_id)):
        raise ValidationError(f"other_id: no person {relationship.other_id}", field="other_id")
    if relationships.exists(relationship):
        raise Conflict(DUPLICATE)
    entry = actor.entry("person", person_id, "relationship.added", now, after=relationship.fields())
    return relationships.add(relationship, entry)


def remove_relationship(person_id: str, other_id: str, kind: str, *, actor: Actor, now: datetime) -> None:
    """Removes both directions."""
    relationship = Relationship(person_id, other_id, parse_kind(kind))
    entry = actor.entry("person", person_id, "relationship.removed", now, before=relationship.fields())
    relationships.remove(relationship, entry)
