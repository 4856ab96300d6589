"""Relationship kinds and their inverses; what a relationship may not be."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.relationships import KINDS, Relationship, inverse_kind, new_relationship


@pytest.mark.parametrize(
    ("kind", "inverse"),
    [
        ("spouse", "spouse"),
        ("partner", "partner"),
        ("parent", "child"),
        ("child", "parent"),
        ("sibling", "sibling"),
        ("manager", "report"),
        ("report", "manager"),
        ("colleague", "colleague"),
        ("emergency_contact", "has_emergency_contact"),
        ("has_emergency_contact", "emergency_contact"),
        ("assistant", "assists"),
        ("assists", "assistant"),
    ],
)
def test_each_kind_has_its_inverse(kind: str, inverse: str) -> None:
    assert inverse_kind(kind) == inverse
    assert inverse_kind(inverse) == kind  # the inverse of the inverse is the kind itself


def test_every_kind_is_listed_with_an_inverse_that_is_a_kind() -> None:
    assert all(inverse in KINDS for inverse, _label in KINDS.values())


def test_the_inverse_row_swaps_the_people_and_keeps_the_note() -> None:
    relationship = new_relationship("ann", "bob", "Emergency contact", " neighbour ")
    assert relationship == Relationship("ann", "bob", "emergency_contact", "neighbour")
    assert relationship.inverse() == Relationship("bob", "ann", "has_emergency_contact", "neighbour")
    assert relationship.label == "emergency contact"
    assert relationship.inverse().label == "is emergency contact of"


@pytest.mark.parametrize(
    ("other", "kind", "note", "field", "says"),
    [
        ("ann", "spouse", "", "other_id", "cannot be related to themselves"),
        ("", "spouse", "", "other_id", "choose the other person"),
        ("bob", "", "", "kind", "kind is required"),
        ("bob", "cousin", "", "kind", "kind must be one of"),
        ("bob", "spouse", "x" * 501, "note", "at most 500"),
    ],
)
def test_bad_relationships_name_the_field(other: str, kind: str, note: str, field: str, says: str) -> None:
    with pytest.raises(ValidationError) as error:
        new_relationship("ann", other, kind, note)
    assert error.value.field == field and says in error.value.message
