"""The catalogue over JSON: products, price lists and prices."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.catalogue import KINDS, UNITS, PriceList, Product
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.money import plain_amount
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint, string_fields

TEXT_FIELDS = (
    "code",
    "name",
    "kind",
    "specification",
    "unit",
    "vendor",
    "distributor",
    "tax_category",
    "external_id",
)
_PRODUCT_FIELDS: dict[str, Any] = {
    **{name: {"type": "string"} for name in TEXT_FIELDS},
    "kind": {"type": "string", "enum": list(KINDS)},
    "unit": {"type": "string", "enum": list(UNITS)},
    "stocked": {"type": "boolean"},
    "active": {"type": "boolean"},
}
PRODUCT: dict[str, Any] = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "created_at": {"type": "string"}, **_PRODUCT_FIELDS},
}
PRODUCT_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["code", "name"],
    "properties": _PRODUCT_FIELDS,
}
PRODUCT_PATCH: dict[str, Any] = {"type": "object", "properties": _PRODUCT_FIELDS}
PRODUCT_PAGE: dict[str, Any] = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": PRODUCT}, "next": {"type": ["string", "null"]}},
}
PRICE_LIST: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "tax_inclusive": {"type": "boolean"},
    },
}
PRICE_LIST_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["name", "currency"],
    "properties": {k: v for k, v in PRICE_LIST["properties"].items() if k != "id"},
}
PRICE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "price_list_id": {"type": "string"},
        "currency": {"type": "string"},
        "amount": {"type": "string", "examples": ["12.50"]},
        "amount_minor": {"type": "integer"},
    },
}
PRICE_INPUT: dict[str, Any] = {
    "type": "object",
    "description": "either amount (decimal text in the list's currency) or amount_minor (integer)",
    "properties": {
        "amount": {"type": "string", "examples": ["12.50", "1 234,50"]},
        "amount_minor": {"type": "integer", "minimum": 0},
    },
}


def product_json(product: Product, with_prices: bool = False) -> dict[str, Any]:
    from chalicelib.store import price_lists

    body: dict[str, Any] = {
        "id": product.id,
        "created_at": product.created_at.isoformat(),
        **product.fields(),
    }
    if with_prices:
        body["prices"] = [
            {
                "price_list_id": p.price_list_id,
                "currency": p.currency,
                "amount": plain_amount(p.amount_minor, p.currency),
                "amount_minor": p.amount_minor,
            }
            for p in price_lists.prices_of(product.id)
        ]
    return body


def price_list_json(price_list: PriceList) -> dict[str, Any]:
    return {"id": price_list.id, **price_list.fields(), "created_at": price_list.created_at.isoformat()}


def _product_body(body: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = dict(string_fields(body, TEXT_FIELDS))
    for flag in ("stocked", "active"):
        if flag in body:
            if not isinstance(body[flag], bool):
                raise ValidationError(f"{flag} must be true or false", field=flag)
            data[flag] = body[flag]
    return data


@endpoint(
    "/products",
    "GET",
    summary="Products sorted by name",
    scope=ApiScope.CATALOGUE_READ,
    response_schema=PRODUCT_PAGE,
    query=(("q", "name prefix, case and accent insensitive"), ("after", "cursor from `next`")),
)
def list_products(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import products

    found, next_cursor = products.page(prefix=ctx.query.get("q", ""), after=ctx.query.get("after") or None)
    return {"items": [product_json(p) for p in found], "next": next_cursor}


@endpoint(
    "/products",
    "POST",
    summary="Create a product or service",
    scope=ApiScope.CATALOGUE_WRITE,
    request_schema=PRODUCT_INPUT,
    response_schema=PRODUCT,
    status=201,
)
def post_product(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_catalogue import create_product

    data = _product_body(ctx.body)
    data.pop("active", None)
    return product_json(create_product(data, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/products/{product_id}",
    "GET",
    summary="One product with its prices",
    scope=ApiScope.CATALOGUE_READ,
    response_schema=PRODUCT,
)
def get_product(ctx: ApiContext, product_id: str) -> dict[str, Any]:
    from chalicelib.store import products

    return product_json(products.get(product_id), with_prices=True)


@endpoint(
    "/products/{product_id}",
    "PATCH",
    summary="Change some fields of a product; active=false withdraws it",
    scope=ApiScope.CATALOGUE_WRITE,
    request_schema=PRODUCT_PATCH,
    response_schema=PRODUCT,
)
def patch_product(ctx: ApiContext, product_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_catalogue import set_product_active, update_product

    data = _product_body(ctx.body)
    active = data.pop("active", None)
    product = update_product(product_id, data, actor=ctx.actor, now=ctx.now)
    if active is not None:
        product = set_product_active(product_id, active, actor=ctx.actor, now=ctx.now)
    return product_json(product, with_prices=True)


@endpoint(
    "/price-lists",
    "GET",
    summary="All price lists",
    scope=ApiScope.CATALOGUE_READ,
    response_schema={"type": "object", "properties": {"items": {"type": "array", "items": PRICE_LIST}}},
)
def list_price_lists(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import price_lists

    return {"items": [price_list_json(p) for p in price_lists.list_all()]}


@endpoint(
    "/price-lists",
    "POST",
    summary="Create a price list in one currency",
    scope=ApiScope.CATALOGUE_WRITE,
    request_schema=PRICE_LIST_INPUT,
    response_schema=PRICE_LIST,
    status=201,
)
def post_price_list(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_catalogue import create_price_list

    data: dict[str, Any] = dict(string_fields(ctx.body, ("name", "currency")))
    if "tax_inclusive" in ctx.body:
        if not isinstance(ctx.body["tax_inclusive"], bool):
            raise ValidationError("tax_inclusive must be true or false", field="tax_inclusive")
        data["tax_inclusive"] = ctx.body["tax_inclusive"]
    return price_list_json(create_price_list(data, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/products/{product_id}/prices/{price_list_id}",
    "PUT",
    summary="Set a product's price in a price list",
    scope=ApiScope.CATALOGUE_WRITE,
    request_schema=PRICE_INPUT,
    response_schema=PRICE,
)
def put_price(ctx: ApiContext, product_id: str, price_list_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_catalogue import set_price

    price = set_price(
        product_id,
        price_list_id,
        amount=ctx.body.get("amount"),
        amount_minor=ctx.body.get("amount_minor"),
        actor=ctx.actor,
        now=ctx.now,
    )
    return {
        "price_list_id": price.price_list_id,
        "currency": price.currency,
        "amount": plain_amount(price.amount_minor, price.currency),
        "amount_minor": price.amount_minor,
    }
