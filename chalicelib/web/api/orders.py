"""Orders over JSON (C15): read only; they are made by accepting a quote."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.orders import Order, OrderStatus
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint

ORDER = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "number": {"type": "string", "examples": ["O-1A2B3C4D"]},
        "status": {"enum": [s.value for s in OrderStatus]},
        "currency": {"type": "string"},
        "total_minor": {"type": "integer"},
        "quote_id": {"type": "string"},
        "contract_id": {"type": "string"},
    },
}


def order_json(order: Order) -> dict[str, Any]:
    from chalicelib.store.orders import as_json

    return {**as_json(order), "number": order.number, "total_minor": order.total_minor}


@endpoint(
    "/orders",
    "GET",
    summary="Orders, newest first, with the total of open orders per currency",
    scope=ApiScope.CONTRACTS_READ,
    query=(("customer_id", "only this customer's"), ("status", "open, fulfilled or cancelled")),
)
def list_orders(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.domain.errors import ValidationError
    from chalicelib.domain.orders import open_totals
    from chalicelib.store import orders

    status = ctx.query.get("status", "")
    if status and status not in {s.value for s in OrderStatus}:
        raise ValidationError("status must be open, fulfilled or cancelled", field="status")
    customer_id = ctx.query.get("customer_id", "")
    found = orders.of_customer(customer_id) if customer_id else orders.recent(limit=200, status=status)
    return {
        "items": [order_json(o) for o in found if not status or o.status.value == status],
        "open_totals_minor": open_totals(orders.open_orders()),
    }


@endpoint(
    "/orders/{order_id}", "GET", summary="One order", scope=ApiScope.CONTRACTS_READ, response_schema=ORDER
)
def get_order(ctx: ApiContext, order_id: str) -> dict[str, Any]:
    from chalicelib.store import orders

    return order_json(orders.get(order_id))
