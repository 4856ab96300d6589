"""Orders after acceptance (C15): fulfilled when delivered, or cancelled; audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.orders import Order, move
from chalicelib.store import orders


def change_order_status(order_id: str, action: str, *, actor: Actor, now: datetime) -> Order:
    before = orders.get(order_id, consistent=True)
    after = replace(before, status=move(before.status, action))
    entry = actor.entry(
        "order",
        order_id,
        f"order.{action}",
        now,
        {"status": before.status.value},
        {"status": after.status.value},
    )
    return orders.save(before, after, entry)
