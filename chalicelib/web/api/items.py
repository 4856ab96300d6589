"""Installed items over JSON: by owner or by serial, register, change, transfer by changing the owner."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.items import Item
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint, string_fields

FIELDS = (
    "product_id",
    "product_code",
    "serial",
    "model",
    "manufacturer_no",
    "owner_id",
    "install_address_id",
    "install_date",
    "external_id",
    "notes",
)
_ITEM_FIELDS: dict[str, Any] = {
    **{name: {"type": "string"} for name in FIELDS if name != "product_code"},
    "install_address_id": {"type": ["string", "null"]},
    "install_date": {"type": ["string", "null"], "format": "date"},
}
ITEM: dict[str, Any] = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "created_at": {"type": "string"}, **_ITEM_FIELDS},
}
ITEM_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["serial", "owner_id"],
    "description": "name the product by product_id or product_code",
    "properties": {**_ITEM_FIELDS, "product_code": {"type": "string"}},
}
ITEM_PATCH: dict[str, Any] = {
    "type": "object",
    "description": "changing owner_id transfers the item",
    "properties": ITEM_INPUT["properties"],
}
ITEM_LIST: dict[str, Any] = {"type": "object", "properties": {"items": {"type": "array", "items": ITEM}}}


def item_json(item: Item) -> dict[str, Any]:
    return {"id": item.id, "created_at": item.created_at.isoformat(), **item.fields()}


def _body(body: dict[str, Any]) -> dict[str, Any]:
    nullable = {k: body[k] for k in ("install_address_id", "install_date") if k in body and body[k] is None}
    return {**string_fields(body, FIELDS), **{k: "" for k in nullable}}


@endpoint(
    "/items",
    "GET",
    summary="A customer's items, or the items with a serial number (across products)",
    scope=ApiScope.ITEMS_READ,
    response_schema=ITEM_LIST,
    query=(("owner_id", "customer id"), ("serial", "serial number; spaces, dashes and case do not matter")),
)
def list_items(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import items

    if ctx.query.get("serial"):
        return {"items": [item_json(i) for i in items.by_serial(ctx.query["serial"])]}
    if ctx.query.get("owner_id"):
        return {"items": [item_json(i) for i in items.of_owner(ctx.query["owner_id"])]}
    raise ValidationError("ask for ?owner_id= or ?serial=", field="owner_id")


@endpoint(
    "/items",
    "POST",
    summary="Register an installed item",
    scope=ApiScope.ITEMS_WRITE,
    request_schema=ITEM_INPUT,
    response_schema=ITEM,
    status=201,
)
def post_item(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_items import register_item

    return item_json(register_item(_body(ctx.body), actor=ctx.actor, now=ctx.now))


@endpoint("/items/{item_id}", "GET", summary="One item", scope=ApiScope.ITEMS_READ, response_schema=ITEM)
def get_item(ctx: ApiContext, item_id: str) -> dict[str, Any]:
    from chalicelib.store import items

    return item_json(items.get(item_id))


@endpoint(
    "/items/{item_id}",
    "PATCH",
    summary="Change some fields of an item; a new owner_id transfers it",
    scope=ApiScope.ITEMS_WRITE,
    request_schema=ITEM_PATCH,
    response_schema=ITEM,
)
def patch_item(ctx: ApiContext, item_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_items import update_item

    return item_json(update_item(item_id, _body(ctx.body), actor=ctx.actor, now=ctx.now))
