"""Outgoing webhooks (X6): public event types from audit entries, signatures, the retry schedule.

Every change writes an audit entry in its own transaction, so the audit log is the outbox: a job
reads it a minute behind the clock and turns entries into events for the registered endpoints.
Pure: no I/O, every instant comes in as an argument.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import ValidationError

ALL_EVENTS = "*"
TEST_EVENT = "webhook.test"
SIGNATURE_HEADER = "X-CRM-Signature"
SIGNATURE_TOLERANCE = timedelta(minutes=5)  # what receivers should accept; see verify()
TIMEOUT_SECONDS = 10
EXCERPT_CHARS = 500
MAX_LOGGED_ATTEMPTS = 20
# After a failed attempt, the next one comes after: 1 min, 5 min, 30 min, 2 h, 8 h, 24 h; then it has failed.
BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
    timedelta(hours=24),
)
MAX_TRIES = len(BACKOFF) + 1

# Every event type a receiver can choose, with what it means. Actions of published records that are
# not listed (added later) go out under their own name: "all events" and "<object>.*" receive them.
EVENT_TYPES: dict[str, str] = {
    "contract.created": "A contract was created (by hand, from a quote, by a renewal or a split)",
    "contract.activated": "A draft contract was activated",
    "contract.suspended": "A contract was suspended",
    "contract.resumed": "A suspended contract was resumed",
    "contract.cancelled": "A cancellation was asked for (with its date) or carried out",
    "contract.expired": "A contract reached its end date without renewal",
    "contract.renewed": "A contract was renewed into its next term",
    "contract.renewal_reminder": "A renewal reminder was sent",
    "contract.billed": "A contract's periods were billed (see invoice.issued for the invoices)",
    "contract.updated": "Lines, prices, quantities or discounts changed; lines moved, merged or split",
    "contract.dunning_changed": "A contract moved to another dunning level (ok, past due, warning...)",
    "invoice.issued": "An invoice was issued (by the billing run or by hand)",
    "invoice.paid": "An invoice was paid in full",
    "invoice.partially_paid": "A payment paid part of an invoice",
    "invoice.payment_reversed": "A payment was taken off an invoice (unallocated or bounced)",
    "invoice.payment_failed": "An automatic card payment of an invoice was declined",
    "credit_note.issued": "A credit note was issued",
    "proforma.issued": "A pro-forma invoice was issued",
    "payment.recorded": "A payment was recorded (by staff, over the API, or a card payment)",
    "payment.allocated": "A payment was allocated to invoices",
    "payment.unallocated": "A payment's allocation was taken back",
    "payment.cleared": "A post-dated cheque cleared",
    "payment.bounced": "A cheque bounced",
    "payment.refunded": "A payment was refunded (in full or in part)",
    "payment.disputed": "A card payment was disputed by the customer's bank",
}
WILDCARDS: dict[str, str] = {
    "contract.*": "Every contract event",
    "invoice.*": "Every invoice event",
    "payment.*": "Every payment event",
}
PUBLISHED_ENTITIES = ("contract", "invoice", "payment")
_NOT_PUBLISHED = {"invoice.drafted", "invoice.draft_edited", "invoice.draft_deleted"}
_CONTRACT_TYPES = {
    "contract.created": "contract.created",
    "contract.split_off": "contract.created",
    "contract.activate": "contract.activated",
    "contract.suspend": "contract.suspended",
    "contract.resume": "contract.resumed",
    "contract.cancel": "contract.cancelled",
    "contract.expire": "contract.expired",
    "contract.renewed": "contract.renewed",
    "contract.reminded": "contract.renewal_reminder",
    "contract.billed": "contract.billed",
    "contract.dunning": "contract.dunning_changed",
}
# Other actions renamed for receivers: a card payment is recorded like any other; a declined automatic
# charge is Stripe's invoice.payment_failed.
_RENAMED = {"payment.card": "payment.recorded", "invoice.card_declined": "invoice.payment_failed"}


# Endpoints


@dataclass(frozen=True)
class Endpoint:
    id: str
    url: str
    description: str
    event_types: tuple[str, ...]  # ("*",) for every event
    secret: str
    enabled: bool
    created_at: datetime
    updated_at: datetime
    version: int = 1
    # The secret before the last rotation, still signed with until previous_secret_until.
    previous_secret: str = ""
    previous_secret_until: datetime | None = None

    def wants(self, event_type: str) -> bool:
        return subscribed(self.event_types, event_type)

    def secrets_at(self, now: datetime) -> tuple[str, ...]:
        keep_old = self.previous_secret and self.previous_secret_until and now < self.previous_secret_until
        return (self.secret, self.previous_secret) if keep_old else (self.secret,)

    @property
    def event_types_label(self) -> str:
        return "all events" if ALL_EVENTS in self.event_types else ", ".join(self.event_types)


def subscribed(chosen: tuple[str, ...], event_type: str) -> bool:
    if event_type == TEST_EVENT or ALL_EVENTS in chosen or event_type in chosen:
        return True
    return f"{event_type.split('.')[0]}.*" in chosen


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def parse_event_types(values: list[str]) -> tuple[str, ...]:
    """The chosen types, checked against the list; "*" alone means every event."""
    chosen = [v.strip() for v in values if v.strip()]
    if not chosen:
        raise ValidationError("choose at least one event type, or all events", field="event_types")
    for value in chosen:
        if value != ALL_EVENTS and value not in EVENT_TYPES and value not in WILDCARDS:
            raise ValidationError(
                f"unknown event type {value[:60]!r}; see the list of event types", field="event_types"
            )
    if ALL_EVENTS in chosen:
        return (ALL_EVENTS,)
    return tuple(sorted(set(chosen)))


def check_url(url: str, *, allow_http: bool) -> str:
    """An https URL (http too, and loopback or private hosts, only where the setting allows them)."""
    url = (url or "").strip()
    if not url:
        raise ValidationError("url is required", field="url")
    if len(url) > 2000 or any(c.isspace() for c in url):
        raise ValidationError("url must be a single URL of at most 2000 characters", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError("url is not a valid URL", field="url") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError("url must start with https:// and name a host", field="url")
    if parts.scheme == "http" and not allow_http:
        raise ValidationError("url must use https (plain http is not allowed here)", field="url")
    if parts.fragment:
        raise ValidationError("url must not have a #fragment", field="url")
    if port == 0:
        raise ValidationError("url has an invalid port", field="url")
    if not allow_http and is_private_host(parts.hostname):
        raise ValidationError("url must be a public address, not a local or private one", field="url")
    return url


def is_private_host(host: str) -> bool:
    """A loopback, private, link-local or otherwise non-public host name or address literal."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost") or host.endswith(".internal"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


# Events


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    created: datetime
    data: dict[str, Any]

    def body(self) -> str:
        """The JSON sent: built once, stored with the delivery, the same bytes at every attempt."""
        payload = {
            "id": self.id,
            "type": self.type,
            "created": int(self.created.timestamp()),
            "data": self.data,
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


def source_key(entry: AuditEntry) -> str:
    """Where an event comes from: its audit entry's table key (entity and time-ordered seq)."""
    return f"{entry.entity}|{entry.key}"


def event_id(source: str, event_type: str, subject: str = "") -> str:
    """The same event id whenever the same audit entry is read again: receivers deduplicate on it."""
    digest = hashlib.sha256(f"{source}|{event_type}|{subject}".encode()).hexdigest()
    return f"evt_{digest[:24]}"


def delivery_id(endpoint_id: str, event: str) -> str:
    """One delivery per endpoint and event: writing it again (a rerun, a concurrent run) is a no-op."""
    return "dlv_" + hashlib.sha256(f"{endpoint_id}|{event}".encode()).hexdigest()[:24]


def event_type_of(entry: AuditEntry) -> str | None:
    """The public event type an audit entry becomes, or None when it is not published."""
    action = entry.action
    if entry.entity_type not in PUBLISHED_ENTITIES or action in _NOT_PUBLISHED:
        return None
    if entry.entity_type == "contract":
        if entry.before is None:
            return "contract.created"
        return _CONTRACT_TYPES.get(action, "contract.updated")
    if action == "invoice.paid":
        open_minor = (entry.after or {}).get("open_minor")
        return "invoice.paid" if open_minor == 0 else "invoice.partially_paid"
    if action in _RENAMED:
        return _RENAMED[action]
    return action if "." in action else None


def source_of(actor: str) -> str:
    """Who caused it, without naming people: staff, api, job or system."""
    if actor.startswith("api:"):
        return "api"
    if actor.startswith("job:"):
        return "job"
    return "system" if actor == "system" else "staff"


def event_of(entry: AuditEntry, facts: dict[str, Any] | None = None) -> Event | None:
    """The event of one audit entry; `facts`: what identifies the record (customer, number)."""
    event_type = event_type_of(entry)
    if event_type is None:
        return None
    data: dict[str, Any] = {
        "object": entry.entity_type,
        "id": entry.entity_id,
        "action": entry.action,
        "source": source_of(entry.actor),
        "before": entry.before,
        "after": entry.after,
        **(facts or {}),
    }
    return Event(event_id(source_key(entry), event_type), event_type, entry.at, data)


def issued_invoice_event(entry: AuditEntry, invoice: dict[str, Any]) -> Event:
    """invoice.issued for an invoice of a billing run (the run's audit entry is contract.billed)."""
    data = {**invoice, "object": "invoice", "action": entry.action, "source": source_of(entry.actor)}
    return Event(
        event_id(source_key(entry), "invoice.issued", invoice["id"]), "invoice.issued", entry.at, data
    )


def ping_event(endpoint_id: str, now: datetime) -> Event:
    data = {"object": "webhook_endpoint", "id": endpoint_id, "message": "A test event sent by staff"}
    return Event(f"evt_test_{secrets.token_hex(8)}", TEST_EVENT, now, data)


# Signatures


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the whole secret string (whsec_...)."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets_: tuple[str, ...], timestamp: int, body: bytes) -> str:
    """t=<unix seconds>,v1=<hex>[,v1=<hex with the previous secret during a rotation>]."""
    return ",".join([f"t={timestamp}", *(f"v1={signature(s, timestamp, body)}" for s in secrets_)])


def verify(header: str, body: bytes, secret: str, now: datetime) -> bool:
    """What a receiver does: one v1 matches, and t is within five minutes of its clock."""
    parts = [p.partition("=") for p in header.split(",")]
    stamps = [v for k, _, v in parts if k.strip() == "t"]
    signatures = [v.strip() for k, _, v in parts if k.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not signatures:
        return False
    timestamp = int(stamps[0])
    if abs(now.timestamp() - timestamp) > SIGNATURE_TOLERANCE.total_seconds():
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, s) for s in signatures)


# Deliveries


@dataclass(frozen=True)
class Attempt:
    at: datetime
    status_code: int | None  # None: no HTTP answer (refused, timed out, TLS error)
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0
    manual: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def outcome(self) -> str:
        if self.ok:
            return f"{self.status_code} delivered"
        if self.status_code is None:
            return self.error or "no answer"
        note = " (redirects are not followed)" if 300 <= self.status_code < 400 else ""
        return f"HTTP {self.status_code}{note}"


@dataclass(frozen=True)
class Delivery:
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    body: str
    created_at: datetime
    status: str = "pending"  # pending | delivered | failed
    next_at: datetime | None = None  # while pending
    tries: int = 0  # automatic attempts so far
    max_tries: int = MAX_TRIES
    attempts: tuple[Attempt, ...] = field(default_factory=tuple)
    delivered_at: datetime | None = None
    note: str = ""
    version: int = 1

    @property
    def last_attempt(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None


def new_delivery(endpoint_id: str, event: Event, now: datetime, *, max_tries: int = MAX_TRIES) -> Delivery:
    return Delivery(
        id=delivery_id(endpoint_id, event.id),
        endpoint_id=endpoint_id,
        event_id=event.id,
        event_type=event.type,
        body=event.body(),
        created_at=now,
        next_at=now,
        max_tries=max_tries,
    )


def retry_delay(tries: int) -> timedelta | None:
    """The wait after the `tries`-th automatic attempt failed, or None: no more tries."""
    return BACKOFF[tries - 1] if 1 <= tries <= len(BACKOFF) else None


def after_attempt(delivery: Delivery, attempt: Attempt) -> Delivery:
    """The delivery once `attempt` is logged: delivered, retried later, or failed for good.

    A manual attempt (redeliver) changes nothing of the schedule unless it succeeds."""
    attempts = (*delivery.attempts, attempt)[-MAX_LOGGED_ATTEMPTS:]
    if attempt.ok:
        return replace(
            delivery, status="delivered", next_at=None, attempts=attempts, delivered_at=attempt.at, note=""
        )
    if attempt.manual:
        return replace(delivery, attempts=attempts)
    tries = delivery.tries + 1
    delay = retry_delay(tries) if tries < delivery.max_tries else None
    if delay is None:
        note = f"failed after {tries} attempt{'s' if tries > 1 else ''}"
        return replace(delivery, status="failed", next_at=None, tries=tries, attempts=attempts, note=note)
    return replace(delivery, status="pending", next_at=attempt.at + delay, tries=tries, attempts=attempts)


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
