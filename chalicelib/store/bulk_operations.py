"""Bulk operations on contracts (S3): the history list, and per contract what a price update changed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.contracts import Contract
from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import iso_utc
from chalicelib.store.models_bulk import BulkOperationModel
from chalicelib.store.models_contracts import ContractModel, ContractVersionModel

HEADER = "operation"
CONTRACT = "contract#"
LISTING = "bulk"


@dataclass(frozen=True)
class BulkOperation:
    id: str
    kind: str  # price_update | move_lines | coterminate | split | merge
    status: str  # applying | applied | undone | done
    summary: str
    created_at: datetime
    actor: str
    actor_label: str
    request: dict[str, Any] = field(default_factory=dict)
    totals: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def number(self) -> str:
        return f"B-{self.id[:8].upper()}"

    @property
    def undoable(self) -> bool:
        return self.kind == "price_update" and self.status == "applied"


@dataclass(frozen=True)
class Part:
    """One contract's share of an operation; `data` is what the operation needs to undo it."""

    operation_id: str
    contract_id: str
    status: str  # applied | undone
    data: dict[str, Any]


def header_item(op: BulkOperation, now: datetime) -> BulkOperationModel:
    return BulkOperationModel(
        id=op.id,
        part=HEADER,
        status=op.status,
        listing=LISTING,
        created_key=f"{iso_utc(op.created_at)}#{op.id}",
        updated_at=now,
        body={
            "kind": op.kind,
            "summary": op.summary[:1000],
            "created_at": op.created_at.isoformat(),
            "actor": op.actor,
            "actor_label": op.actor_label,
            "request": op.request,
            "totals": op.totals,
            "report": op.report,
        },
    )


def part_item(part: Part, now: datetime) -> BulkOperationModel:
    return BulkOperationModel(
        id=part.operation_id,
        part=CONTRACT + part.contract_id,
        status=part.status,
        updated_at=now,
        body=part.data,
    )


def _operation(item: BulkOperationModel) -> BulkOperation:
    body = item.body
    return BulkOperation(
        id=item.id,
        kind=body["kind"],
        status=item.status,
        summary=body.get("summary", ""),
        created_at=datetime.fromisoformat(body["created_at"]),
        actor=body.get("actor", ""),
        actor_label=body.get("actor_label", ""),
        request=body.get("request", {}),
        totals=body.get("totals", {}),
        report=body.get("report", {}),
    )


def save(op: BulkOperation, now: datetime) -> BulkOperation:
    header_item(op, now).save()
    return op


def get(operation_id: str) -> BulkOperation:
    try:
        return _operation(BulkOperationModel.get(operation_id, HEADER, consistent_read=True))
    except DoesNotExist:
        raise NotFound(f"no bulk operation {operation_id}", field="operation_id") from None


def parts(operation_id: str) -> list[Part]:
    """Every contract of the operation: one paged query."""
    found = BulkOperationModel.query(
        operation_id, BulkOperationModel.part.startswith(CONTRACT), consistent_read=True
    )
    return [Part(i.id, i.part[len(CONTRACT) :], i.status, i.body) for i in found]


def recent(limit: int = 30) -> list[BulkOperation]:
    found = BulkOperationModel.recent.query(LISTING, scan_index_forward=False, limit=limit)
    return [_operation(i) for i in found]


def with_status(op: BulkOperation, status: str, **changes: Any) -> BulkOperation:
    return replace(op, status=status, **changes)


def contracts_now(contract_ids: list[str]) -> dict[str, Contract]:
    """The contracts as stored now: one consistent BatchGetItem per 100; missing ids are left out."""
    from chalicelib.store.contracts import from_item

    wanted = list(dict.fromkeys(contract_ids))
    return (
        {i.id: from_item(i) for i in ContractModel.batch_get(wanted, consistent_read=True)} if wanted else {}
    )


def changed_since(found: list[Contract], instant: datetime) -> list[str]:
    """Numbers of the contracts whose current version was saved after `instant` (batch reads)."""
    keys = [(c.id, c.version) for c in found]
    recorded = {
        (i.contract_id, int(i.version)): i.recorded_at
        for i in ContractVersionModel.batch_get(
            keys, attributes_to_get=["contract_id", "version", "recorded_at"]
        )
    }
    return [c.number for c in found if (at := recorded.get((c.id, c.version))) is not None and at > instant]
