"""Outgoing webhooks: endpoints, deliveries (claimed before each attempt), and the audit cursor."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.ids import iso_utc
from chalicelib.domain.outgoing_webhooks import Attempt, Delivery, Endpoint
from chalicelib.store import audit
from chalicelib.store.base import transaction
from chalicelib.store.models import AuditModel
from chalicelib.store.models_webhooks_out import (
    WebhookCursorModel,
    WebhookDeliveryModel,
    WebhookEndpointModel,
)

KEEP_DELIVERIES = timedelta(days=30)
DUE = "due"
AUDIT_CURSOR = "audit"
CHANGED = "this endpoint was changed meanwhile: reload and try again"

# Endpoints


def _endpoint(item: WebhookEndpointModel) -> Endpoint:
    return Endpoint(
        id=item.id,
        url=item.url,
        description=item.description,
        event_types=tuple(item.event_types),
        secret=item.secret,
        enabled=bool(item.enabled),
        created_at=item.created_at,
        updated_at=item.updated_at,
        version=int(item.version),
        previous_secret=item.previous_secret or "",
        previous_secret_until=item.previous_secret_until,
    )


def _endpoint_item(endpoint: Endpoint) -> WebhookEndpointModel:
    return WebhookEndpointModel(
        id=endpoint.id,
        url=endpoint.url,
        description=endpoint.description,
        event_types=list(endpoint.event_types),
        secret=endpoint.secret,
        previous_secret=endpoint.previous_secret or None,
        previous_secret_until=endpoint.previous_secret_until,
        enabled=endpoint.enabled,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
        version=endpoint.version,
    )


def endpoints() -> list[Endpoint]:
    # A handful of endpoints: one scan lists them all (the job reads them once per run).
    return sorted((_endpoint(i) for i in WebhookEndpointModel.scan()), key=lambda e: e.created_at)


def endpoint(endpoint_id: str, *, consistent: bool = False) -> Endpoint:
    try:
        return _endpoint(WebhookEndpointModel.get(endpoint_id, consistent_read=consistent))
    except DoesNotExist:
        raise NotFound(f"no webhook endpoint {endpoint_id}", field="endpoint_id") from None


def save_endpoint(before: Endpoint | None, after: Endpoint, entry: AuditEntry) -> None:
    """Creates the endpoint, or saves it if it is still the version `before` was; with its audit entry."""
    item = _endpoint_item(after)
    condition = (
        WebhookEndpointModel.id.does_not_exist()
        if before is None
        else WebhookEndpointModel.version == before.version
    )
    try:
        with transaction() as t:
            t.save(item, condition=condition)
            t.save(audit.to_item(entry))
    except TransactWriteError as error:
        if error.cause_response_code != "TransactionCanceledException":
            raise
        raise Conflict(CHANGED) from None


# The audit log, read in seq order


def audit_after(position: str, until: str, limit: int, max_days: int = 62) -> tuple[list[AuditEntry], str]:
    """Audit entries with position < seq < until, oldest first, at most `limit`; and the new position.

    Reads the by-day index day by day from the position's day. `position` is an audit seq, or any
    prefix of one (a day, an instant): seq keys sort by instant."""
    day = date.fromisoformat(position[:10])
    last = date.fromisoformat(until[:10])
    found: list[AuditEntry] = []
    for _ in range(max_days):
        items = AuditModel.by_day.query(
            day.isoformat(), AuditModel.seq > position, limit=limit - len(found) + 1
        )
        for item in items:
            if item.seq >= until:
                return found, until
            if len(found) == limit:
                return found, position
            found.append(audit._entry(item))
            position = item.seq
        if day >= last:
            return found, until
        day += timedelta(days=1)
        position = day.isoformat()  # before every seq of that day
    return found, position


def cursor() -> str | None:
    try:
        return str(WebhookCursorModel.get(AUDIT_CURSOR, consistent_read=True).position)
    except DoesNotExist:
        return None


def move_cursor(position: str, now: datetime) -> bool:
    """Moves the cursor forward only: a concurrent run that got further wins."""
    item = WebhookCursorModel(name=AUDIT_CURSOR, position=position, updated_at=now)
    try:
        item.save(
            condition=WebhookCursorModel.name.does_not_exist() | (WebhookCursorModel.position < position)
        )
    except PutError as error:
        if _condition_failed(error):
            return False
        raise
    return True


def _condition_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", "") == "ConditionalCheckFailedException"


# What identifies the records events are about


def facts(entity_type: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per id: what does not change (customer, number, currency...), in one batch read per type. Nothing
    that changes: the event's before/after say what it was then, a read now could say otherwise."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    if entity_type == "contract":
        from chalicelib.store import contracts

        return {c.id: {"customer_id": c.customer_id, "number": c.number} for c in contracts.get_many(wanted)}
    if entity_type == "invoice":
        from chalicelib.store.models_billing import InvoiceModel

        return {
            i.id: {
                "customer_id": i.customer_id,
                "contract_id": i.contract_id,
                "number": i.number,
                "kind": i.kind,
                "currency": i.currency,
                "total_minor": int(i.total_minor),
            }
            for i in InvoiceModel.batch_get(wanted)
        }
    if entity_type == "payment":
        from chalicelib.store.models_payments import PaymentModel

        return {
            p.id: {
                "customer_id": p.customer_id,
                "method": p.method,
                "currency": p.currency,
                "amount_minor": int(p.amount_minor),
            }
            for p in PaymentModel.batch_get(wanted)
        }
    return {}


def billed_invoices(contract_id: str, at: datetime) -> list[dict[str, Any]]:
    """The invoices a billing run issued for a contract at `at` (the instant of its audit entry)."""
    from chalicelib.store import invoices
    from chalicelib.store.models_billing import InvoiceModel

    found = []
    for item in InvoiceModel.by_contract.query(contract_id, filter_condition=InvoiceModel.created_at == at):
        invoice = invoices.from_item(item)
        if invoice.status != "issued":
            continue
        found.append(
            {
                "id": invoice.id,
                "customer_id": invoice.customer_id,
                "contract_id": invoice.contract_id,
                "number": invoice.number,
                "kind": invoice.kind,
                "currency": invoice.currency,
                "total_minor": invoice.total_minor,
                "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
                "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
                "period": {"start": invoice.period.start.isoformat(), "end": invoice.period.end.isoformat()}
                if invoice.period
                else None,
            }
        )
    return sorted(found, key=lambda i: str(i["number"]))


# Deliveries


def _attempt_json(attempt: Attempt) -> dict[str, Any]:
    return {
        "at": iso_utc(attempt.at),
        "status_code": attempt.status_code,
        "excerpt": attempt.excerpt,
        "error": attempt.error,
        "duration_ms": attempt.duration_ms,
        "manual": attempt.manual,
    }


def _attempt(data: dict[str, Any]) -> Attempt:
    return Attempt(
        at=datetime.fromisoformat(data["at"].replace("Z", "+00:00")),
        status_code=data.get("status_code"),
        excerpt=data.get("excerpt", ""),
        error=data.get("error", ""),
        duration_ms=int(data.get("duration_ms", 0)),
        manual=bool(data.get("manual", False)),
    )


def _delivery(item: WebhookDeliveryModel) -> Delivery:
    return Delivery(
        id=item.id,
        endpoint_id=item.endpoint_id,
        event_id=item.event_id,
        event_type=item.event_type,
        body=item.body,
        created_at=item.created_at,
        status=item.status,
        next_at=item.next_at,
        tries=int(item.tries),
        max_tries=int(item.max_tries),
        attempts=tuple(_attempt(a) for a in item.attempts or []),
        delivered_at=item.delivered_at,
        note=item.note or "",
        version=int(item.version),
    )


def _delivery_item(delivery: Delivery, *, due_at: datetime | None = None) -> WebhookDeliveryModel:
    """`due_at`: when the job should pick it up (a claimed delivery: when its claim runs out)."""
    pending = delivery.status == "pending"
    due_at = due_at or delivery.next_at
    return WebhookDeliveryModel(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        created_key=f"{iso_utc(delivery.created_at)}#{delivery.id}",
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        body=delivery.body,
        status=delivery.status,
        created_at=delivery.created_at,
        next_at=delivery.next_at,
        delivered_at=delivery.delivered_at,
        tries=delivery.tries,
        max_tries=delivery.max_tries,
        attempts=[_attempt_json(a) for a in delivery.attempts],
        note=delivery.note,
        due=DUE if pending and due_at else None,
        due_key=f"{iso_utc(due_at)}#{delivery.id}" if pending and due_at else None,
        version=delivery.version,
        expires_at=delivery.created_at + KEEP_DELIVERIES,
    )


def add_delivery(delivery: Delivery, *, due_at: datetime | None = None) -> bool:
    """Writes a new delivery; False if it is there already (the same endpoint and event)."""
    try:
        _delivery_item(delivery, due_at=due_at).save(condition=WebhookDeliveryModel.id.does_not_exist())
    except PutError as error:
        if _condition_failed(error):
            return False
        raise
    return True


def delivery(delivery_id: str) -> Delivery:
    try:
        return _delivery(WebhookDeliveryModel.get(delivery_id, consistent_read=True))
    except DoesNotExist:
        raise NotFound(f"no webhook delivery {delivery_id}", field="delivery_id") from None


def due(now: datetime, limit: int) -> list[Delivery]:
    """Pending deliveries whose time has come, oldest first (the index may lag: claims recheck)."""
    items = WebhookDeliveryModel.due_index.query(
        DUE, WebhookDeliveryModel.due_key <= f"{iso_utc(now)}#~", limit=limit
    )
    return [_delivery(i) for i in items]


def of_endpoint(endpoint_id: str, limit: int = 50, status: str = "") -> list[Delivery]:
    condition = WebhookDeliveryModel.status == status if status else None
    items = WebhookDeliveryModel.by_endpoint.query(
        endpoint_id, scan_index_forward=False, limit=limit, filter_condition=condition
    )
    return [_delivery(i) for i in items]


def claim(found: Delivery, until: datetime, *, pending_only: bool = True) -> Delivery | None:
    """Takes the delivery for one attempt if nobody changed it since it was read; None otherwise.

    A pending one leaves the due list until `until`: if this run dies, the next one after that retries."""
    claimed = replace(found, version=found.version + 1)
    condition = WebhookDeliveryModel.version == found.version
    if pending_only:
        condition &= WebhookDeliveryModel.status == "pending"
    try:
        _delivery_item(claimed, due_at=until).save(condition=condition)
    except PutError as error:
        if _condition_failed(error):
            return None
        raise
    return claimed


def record(claimed: Delivery, after: Delivery) -> bool:
    """Saves the outcome of an attempt made under `claimed`; False if the claim was lost meanwhile."""
    saved = replace(after, version=claimed.version + 1)
    try:
        _delivery_item(saved).save(condition=WebhookDeliveryModel.version == claimed.version)
    except PutError as error:
        if _condition_failed(error):
            return False
        raise
    return True
