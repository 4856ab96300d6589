"""Custom fields (C1, C2): defined by an admin per entity, validated on every save."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.domain.errors import ValidationError

TYPES = ("text", "number", "date", "choice")
ENTITIES = ("customer", "person")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class FieldDef:
    entity: str
    key: str
    label: str
    type: str
    choices: tuple[str, ...] = ()
    required: bool = False
    position: int = 0

    @property
    def form_name(self) -> str:
        return f"custom.{self.key}"


def define(
    entity: str, key: str, label: str, type_: str, choices: str = "", required: bool = False
) -> FieldDef:
    if entity not in ENTITIES:
        raise ValidationError(f"entity must be one of {', '.join(ENTITIES)}", field="entity")
    key = key.strip().lower()
    if not _KEY.match(key):
        raise ValidationError("key must be lower-case letters, digits and _, from a letter", field="key")
    label = label.strip()
    if not label:
        raise ValidationError("label is required", field="label")
    if type_ not in TYPES:
        raise ValidationError(f"type must be one of {', '.join(TYPES)}", field="type")
    options = tuple(c.strip() for c in choices.split(",") if c.strip()) if type_ == "choice" else ()
    if type_ == "choice" and len(options) < 2:
        raise ValidationError("a choice field needs at least two comma-separated choices", field="choices")
    return FieldDef(entity=entity, key=key, label=label[:80], type=type_, choices=options, required=required)


def clean_value(definition: FieldDef, raw: str) -> str | None:
    """One value as stored: text; numbers as canonical decimal text (no float); dates ISO."""
    value = (raw or "").strip()
    name, label = definition.form_name, definition.label
    if not value:
        if definition.required:
            raise ValidationError(f"{label} is required", field=name)
        return None
    if definition.type == "text":
        if len(value) > 1000:
            raise ValidationError(f"{label} must be at most 1000 characters", field=name)
        return value
    if definition.type == "number":
        try:
            number = Decimal(value.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            raise ValidationError(f"{label} must be a number", field=name) from None
        if not number.is_finite():
            raise ValidationError(f"{label} must be a number", field=name)
        return format(number.normalize(), "f")
    if definition.type == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError(f"{label} must be a date like 2026-11-23", field=name) from None
    if value not in definition.choices:
        raise ValidationError(f"{label} must be one of {', '.join(definition.choices)}", field=name)
    return value


def clean_values(definitions: list[FieldDef], raw: dict[str, str]) -> dict[str, Any]:
    """Validates every defined field; unknown keys are refused, not silently dropped."""
    known = {d.key: d for d in definitions}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValidationError(f"no custom field {unknown[0]!r} is defined", field=f"custom.{unknown[0]}")
    cleaned = {d.key: clean_value(d, raw.get(d.key, "")) for d in definitions}
    return {k: v for k, v in cleaned.items() if v is not None}
