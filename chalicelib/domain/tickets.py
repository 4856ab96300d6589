"""Tickets (issue 7, item 7): a customer's complaint about an item, numbered T-000001, T-000002...

A ticket is what the service desk works on: open -> in progress -> resolved -> closed, and reopened when
the problem comes back. Numbers come from one counter, taken in the transaction that saves the ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import ValidationError

if TYPE_CHECKING:
    from chalicelib.domain.contracts import Contract

NUMBER_FORMAT = "T-{seq:06}"
STATUSES = ("open", "in_progress", "resolved", "closed")
STATUS_LABELS = {"open": "open", "in_progress": "in progress", "resolved": "resolved", "closed": "closed"}
URGENCIES = ("low", "normal", "high")
DEFAULT_URGENCY = "normal"
MAX_DESCRIPTION = 4000
# Where each status may go next (a resolved or closed ticket is reopened when the problem comes back).
MOVES: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "resolved", "closed"),
    "in_progress": ("open", "resolved", "closed"),
    "resolved": ("open", "closed"),
    "closed": ("open",),
}


@dataclass(frozen=True)
class Ticket:
    id: str
    number: str
    customer_id: str
    item_id: str
    contract_id: str  # the contract servicing the item when it was reported ("" if none)
    description: str
    urgency: str
    status: str
    created_at: datetime
    updated_at: datetime
    created_by: str  # the actor's id ("customer:<id>" from the portal)
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "in_progress")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def audited(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "customer_id": self.customer_id,
            "item_id": self.item_id,
            "contract_id": self.contract_id,
            "urgency": self.urgency,
            "status": self.status,
        }


@dataclass(frozen=True)
class Complaint:
    description: str
    urgency: str


def validate_complaint(data: dict[str, Any]) -> Complaint:
    """What the customer typed: a description (required, at most 4000 characters) and an urgency."""
    raw = data.get("description")
    if raw is not None and not isinstance(raw, str):
        raise ValidationError("description must be text", field="description")
    description = (raw or "").replace("\r\n", "\n").strip()
    if not description:
        raise ValidationError("description is required: tell us what is wrong", field="description")
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(
            f"description must be at most {MAX_DESCRIPTION} characters", field="description"
        )
    urgency = data.get("urgency") or DEFAULT_URGENCY
    if urgency not in URGENCIES:
        raise ValidationError(f"urgency must be one of {', '.join(URGENCIES)}", field="urgency")
    return Complaint(description, str(urgency))


def check_status(value: Any) -> str:
    if value not in STATUSES:
        raise ValidationError(f"status must be one of {', '.join(STATUSES)}", field="status")
    return str(value)


def move(ticket: Ticket, status: Any, now: datetime) -> Ticket:
    """The ticket in its new status; the same status or a move the desk does not make is refused."""
    status = check_status(status)
    if status == ticket.status:
        raise ValidationError(f"ticket {ticket.number} is already {ticket.status_label}", field="status")
    if status not in MOVES[ticket.status]:
        raise ValidationError(
            f"a {ticket.status_label} ticket cannot become {STATUS_LABELS[status]}", field="status"
        )
    return replace(ticket, status=status, updated_at=now)


def servicing_contract(contracts: Iterable[Contract], item_id: str, day: date) -> Contract | None:
    """The contract whose lines carry the item on `day` (a running one first); None when none does."""
    from chalicelib.domain.contract_lifecycle import Status

    carrying = [c for c in contracts if item_id in c.item_ids(day)]
    carrying.sort(key=lambda c: (c.status is not Status.ACTIVE, c.status is not Status.SUSPENDED, c.id))
    return carrying[0] if carrying else None
