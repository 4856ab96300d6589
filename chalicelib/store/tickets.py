"""Tickets: numbered from one counter in the transaction that saves them (gapless, unique under
concurrency: a writer that lost the race takes the next number and tries again)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.ids import iso_utc
from chalicelib.domain.tickets import Ticket, ticket_number
from chalicelib.store import records
from chalicelib.store.models_service import TicketCounterModel, TicketModel

SERIES = "tickets"
NUMBERS_MOVED = "another ticket took the number meanwhile"
NUMBER_ATTEMPTS = 40
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


def _last_seq() -> int:
    try:
        return int(TicketCounterModel.get(SERIES, consistent_read=True).last_seq)
    except DoesNotExist:
        return 0


def create_numbered(
    build: Callable[[str], Ticket], audit_of: Callable[[Ticket], AuditEntry], today: date
) -> Ticket:
    """Saves `build(number)` with the next number, its audit entry and the counter in one transaction."""
    for _attempt in range(NUMBER_ATTEMPTS):
        last = _last_seq()
        ticket = build(ticket_number(last + 1, today))
        counter = TicketCounterModel(series=SERIES, last_seq=last + 1)
        moved_on = (
            TicketCounterModel.series.does_not_exist() if last == 0 else TicketCounterModel.last_seq == last
        )
        change = records.Change(audit=audit_of(ticket))
        change.save(counter, moved_on, NUMBERS_MOVED)
        change.save(to_item(ticket, 1), TicketModel.id.does_not_exist())
        try:
            records.commit(change)
        except Conflict as error:
            if error.message not in (NUMBERS_MOVED, records.CONCURRENT):
                raise
            time.sleep(random.uniform(0, 0.03))  # noqa: S311 - jitter, not security
            continue
        return replace(ticket, version=1)
    raise Conflict("could not number the ticket: too many tickets opened at once; try again")


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
