"""Relationships in DynamoDB Local: both directions or neither, duplicates refused."""

from __future__ import annotations

import pytest

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.domain.lookups import ref, uses_key
from chalicelib.domain.relationships import Relationship
from chalicelib.services.manage_relationships import add_relationship, remove_relationship
from chalicelib.store import audit, records, relationships
from chalicelib.store.models_activity import RelationshipModel
from tests.activity_helpers import make_person
from tests.service.conftest import NOW

ACTOR = Actor("u1", "ann@example.com")


def test_a_relationship_is_stored_on_both_people_with_the_inverse_kind() -> None:
    ann, bob = make_person("Ann"), make_person("Bob")
    add_relationship(ann, bob, "parent", "mother", actor=ACTOR, now=NOW)
    assert relationships.of_person(ann) == [Relationship(ann, bob, "parent", "mother")]
    assert relationships.of_person(bob) == [Relationship(bob, ann, "child", "mother")]
    assert records.refs(uses_key(ref("person", bob))) == [f"relationship#{ann}#{bob}#parent"]
    assert records.refs(uses_key(ref("person", ann))) == [f"relationship#{bob}#{ann}#child"]
    assert [e.action for e in audit.for_entity("person", ann)] == ["relationship.added"]


def test_duplicates_are_refused_from_either_side() -> None:
    ann, bob = make_person("Ann"), make_person("Bob")
    add_relationship(ann, bob, "manager", actor=ACTOR, now=NOW)
    with pytest.raises(Conflict, match="already have this relationship"):
        add_relationship(ann, bob, "manager", actor=ACTOR, now=NOW)
    with pytest.raises(Conflict):
        add_relationship(bob, ann, "report", actor=ACTOR, now=NOW)  # the same link seen from Bob
    assert len(list(RelationshipModel.scan())) == 2


def test_a_concurrent_duplicate_loses_in_the_transaction() -> None:
    ann, bob = make_person("Ann"), make_person("Bob")
    add_relationship(ann, bob, "sibling", actor=ACTOR, now=NOW)
    entry = ACTOR.entry("person", ann, "relationship.added", NOW)
    with pytest.raises(Conflict):
        relationships.add(Relationship(ann, bob, "sibling"), entry)  # skipping the service's check
    assert len(list(RelationshipModel.scan())) == 2


def test_bad_relationships_store_nothing() -> None:
    ann = make_person("Ann")
    cases = [
        (ann, ann, "spouse", "other_id"),
        (ann, "nobody", "spouse", "other_id"),
        ("nobody", ann, "spouse", "person_id"),
        (ann, make_person("Bob"), "cousin", "kind"),
    ]
    for person, other, kind, field in cases:
        with pytest.raises(ValidationError) as error:
            add_relationship(person, other, kind, actor=ACTOR, now=NOW)
        assert error.value.field == field
    assert list(RelationshipModel.scan()) == []


def test_removing_removes_both_directions_and_their_lookups() -> None:
    ann, bob = make_person("Ann"), make_person("Bob")
    add_relationship(ann, bob, "emergency_contact", actor=ACTOR, now=NOW)
    remove_relationship(bob, ann, "has_emergency_contact", actor=ACTOR, now=NOW)  # from the other side
    assert relationships.of_person(ann) == [] and relationships.of_person(bob) == []
    assert (
        records.refs(uses_key(ref("person", ann))) == [] and records.refs(uses_key(ref("person", bob))) == []
    )
    with pytest.raises(NotFound):
        remove_relationship(ann, bob, "emergency_contact", actor=ACTOR, now=NOW)
