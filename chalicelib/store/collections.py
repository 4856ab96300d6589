"""Collections of card-paid invoices: one item per invoice with all its charge attempts.

Every change is conditional on the version read, so two runners (the job, a webhook, the customer
paying now) can never both start an attempt: the second one's write fails and it does nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.card_payments import Attempt, AttemptStatus, Collection, State, Trigger
from chalicelib.domain.ids import iso_utc
from chalicelib.store import records
from chalicelib.store.models_cards import CollectionModel

CONFLICT = "this invoice's card payment changed meanwhile: reload and try again"
FAILING = "failing"


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _attempt_json(a: Attempt) -> dict[str, Any]:
    return {
        "number": a.number,
        "key": a.key,
        "trigger": a.trigger.value,
        "started_at": a.started_at.isoformat(),
        "amount_minor": a.amount_minor,
        "status": a.status.value,
        "intent_id": a.intent_id,
        "decline_code": a.decline_code,
        "message": a.message,
        "finished_at": a.finished_at.isoformat() if a.finished_at else None,
    }


def _attempt(raw: dict[str, Any]) -> Attempt:
    started = _at(raw["started_at"])
    assert started is not None
    return Attempt(
        number=int(raw["number"]),
        key=raw["key"],
        trigger=Trigger(raw["trigger"]),
        started_at=started,
        amount_minor=int(raw["amount_minor"]),
        status=AttemptStatus(raw["status"]),
        intent_id=raw.get("intent_id", ""),
        decline_code=raw.get("decline_code", ""),
        message=raw.get("message", ""),
        finished_at=_at(raw.get("finished_at")),
    )


def owner_key(collection: Collection) -> str:
    """What dunning groups by: the contract, or the customer for invoices without one."""
    return collection.contract_id or f"customer:{collection.customer_id}"


def to_item(collection: Collection, version: int) -> CollectionModel:
    due = collection.next_try_at
    return CollectionModel(
        invoice_id=collection.invoice_id,
        customer_id=collection.customer_id,
        contract_id=collection.contract_id,
        state=collection.state.value,
        created_key=f"{iso_utc(collection.created_at)}#{collection.invoice_id}",
        due="due" if due else None,
        next_try_key=f"{iso_utc(due)}#{collection.invoice_id}" if due else None,
        failing=FAILING if collection.failing else None,
        contract_key=f"{owner_key(collection)}#{collection.invoice_id}" if collection.failing else None,
        body={
            "currency": collection.currency,
            "retry_days": list(collection.retry_days),
            "attempts": [_attempt_json(a) for a in collection.attempts],
            "next_try_at": due.isoformat() if due else None,
            "first_failed_at": collection.first_failed_at.isoformat() if collection.first_failed_at else None,
            "stop_reason": collection.stop_reason,
            "payment_id": collection.payment_id,
        },
        created_at=collection.created_at,
        version=version,
    )


def from_item(item: Any) -> Collection:
    body = item.body
    return Collection(
        invoice_id=item.invoice_id,
        customer_id=item.customer_id,
        contract_id=item.contract_id or "",
        currency=body["currency"],
        state=State(item.state),
        created_at=item.created_at,
        retry_days=tuple(int(d) for d in body.get("retry_days", ())),
        attempts=tuple(_attempt(a) for a in body.get("attempts", ())),
        next_try_at=_at(body.get("next_try_at")),
        first_failed_at=_at(body.get("first_failed_at")),
        stop_reason=body.get("stop_reason", ""),
        payment_id=body.get("payment_id", ""),
        version=int(item.version or 1),
    )


def get(invoice_id: str, *, consistent: bool = True) -> Collection | None:
    try:
        return from_item(CollectionModel.get(invoice_id, consistent_read=consistent))
    except DoesNotExist:
        return None


def of_invoices(invoice_ids: list[str]) -> dict[str, Collection]:
    ids = list(dict.fromkeys(i for i in invoice_ids if i))
    return {c.invoice_id: c for c in (from_item(i) for i in CollectionModel.batch_get(ids))}


def add_to(change: records.Change, before: Collection | None, after: Collection) -> Collection:
    item = records.save_version(change, lambda v: to_item(after, v), before.version if before else None)
    change.messages[id(item)] = CONFLICT
    return replace(after, version=int(item.version))


def save(before: Collection | None, after: Collection) -> Collection:
    """Raises Conflict when someone else changed the collection since `before` was read."""
    change = records.Change(conflict_message=CONFLICT)
    saved = add_to(change, before, after)
    records.commit(change)
    return saved


def due(now: datetime, limit: int = 500) -> list[Collection]:
    """Collections whose next try (or outcome check) has come, the earliest first."""
    upper = f"{iso_utc(now)}$"
    found = CollectionModel.due_index.query(
        "due", range_key_condition=CollectionModel.next_try_key < upper, limit=limit
    )
    return [from_item(i) for i in found]


def failing(limit: int = 5000) -> list[Collection]:
    """Declined, unpaid collections, grouped by contract (sorted by contract key)."""
    return [from_item(i) for i in CollectionModel.failing_index.query(FAILING, limit=limit)]


def failing_of(owner: str) -> list[Collection]:
    condition = CollectionModel.contract_key.startswith(f"{owner}#")
    return [from_item(i) for i in CollectionModel.failing_index.query(FAILING, range_key_condition=condition)]


def of_customer(customer_id: str, limit: int = 50) -> list[Collection]:
    found = CollectionModel.by_customer.query(customer_id, scan_index_forward=False, limit=limit)
    return [from_item(i) for i in found]
