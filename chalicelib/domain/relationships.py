"""Relationships between people (C6): every kind has an inverse, so both people show the link.

A relationship stored on person P with kind K and other person O reads "O is P's K" for the
noun kinds ("parent", "manager") and "P <label> O" for the verb kinds ("assists").
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.errors import ValidationError

# kind -> (inverse kind, label shown on the page of the person who holds the row)
KINDS: dict[str, tuple[str, str]] = {
    "spouse": ("spouse", "spouse"),
    "partner": ("partner", "partner"),
    "parent": ("child", "parent"),
    "child": ("parent", "child"),
    "sibling": ("sibling", "sibling"),
    "manager": ("report", "manager"),
    "report": ("manager", "direct report"),
    "colleague": ("colleague", "colleague"),
    "emergency_contact": ("has_emergency_contact", "emergency contact"),
    "has_emergency_contact": ("emergency_contact", "is emergency contact of"),
    "assistant": ("assists", "assistant"),
    "assists": ("assistant", "assists"),
}
MAX_NOTE = 500


@dataclass(frozen=True)
class Relationship:
    person_id: str
    other_id: str
    kind: str
    note: str = ""

    @property
    def label(self) -> str:
        return KINDS[self.kind][1]

    def inverse(self) -> Relationship:
        return Relationship(self.other_id, self.person_id, KINDS[self.kind][0], self.note)

    def fields(self) -> dict[str, str]:
        return {"person_id": self.person_id, "other_id": self.other_id, "kind": self.kind, "note": self.note}


def inverse_kind(kind: str) -> str:
    return KINDS[parse_kind(kind)][0]


def parse_kind(value: str) -> str:
    kind = (value or "").strip().lower().replace(" ", "_")
    if not kind:
        raise ValidationError("kind is required", field="kind")
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", field="kind")
    return kind


def new_relationship(person_id: str, other_id: str, kind: str, note: str = "") -> Relationship:
    """Checks what needs no storage: the kind, the other person given, not oneself, the note."""
    person = (person_id or "").strip()
    other = (other_id or "").strip()
    if not other:
        raise ValidationError("choose the other person", field="other_id")
    if other == person:
        raise ValidationError("a person cannot be related to themselves", field="other_id")
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(f"note must be at most {MAX_NOTE} characters", field="note")
    return Relationship(person, other, parse_kind(kind), text)
