"""Incoming Stripe events as we keep them: one record per event id with its processing state.

A delivery claims the record (status "received", a random claim token and the time) before the
handlers run and finishes it as processed, ignored or failed. A claim older than STALE_CLAIM belongs
to a delivery that died mid-way (a Lambda timeout): the next delivery may take it over.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import ValidationError

STALE_CLAIM = timedelta(minutes=5)
# A DynamoDB item holds at most 400 KB; Stripe events are mostly a few KB. Bigger payloads are kept
# as a summary (the event's own fields and the object's plain values) and marked truncated.
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_TEXT = 2000  # outcome and error texts
MAX_SUMMARY_VALUE = 500
KEEP_FOR = timedelta(days=400)  # Stripe resends for 3 days and keeps events 30: a year is plenty


class Status(StrEnum):
    RECEIVED = "received"  # stored, claimed by the delivery processing it
    PROCESSED = "processed"
    IGNORED = "ignored"
    FAILED = "failed"


DONE = frozenset({Status.PROCESSED, Status.IGNORED})


@dataclass(frozen=True)
class StripeEvent:
    id: str
    type: str
    created: datetime  # when Stripe created the event
    received_at: datetime  # its first delivery
    status: Status
    attempts: int  # processing attempts (a duplicate delivery is not one)
    livemode: bool
    object_id: str
    stripe_customer_id: str
    payload: dict[str, Any]
    payload_truncated: bool = False
    outcome: str = ""
    claim: str = ""
    claimed_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.status in DONE

    def claim_is_stale(self, now: datetime) -> bool:
        if self.status is not Status.RECEIVED:
            return False
        return self.claimed_at is None or now - self.claimed_at > STALE_CLAIM

    def can_process_again(self, now: datetime) -> bool:
        return not self.payload_truncated and (self.status is Status.FAILED or self.claim_is_stale(now))

    @property
    def pretty_payload(self) -> str:
        return json.dumps(self.payload, indent=2, sort_keys=True, ensure_ascii=False)


def parse_event(body: bytes) -> dict[str, Any]:
    """The verified body as an event: a JSON object with an id, a type and a creation time."""
    try:
        event = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError("the body is not valid JSON", field="body") from None
    if not isinstance(event, dict):
        raise ValidationError("the body is not a JSON object (a Stripe event)", field="body")
    for name in ("id", "type"):
        value = event.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > 255:
            raise ValidationError(f"the event has no valid {name}", field=name)
    created = event.get("created")
    if isinstance(created, bool) or not isinstance(created, int) or created < 0:
        raise ValidationError("the event has no valid created time", field="created")
    return event


def _object(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data")
    found = data.get("object") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def _id_of(value: Any) -> str:
    """A reference is an id string, or the object itself when Stripe expanded it."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def object_id(event: dict[str, Any]) -> str:
    return _id_of(_object(event))


def stripe_customer_id(event: dict[str, Any]) -> str:
    obj = _object(event)
    if obj.get("object") == "customer":
        return _id_of(obj)
    return _id_of(obj.get("customer"))


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def _summary_value(value: Any) -> Any:
    return value[:MAX_SUMMARY_VALUE] if isinstance(value, str) else value


def stored_payload(event: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(what we keep, whether it was cut): the whole event when it fits, else a summary."""
    size = _size(event)
    if size <= MAX_PAYLOAD_BYTES:
        return event, False
    head = {k: _summary_value(v) for k, v in event.items() if k != "data" and _plain(v)}
    obj = {k: _summary_value(v) for k, v in _object(event).items() if _plain(v)}
    summary = {**head, "data": {"object": obj}, "crm_truncated": {"original_bytes": size}}
    if _size(summary) > MAX_PAYLOAD_BYTES:
        kept = {k: obj[k] for k in ("id", "object", "customer", "status") if k in obj}
        summary = {**head, "data": {"object": kept}, "crm_truncated": {"original_bytes": size}}
    return summary, True


def new_event(event: dict[str, Any], *, received_at: datetime, claim: str) -> StripeEvent:
    """The record of a first delivery, claimed by it."""
    payload, truncated = stored_payload(event)
    return StripeEvent(
        id=event["id"],
        type=event["type"],
        created=datetime.fromtimestamp(event["created"], UTC),
        received_at=received_at,
        status=Status.RECEIVED,
        attempts=1,
        livemode=bool(event.get("livemode", False)),
        object_id=object_id(event),
        stripe_customer_id=stripe_customer_id(event),
        payload=payload,
        payload_truncated=truncated,
        claim=claim,
        claimed_at=received_at,
    )


def status_of_outcome(outcome: str) -> Status:
    """The handlers say "ignored: why" for events that change nothing; anything else was processed."""
    return Status.IGNORED if outcome.strip().lower().startswith("ignored") else Status.PROCESSED


def failure_text(error: BaseException) -> str:
    return clip(f"failed: {type(error).__name__}: {error}")


def clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
