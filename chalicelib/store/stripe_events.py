"""Stored Stripe events: claimed by a conditional write, finished by the claim's holder, listed newest
first (all, or of one status)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import iso_utc
from chalicelib.domain.stripe_event_log import KEEP_FOR, Status, StripeEvent
from chalicelib.store.models_stripe_events import StripeEventModel

LISTING = "event"
_CONDITION_FAILED = "ConditionalCheckFailedException"


def to_item(event: StripeEvent) -> StripeEventModel:
    return StripeEventModel(
        id=event.id,
        type=event.type,
        created=event.created,
        received_at=event.received_at,
        received_key=f"{iso_utc(event.received_at)}#{event.id}",
        listing=LISTING,
        status=event.status.value,
        outcome=event.outcome or None,
        attempts=event.attempts,
        livemode=event.livemode,
        object_id=event.object_id or None,
        stripe_customer_id=event.stripe_customer_id or None,
        payload=event.payload,
        payload_truncated=event.payload_truncated,
        claim=event.claim or None,
        claimed_at=event.claimed_at,
        finished_at=event.finished_at,
        expires_at=event.received_at + KEEP_FOR,
    )


def from_item(item: Any) -> StripeEvent:
    return StripeEvent(
        id=item.id,
        type=item.type,
        created=item.created,
        received_at=item.received_at,
        status=Status(item.status),
        attempts=int(item.attempts or 1),
        livemode=bool(item.livemode),
        object_id=item.object_id or "",
        stripe_customer_id=item.stripe_customer_id or "",
        payload=item.payload,
        payload_truncated=bool(item.payload_truncated),
        outcome=item.outcome or "",
        claim=item.claim or "",
        claimed_at=item.claimed_at,
        finished_at=item.finished_at,
    )


def claim_new(event: StripeEvent) -> bool:
    """Stores a first delivery, claimed; False when the event id is stored already."""
    try:
        to_item(event).save(condition=StripeEventModel.id.does_not_exist())
    except PutError as error:
        if error.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True


def get(event_id: str) -> StripeEvent:
    try:
        return from_item(StripeEventModel.get(event_id, consistent_read=True))
    except DoesNotExist:
        raise NotFound(f"no Stripe event {event_id!r} was received") from None


def take_over(stored: StripeEvent, *, claim: str, now: datetime) -> StripeEvent | None:
    """Claims a failed event, or one whose claim went stale, for another attempt; None when another
    delivery changed it since `stored` was read (it took it over first, or finished it)."""
    item = StripeEventModel(id=stored.id)
    try:
        item.update(
            actions=[
                StripeEventModel.status.set(Status.RECEIVED.value),
                StripeEventModel.claim.set(claim),
                StripeEventModel.claimed_at.set(now),
                StripeEventModel.attempts.set(stored.attempts + 1),
            ],
            condition=(StripeEventModel.status == stored.status.value)
            & (StripeEventModel.attempts == stored.attempts),
        )
    except UpdateError as error:
        if error.cause_response_code == _CONDITION_FAILED:
            return None
        raise
    return from_item(item)


def finish(event_id: str, *, claim: str, status: Status, outcome: str, now: datetime) -> bool:
    """Records how an attempt ended; False (nothing written) when `claim` no longer holds the event."""
    try:
        StripeEventModel(id=event_id).update(
            actions=[
                StripeEventModel.status.set(status.value),
                StripeEventModel.outcome.set(outcome),
                StripeEventModel.finished_at.set(now),
                StripeEventModel.claim.remove(),
                StripeEventModel.claimed_at.remove(),
            ],
            condition=StripeEventModel.claim == claim,
        )
    except UpdateError as error:
        if error.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True


def recent(*, status: Status | None = None, limit: int = 100) -> list[StripeEvent]:
    """Newest first by first delivery; of one status when given."""
    if status is None:
        found = StripeEventModel.recent.query(LISTING, scan_index_forward=False, limit=limit)
    else:
        found = StripeEventModel.by_status.query(status.value, scan_index_forward=False, limit=limit)
    return [from_item(i) for i in found]
