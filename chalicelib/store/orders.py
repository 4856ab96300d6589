"""Orders: created inside a quote's acceptance transaction, later fulfilled or cancelled."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.contracts import Line
from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import iso_utc
from chalicelib.domain.orders import Order, OrderStatus
from chalicelib.store import audit, records
from chalicelib.store.models_sales import OrderModel

CONFLICT = "this order was changed by someone else since you opened it: reload it and try again"


def as_json(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "customer_id": order.customer_id,
        "quote_id": order.quote_id,
        "contract_id": order.contract_id,
        "currency": order.currency,
        "lines": [line.as_json() for line in order.lines],
        "status": order.status.value,
        "created_at": order.created_at.isoformat(),
    }


def from_item(item: Any) -> Order:
    data = item.body
    return Order(
        id=data["id"],
        customer_id=data["customer_id"],
        quote_id=data["quote_id"],
        contract_id=data.get("contract_id", ""),
        currency=data["currency"],
        lines=tuple(Line.from_json(line) for line in data.get("lines", ())),
        status=OrderStatus(data["status"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        version=int(item.version),
    )


def to_item(order: Order, version: int) -> OrderModel:
    return OrderModel(
        id=order.id,
        customer_id=order.customer_id,
        quote_id=order.quote_id,
        status=order.status.value,
        created_key=f"{iso_utc(order.created_at)}#{order.id}",
        pending="open" if order.status is OrderStatus.OPEN else None,
        body=as_json(order),
        version=version,
    )


def add_save(change: records.Change, before: Order | None, after: Order, entry: AuditEntry) -> Order:
    """Adds the order and its audit entry to `change`: a new order must not exist yet."""
    item = records.save_version(change, lambda v: to_item(after, v), before.version if before else None)
    change.save(audit.to_item(entry))
    return replace(after, version=int(item.version))


def save(before: Order | None, after: Order, entry: AuditEntry) -> Order:
    change = records.Change(conflict_message=CONFLICT)
    saved = add_save(change, before, after, entry)
    records.commit(change)
    return saved


def get(order_id: str, *, consistent: bool = False) -> Order:
    try:
        return from_item(OrderModel.get(order_id, consistent_read=consistent))
    except DoesNotExist:
        raise NotFound(f"no order {order_id}", field="order_id") from None


def recent(limit: int = 100, status: str = "") -> list[Order]:
    condition = OrderModel.status == status if status else None
    found = OrderModel.recent.query(
        "order", scan_index_forward=False, filter_condition=condition, limit=limit
    )
    return [from_item(i) for i in found]


def of_customer(customer_id: str, limit: int = 100) -> list[Order]:
    found = OrderModel.by_customer.query(customer_id, scan_index_forward=False, limit=limit)
    return [from_item(i) for i in found]


def open_orders() -> list[Order]:
    """Every open order (a sparse index: done orders cost nothing here)."""
    return [from_item(i) for i in OrderModel.open_orders.query("open")]
