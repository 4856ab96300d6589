"""Staff work on tickets: moving one through open, in progress, resolved and closed (audited)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.tickets import Ticket, move


def change_status(ticket_id: str, status: str, *, version: str, actor: Actor, now: datetime) -> Ticket:
    """`version` is the one the form was made on: a ticket changed since is refused (409), not overwritten."""
    from chalicelib.store import tickets

    if not (version.isascii() and version.isdigit()):
        raise ValidationError("the form lost the ticket's version: reload the page", field="version")
    before = tickets.get(ticket_id, consistent=True)
    if before.version != int(version):
        raise Conflict(tickets.CHANGED)
    after = move(before, status, now)
    entry = actor.entry("ticket", before.id, "ticket.status", now, before.audited(), after.audited())
    return tickets.save(before, after, entry)
