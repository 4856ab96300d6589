"""Customers over JSON, for integrations."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.customer import TEXT_FIELDS, Customer
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api import schemas
from chalicelib.web.api.record_body import record_body
from chalicelib.web.api.routing import ApiContext, endpoint

SEARCHABLE = ("email", "phone", "code", "tax", "ext")


def as_json(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "created_at": customer.created_at.isoformat(),
        **customer.fields(),
        "address_id": customer.address_id,
        "custom": customer.custom,
        "categories": sorted(customer.categories),
    }


@endpoint(
    "/customers",
    "GET",
    summary="Customers sorted by name",
    scope=ApiScope.CUSTOMERS_READ,
    response_schema=schemas.CUSTOMER_PAGE,
    query=(
        ("q", "name prefix, case and accent insensitive"),
        ("after", "cursor from `next`"),
        *((k, f"exact {k} (instead of q)") for k in SEARCHABLE),
        ("category", "kind:code"),
    ),
)
def list_customers(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import customers

    for kind in SEARCHABLE:
        if ctx.query.get(kind):
            return {"items": [as_json(c) for c in customers.find(kind, ctx.query[kind])], "next": None}
    if ctx.query.get("category"):
        return {"items": [as_json(c) for c in customers.in_category(ctx.query["category"])], "next": None}
    found, next_cursor = customers.page(prefix=ctx.query.get("q", ""), after=ctx.query.get("after") or None)
    return {"items": [as_json(c) for c in found], "next": next_cursor}


@endpoint(
    "/customers",
    "POST",
    summary="Create a customer",
    scope=ApiScope.CUSTOMERS_WRITE,
    request_schema=schemas.CUSTOMER_INPUT,
    response_schema=schemas.CUSTOMER,
    status=201,
)
def post_customer(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_customers import create_customer

    return as_json(create_customer(record_body(ctx.body, TEXT_FIELDS), actor=ctx.actor, now=ctx.now))


@endpoint(
    "/customers/{customer_id}",
    "GET",
    summary="One customer",
    scope=ApiScope.CUSTOMERS_READ,
    response_schema=schemas.CUSTOMER,
)
def get_customer(ctx: ApiContext, customer_id: str) -> dict[str, Any]:
    from chalicelib.store import customers

    return as_json(customers.get(customer_id))


@endpoint(
    "/customers/{customer_id}",
    "PATCH",
    summary="Change some fields of a customer",
    scope=ApiScope.CUSTOMERS_WRITE,
    request_schema=schemas.CUSTOMER_PATCH,
    response_schema=schemas.CUSTOMER,
)
def patch_customer(ctx: ApiContext, customer_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_customers import update_customer

    changed = update_customer(customer_id, record_body(ctx.body, TEXT_FIELDS), actor=ctx.actor, now=ctx.now)
    return as_json(changed)
