"""Contract statuses and the moves allowed between them (issue 4)."""

from __future__ import annotations

from enum import StrEnum

from chalicelib.domain.errors import Conflict


class Status(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    RENEWED = "renewed"  # replaced by its renewal: history, no longer billed


# action -> (statuses it may start from, status it leads to)
_MOVES: dict[str, tuple[frozenset[Status], Status]] = {
    "activate": (frozenset({Status.DRAFT}), Status.ACTIVE),
    "suspend": (frozenset({Status.ACTIVE}), Status.SUSPENDED),
    "resume": (frozenset({Status.SUSPENDED}), Status.ACTIVE),
    "cancel": (frozenset({Status.DRAFT, Status.ACTIVE, Status.SUSPENDED}), Status.CANCELLED),
    "expire": (frozenset({Status.ACTIVE, Status.SUSPENDED}), Status.EXPIRED),
    "renew": (frozenset({Status.ACTIVE, Status.SUSPENDED, Status.EXPIRED}), Status.RENEWED),
}
ACTIONS = tuple(_MOVES)
BILLABLE = frozenset({Status.ACTIVE})
CHANGEABLE = frozenset({Status.DRAFT, Status.ACTIVE, Status.SUSPENDED})  # lines, prices, quantities


def move(status: Status, action: str) -> Status:
    """The status after `action`; a Conflict naming both when the contract cannot do it now."""
    if action not in _MOVES:
        raise Conflict(f"unknown action {action!r}; actions: {', '.join(ACTIONS)}", field="action")
    allowed, target = _MOVES[action]
    if status not in allowed:
        raise Conflict(f"a {status.value} contract cannot {action}", field="status")
    return target


def allowed_actions(status: Status) -> list[str]:
    """What the contract screen offers for a contract in `status`."""
    return [action for action, (allowed, _target) in _MOVES.items() if status in allowed]


def ensure_billable(status: Status) -> None:
    if status not in BILLABLE:
        raise Conflict(f"a {status.value} contract is not billed", field="status")


def ensure_changeable(status: Status) -> None:
    if status not in CHANGEABLE:
        raise Conflict(f"a {status.value} contract can no longer be changed", field="status")
