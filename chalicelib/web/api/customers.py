"""Customers over JSON, for integrations."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.customer import Customer
from chalicelib.domain.roles import ApiScope
from chalicelib.services.manage_customers import create_customer, update_customer
from chalicelib.store import customers
from chalicelib.web.api import schemas
from chalicelib.web.api.routing import ApiContext, endpoint, string_fields

FIELDS = ("name", "email", "phone", "country", "currency", "locale", "timezone")


def as_json(customer: Customer) -> dict[str, Any]:
    return {"id": customer.id, "created_at": customer.created_at.isoformat(), **customer.fields()}


@endpoint(
    "/customers",
    "GET",
    summary="Customers sorted by name",
    scope=ApiScope.CUSTOMERS_READ,
    response_schema=schemas.CUSTOMER_PAGE,
    query=(("q", "name prefix, case and accent insensitive"), ("after", "cursor from `next`")),
)
def list_customers(ctx: ApiContext) -> dict[str, Any]:
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
    return as_json(create_customer(string_fields(ctx.body, FIELDS), actor=ctx.actor, now=ctx.now))


@endpoint(
    "/customers/{customer_id}",
    "GET",
    summary="One customer",
    scope=ApiScope.CUSTOMERS_READ,
    response_schema=schemas.CUSTOMER,
)
def get_customer(ctx: ApiContext, customer_id: str) -> dict[str, Any]:
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
    changed = update_customer(customer_id, string_fields(ctx.body, FIELDS), actor=ctx.actor, now=ctx.now)
    return as_json(changed)
