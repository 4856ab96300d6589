"""Admin-defined custom fields and categories (C1, C2, C5)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from chalicelib.domain import categories as category_rules
from chalicelib.domain import custom_fields
from chalicelib.domain.audit import Actor
from chalicelib.domain.categories import Category
from chalicelib.domain.custom_fields import FieldDef
from chalicelib.store import fields


def define_field(
    entity: str,
    key: str,
    label: str,
    type_: str,
    choices: str,
    required: bool,
    *,
    actor: Actor,
    now: datetime,
) -> FieldDef:
    definition = custom_fields.define(entity, key, label, type_, choices, required)
    position = len(fields.field_defs(definition.entity))
    definition = FieldDef(**{**asdict(definition), "position": position})
    entry = actor.entry(
        "custom_field",
        f"{entity}.{definition.key}",
        "custom_field.defined",
        now,
        after={
            "label": definition.label,
            "type": definition.type,
            "choices": list(definition.choices),
            "required": definition.required,
        },
    )
    fields.save_field(definition, entry, new=True)
    return definition


def remove_field(entity: str, key: str, *, actor: Actor, now: datetime) -> None:
    # Stored values stay on the records (nothing is lost); they are no longer shown or validated.
    entry = actor.entry("custom_field", f"{entity}.{key}", "custom_field.removed", now)
    fields.delete_field(entity, key, entry)


def define_category(kind: str, code: str, label: str, *, actor: Actor, now: datetime) -> Category:
    category = category_rules.define(kind, code, label)
    entry = actor.entry("category", category.tag, "category.defined", now, after={"label": category.label})
    fields.save_category(category, entry)
    return category
