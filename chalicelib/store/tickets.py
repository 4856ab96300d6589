"""Tickets: numbered T-000001... in their own number series (store.invoices.with_next_number), in the
transaction that saves them: gapless and unique when many are opened at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import iso_utc
from chalicelib.domain.tickets import Ticket
from chalicelib.store import records
from chalicelib.store.models_service import TicketModel

SERIES = "tickets"  # a built-in number series (store.invoices.BUILT_IN)
CHANGED = "this ticket was changed by someone else since you opened it: reload it and try again"


def from_item(item: TicketModel) -> Ticket:
    return Ticket(
        id=item.id,
        number=item.number,
        customer_id=item.customer_id,
        item_id=item.item_id,
        contract_id=item.contract_id or "",
        description=item.description,
        urgency=item.urgency,
        status=item.status,
        created_at=item.created_at,
        updated_at=item.updated_at,
        created_by=item.created_by or "",
        version=int(item.version),
    )


def to_item(ticket: Ticket, version: int) -> TicketModel:
    return TicketModel(
        id=ticket.id,
        number=ticket.number,
        customer_id=ticket.customer_id,
        item_id=ticket.item_id,
        contract_id=ticket.contract_id or None,
        description=ticket.description,
        urgency=ticket.urgency,
        status=ticket.status,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        created_by=ticket.created_by,
        created_key=f"{iso_utc(ticket.created_at)}#{ticket.id}",
        version=version,
    )


def create_numbered(
    build: Callable[[str], Ticket], audit_of: Callable[[Ticket], AuditEntry], today: date, now: datetime
) -> Ticket:
    """Saves `build(number)` with the next number of the tickets series, its audit entry and the counter
    in one transaction (the invoices' numbering: a writer that lost the race takes the next number)."""
    from chalicelib.store import invoices

    def write(number: str, change: records.Change) -> Ticket:
        ticket = build(number)
        change.audit = audit_of(ticket)
        change.save(to_item(ticket, 1), TicketModel.id.does_not_exist())
        records.commit(change)
        return replace(ticket, version=1)

    return invoices.with_next_number(SERIES, today, now, write)


def save(before: Ticket, after: Ticket, entry: AuditEntry) -> Ticket:
    """`after` as the next version of `before` (refused if someone saved the ticket meanwhile)."""
    change = records.Change(audit=entry, conflict_message=CHANGED)
    records.save_version(change, lambda v: to_item(after, v), before.version)
    records.commit(change)
    return replace(after, version=before.version + 1)


def get(ticket_id: str, *, consistent: bool = False) -> Ticket:
    try:
        return from_item(TicketModel.get(ticket_id, consistent_read=consistent))
    except DoesNotExist:
        raise NotFound(f"no ticket {ticket_id}", field="ticket_id") from None


def recent(limit: int = 100, status: str = "") -> list[Ticket]:
    condition = TicketModel.status == status if status else None
    found = TicketModel.recent.query(
        "ticket", scan_index_forward=False, filter_condition=condition, limit=limit
    )
    return [from_item(i) for i in found]


def of_customer(customer_id: str, limit: int = 100) -> list[Ticket]:
    if not customer_id:
        return []
    found = TicketModel.by_customer.query(customer_id, scan_index_forward=False, limit=limit)
    return [from_item(i) for i in found]


def of_item(item_id: str, limit: int = 100) -> list[Ticket]:
    """Newest first; an item changes hands, so callers keep only their customer's tickets."""
    if not item_id:
        return []
    return [from_item(i) for i in TicketModel.by_item.query(item_id, scan_index_forward=False, limit=limit)]
