"""Custom field definitions and categories to read, and duplicates and merges, over JSON."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import custom_fields
from chalicelib.domain.custom_fields import FieldDef
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.lookups import split_ref
from chalicelib.domain.roles import ApiScope
from chalicelib.store import fields
from chalicelib.web.api.routing import ApiContext, endpoint, string_fields

# Duplicate finding and merging are imported inside their handlers (rarely used, not needed at cold start).
ENTITIES = ("customer", "person", "address")  # services.merge_records.ENTITIES
MERGE_FIELDS = ("entity", "original_id", "duplicate_id")
MERGE_INPUT: dict[str, Any] = {
    "type": "object",
    "required": list(MERGE_FIELDS),
    "properties": {
        "entity": {"type": "string", "enum": list(ENTITIES)},
        "original_id": {"type": "string", "description": "the record that stays"},
        "duplicate_id": {"type": "string", "description": "the record merged into it"},
    },
}


def field_json(definition: FieldDef) -> dict[str, Any]:
    return {
        "key": definition.key,
        "label": definition.label,
        "type": definition.type,
        "choices": list(definition.choices),
        "required": definition.required,
        "position": definition.position,
    }


@endpoint(
    "/custom-fields",
    "GET",
    summary="The custom fields defined for customers or people, in form order",
    scope=ApiScope.CUSTOMERS_READ,
    query=(("entity", "customer or person"),),
)
def list_custom_fields(ctx: ApiContext) -> dict[str, Any]:
    entity = ctx.query.get("entity", "")
    if entity not in custom_fields.ENTITIES:
        raise ValidationError(f"entity must be one of {', '.join(custom_fields.ENTITIES)}", field="entity")
    return {"items": [field_json(d) for d in fields.field_defs(entity)]}


@endpoint(
    "/categories", "GET", summary="The defined categories (kind:code tags)", scope=ApiScope.CUSTOMERS_READ
)
def list_categories(ctx: ApiContext) -> dict[str, Any]:
    return {
        "items": [
            {"tag": c.tag, "kind": c.kind, "code": c.code, "label": c.label} for c in fields.categories()
        ]
    }


@endpoint(
    "/duplicates",
    "GET",
    summary="Records that look like this one, with the reasons (same name, email, phone, tax id, street)",
    scope=ApiScope.MERGE,
    query=(("ref", "customer#<id>, person#<id> or address#<id> (URL-encode # as %23)"),),
)
def list_duplicates(ctx: ApiContext) -> dict[str, Any]:
    ref = ctx.query.get("ref", "").strip()
    entity, record_id = split_ref(ref)
    if entity not in ENTITIES or not record_id:
        raise ValidationError("ask for ?ref=customer%23<id>, person%23<id> or address%23<id>", field="ref")
    from chalicelib.services import find_duplicates

    try:
        found = find_duplicates.candidates_for(entity, record_id)
    except NotFound as error:
        raise NotFound(error.message, field="ref") from None
    return {
        "ref": ref,
        "items": [{"ref": c.ref, "label": c.label, "reasons": list(c.reasons)} for c in found],
    }


@endpoint(
    "/merges",
    "POST",
    summary="Merge a duplicate into the original: the original fills its empty fields from the duplicate, "
    "every reference moves to it, the duplicate becomes a redirect. Safe to repeat",
    scope=ApiScope.MERGE,
    request_schema=MERGE_INPUT,
)
def post_merge(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.merge_records import merge

    data = string_fields(ctx.body, MERGE_FIELDS)
    for name in MERGE_FIELDS:
        if not data.get(name, "").strip():
            raise ValidationError(f"{name} is required", field=name)
    moved = merge(data["entity"], data["original_id"], data["duplicate_id"], actor=ctx.actor, now=ctx.now)
    return {**{name: data[name] for name in MERGE_FIELDS}, **moved}
