"""The deliver_webhooks job (every minute), redelivery and test events.

1. Publish: read the audit log after the stored cursor up to a minute before `now` (the by-day index
   is eventually consistent and a transaction may land a moment after its timestamp), turn entries
   into events and write one delivery per enabled endpoint that wants each. A delivery's id comes
   from the endpoint and the event, so a rerun or a concurrent run writes nothing twice.
2. Send: claim each due delivery (a conditional write: one sender per attempt), POST it signed,
   log the attempt, and schedule the next try with backoff, or give up after the last.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.adapters.webhook_http import HttpResult
from chalicelib.domain import outgoing_webhooks as rules
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import Conflict
from chalicelib.domain.ids import iso_utc
from chalicelib.domain.outgoing_webhooks import Attempt, Delivery, Endpoint, Event
from chalicelib.store import webhooks_out

Poster = Callable[[str, bytes, dict[str, str]], HttpResult]

LAG = timedelta(seconds=60)  # how far behind `now` the audit log is read
LEASE = timedelta(minutes=5)  # a claimed delivery is due again after this if its sender died
READ_LIMIT = 500  # audit entries per run; the rest next minute
BATCH = 10  # deliveries sent at once
MAX_BATCHES = 10
TIME_BUDGET = 15.0  # seconds of sending per run (the scheduled Lambda has 30)


def deliver_webhooks(now: datetime, *, post: Poster) -> dict[str, Any]:
    endpoints = webhooks_out.endpoints()  # read once for both steps
    return {**publish(now, endpoints=endpoints), **send_due(now, post=post, endpoints=endpoints)}


# Publishing


def publish(
    now: datetime, *, endpoints: list[Endpoint] | None = None, limit: int = READ_LIMIT
) -> dict[str, int]:
    counts = {"audit_read": 0, "events": 0, "deliveries_created": 0}
    until = iso_utc(now - LAG)
    position = webhooks_out.cursor()
    enabled = [e for e in (webhooks_out.endpoints() if endpoints is None else endpoints) if e.enabled]
    if not enabled:
        # Nobody listens: events of this time go nowhere (an endpoint gets events from its creation on).
        if position is None or position < until:
            webhooks_out.move_cursor(until, now)
        return counts
    if position is None:
        position = min(iso_utc(e.created_at) for e in enabled)
    if position >= until:
        return counts
    entries, position = webhooks_out.audit_after(position, until, limit)
    counts["audit_read"] = len(entries)
    for event in events_of(entries, enabled):
        counts["events"] += 1
        for endpoint in enabled:
            if endpoint.wants(event.type) and endpoint.created_at <= event.created:
                counts["deliveries_created"] += webhooks_out.add_delivery(
                    rules.new_delivery(endpoint.id, event, now)
                )
    webhooks_out.move_cursor(position, now)
    return counts


def events_of(entries: list[AuditEntry], endpoints: list[Endpoint]) -> list[Event]:
    """The events of these entries that some endpoint wants, with the ids of what they are about."""
    wanted = [
        (entry, event_type)
        for entry in entries
        if (event_type := rules.event_type_of(entry)) is not None
        and any(
            e.wants(event_type) or (event_type == "contract.billed" and e.wants("invoice.issued"))
            for e in endpoints
        )
    ]
    known: dict[str, dict[str, dict[str, Any]]] = {}
    for entity_type in {entry.entity_type for entry, _ in wanted}:
        ids = [entry.entity_id for entry, _ in wanted if entry.entity_type == entity_type]
        known[entity_type] = webhooks_out.facts(entity_type, ids)
    events = []
    for entry, event_type in wanted:
        event = rules.event_of(entry, known[entry.entity_type].get(entry.entity_id, {}))
        if event is not None and any(e.wants(event_type) for e in endpoints):
            events.append(event)
        if event_type == "contract.billed" and any(e.wants("invoice.issued") for e in endpoints):
            # A billing run writes one audit entry per contract: its invoices are found by contract.
            for invoice in webhooks_out.billed_invoices(entry.entity_id, entry.at):
                events.append(rules.issued_invoice_event(entry, invoice))
    return events


# Sending


def send_due(now: datetime, *, post: Poster, endpoints: list[Endpoint] | None = None) -> dict[str, int]:
    counts = {"sent": 0, "delivered": 0, "retrying": 0, "failed": 0}
    started = time.monotonic()
    by_id = {e.id: e for e in (webhooks_out.endpoints() if endpoints is None else endpoints)}
    if not by_id:
        return counts  # endpoints are never deleted: no endpoint, no delivery
    for _ in range(MAX_BATCHES):
        claimed: list[Delivery] = []
        for found in webhooks_out.due(now, BATCH * 2):
            taken = webhooks_out.claim(found, now + LEASE)
            if taken is not None:
                claimed.append(taken)
            if len(claimed) == BATCH:
                break
        if not claimed:
            break
        for delivery, sent in _attempt_all(claimed, by_id, now, post):
            counts["sent"] += sent
            counts[{"delivered": "delivered", "pending": "retrying"}.get(delivery.status, "failed")] += 1
        if time.monotonic() - started > TIME_BUDGET:
            break
    return counts


def _attempt_all(
    claimed: list[Delivery], endpoints: dict[str, Endpoint], now: datetime, post: Poster
) -> list[tuple[Delivery, bool]]:
    """Each claimed delivery after its attempt, and whether it was sent (not if its endpoint is off)."""
    sendable = [(d, endpoints[d.endpoint_id]) for d in claimed if _sendable(endpoints.get(d.endpoint_id))]
    # Only the HTTP calls run side by side; every write stays on this thread.
    with ThreadPoolExecutor(max_workers=max(1, len(sendable))) as pool:
        attempts = list(pool.map(lambda pair: attempt(pair[0], pair[1], now, post), sendable))
    outcomes = {d.id: rules.after_attempt(d, a) for (d, _), a in zip(sendable, attempts, strict=True)}
    done = []
    for delivery in claimed:
        after = outcomes.get(delivery.id) or replace(
            delivery, status="failed", next_at=None, note="not sent: the endpoint is disabled or was removed"
        )
        webhooks_out.record(delivery, after)
        done.append((after, delivery.id in outcomes))
    return done


def _sendable(endpoint: Endpoint | None) -> bool:
    return endpoint is not None and endpoint.enabled


def attempt(
    delivery: Delivery, endpoint: Endpoint, now: datetime, post: Poster, manual: bool = False
) -> Attempt:
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "X-CRM-Event-Id": delivery.event_id,
        "X-CRM-Event-Type": delivery.event_type,
        "X-CRM-Delivery-Id": delivery.id,
        rules.SIGNATURE_HEADER: rules.signature_header(endpoint.secrets_at(now), int(now.timestamp()), body),
    }
    result = post(endpoint.url, body, headers)
    return Attempt(
        at=now,
        status_code=result.status_code,
        excerpt=rules.excerpt(result.body),
        error=result.error,
        duration_ms=result.duration_ms,
        manual=manual,
    )


# Staff actions


def redeliver(delivery_id: str, *, now: datetime, post: Poster) -> Delivery:
    """Sends a delivery again now, whatever its state; logged as a manual attempt. A pending one keeps
    its schedule unless this attempt succeeds."""
    found = webhooks_out.delivery(delivery_id)
    endpoint = webhooks_out.endpoint(found.endpoint_id)
    if not endpoint.enabled:
        raise Conflict("the endpoint is disabled: enable it before redelivering", field="endpoint")
    claimed = webhooks_out.claim(found, now + LEASE, pending_only=False)
    if claimed is None:
        raise Conflict("this delivery is being sent right now: reload the page in a moment")
    after = rules.after_attempt(claimed, attempt(claimed, endpoint, now, post, manual=True))
    webhooks_out.record(claimed, after)
    return after


def send_test(endpoint_id: str, *, now: datetime, post: Poster) -> Delivery:
    """A webhook.test event to one endpoint, sent at once and not retried."""
    endpoint = webhooks_out.endpoint(endpoint_id)
    delivery = rules.new_delivery(endpoint.id, rules.ping_event(endpoint.id, now), now, max_tries=1)
    webhooks_out.add_delivery(delivery, due_at=now + LEASE)  # written claimed: the job leaves it alone
    after = rules.after_attempt(delivery, attempt(delivery, endpoint, now, post))
    webhooks_out.record(delivery, after)
    return after
