"""Receiving a verified Stripe event: stored once by its id, handed to the handlers at most once at a
time, each attempt's end recorded.

- first delivery: stored and claimed with one conditional write, then processed;
- a replay of a processed or ignored event: nothing happens ("duplicate");
- a delivery while another one is processing it: nothing happens ("in_progress"), unless that claim
  is older than STALE_CLAIM (its delivery died): then this one takes it over;
- a handler raising: the event is marked failed with the error and the endpoint answers 500, so
  Stripe sends it again; that delivery (or "process again" on the admin page) takes it over.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.errors import Conflict
from chalicelib.domain.stripe_event_log import (
    Status,
    StripeEvent,
    clip,
    failure_text,
    new_event,
    status_of_outcome,
)
from chalicelib.store import stripe_events as store

log = logging.getLogger(__name__)

DUPLICATE = "duplicate"
IN_PROGRESS = "in_progress"


@dataclass(frozen=True)
class Receipt:
    event_id: str
    status: str  # processed | ignored | failed | duplicate | in_progress
    outcome: str = ""

    @property
    def failed(self) -> bool:
        return self.status == Status.FAILED.value


def receive(event: dict[str, Any], *, now: datetime) -> Receipt:
    """`event` is the verified, parsed body (domain.stripe_event_log.parse_event)."""
    claim = secrets.token_hex(8)
    record = new_event(event, received_at=now, claim=claim)
    if store.claim_new(record):
        return _process(record, event, now)
    stored = store.get(record.id)
    if stored.done:
        return Receipt(stored.id, DUPLICATE, stored.outcome)
    if stored.status is Status.RECEIVED and not stored.claim_is_stale(now):
        return Receipt(stored.id, IN_PROGRESS)
    taken = store.take_over(stored, claim=claim, now=now)
    if taken is None:
        return Receipt(stored.id, IN_PROGRESS)
    return _process(taken, event, now)  # the delivered event: whole even when the stored one is cut


def process_again(event_id: str, *, now: datetime) -> Receipt:
    """Staff retry a failed event (or one whose delivery died) from its stored payload."""
    stored = store.get(event_id)
    if stored.payload_truncated:
        raise Conflict(
            "this event's payload was too large to keep whole, so it cannot be processed from here: "
            "resend it from the Stripe dashboard"
        )
    if not stored.can_process_again(now):
        raise Conflict(
            f"event {event_id} is {stored.status.value}: only a failed event can be processed again"
        )
    taken = store.take_over(stored, claim=secrets.token_hex(8), now=now)
    if taken is None:
        raise Conflict(f"event {event_id} was picked up meanwhile by another delivery: reload the page")
    return _process(taken, taken.payload, now)


def _process(record: StripeEvent, event: dict[str, Any], now: datetime) -> Receipt:
    from chalicelib.services import stripe_events  # the handlers import much of the product

    try:
        outcome = clip(stripe_events.handle(event, now=now))
    except Exception as error:
        log.exception("Stripe event %s (%s) failed", record.id, record.type)
        text = failure_text(error)
        store.finish(record.id, claim=record.claim, status=Status.FAILED, outcome=text, now=now)
        return Receipt(record.id, Status.FAILED.value, text)
    status = status_of_outcome(outcome)
    if not store.finish(record.id, claim=record.claim, status=status, outcome=outcome, now=now):
        log.warning("Stripe event %s was taken over by another delivery while it was processed", record.id)
    return Receipt(record.id, status.value, outcome)
