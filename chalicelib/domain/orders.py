"""Orders (C15): the one-off lines of an accepted quote, delivered once and invoiced once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib.domain.errors import Conflict

if TYPE_CHECKING:  # the API lists orders at cold start without loading the contract rules
    from chalicelib.domain.contracts import Line


class OrderStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


_MOVES: dict[str, tuple[frozenset[OrderStatus], OrderStatus]] = {
    "fulfil": (frozenset({OrderStatus.OPEN}), OrderStatus.FULFILLED),
    "cancel": (frozenset({OrderStatus.OPEN}), OrderStatus.CANCELLED),
}
ACTIONS = tuple(_MOVES)


def move(status: OrderStatus, action: str) -> OrderStatus:
    if action not in _MOVES:
        raise Conflict(f"unknown action {action!r}; actions: {', '.join(ACTIONS)}", field="action")
    allowed, target = _MOVES[action]
    if status not in allowed:
        raise Conflict(f"an order that is {status.value} cannot become {target.value}", field="status")
    return target


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    quote_id: str
    currency: str
    lines: tuple[Line, ...]
    created_at: datetime
    contract_id: str = ""  # the contract accepted with it, when the quote had recurring lines too
    status: OrderStatus = OrderStatus.OPEN
    version: int = 0

    @property
    def number(self) -> str:
        return f"O-{self.id[:8].upper()}"

    @property
    def total_minor(self) -> int:
        return sum((line.period_amount for line in self.lines), 0)

    @property
    def actions(self) -> list[str]:
        return [a for a, (allowed, _target) in _MOVES.items() if self.status in allowed]


def open_totals(orders: Iterable[Order]) -> dict[str, int]:
    """Open orders' value per currency (never added across currencies), sorted by currency."""
    totals: dict[str, int] = defaultdict(int)
    for order in orders:
        if order.status is OrderStatus.OPEN:
            totals[order.currency] += order.total_minor
    return dict(sorted(totals.items()))
