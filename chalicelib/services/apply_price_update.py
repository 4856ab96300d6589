"""Mass price update (S3), applying what a preview showed.

Apply plans again and refuses when the preview's fingerprint differs, so nobody confirms numbers
that no longer hold. It then writes each contract with ONE TransactWriteItems (contract, version,
audit, and the contract's part of the bulk-operation record that an undo reads), a few contracts
at a time; a contract changed in the meantime fails its version condition and is reported, not
overwritten. The operation's header says "applying" until the end, so a run that died half way
shows as such and can still be undone from the parts it wrote.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contracts import Contract
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.services.mass_price_update import ContractUpdate, Preview, preview
from chalicelib.store import bulk_operations, contracts, records

WORKERS = 8  # transactions in flight


@dataclass(frozen=True)
class Applied:
    operation: bulk_operations.BulkOperation
    contracts: int
    lines: int
    conflicts: tuple[str, ...]  # numbers of contracts changed meanwhile: not written

    def as_json(self) -> dict[str, Any]:
        return {
            "operation_id": self.operation.id,
            "number": self.operation.number,
            "status": self.operation.status,
            "contracts": self.contracts,
            "lines": self.lines,
            "conflicts": list(self.conflicts),
            "totals": self.operation.totals,
        }


def apply(
    data: dict[str, Any],
    *,
    fingerprint: str,
    actor: Actor,
    now: datetime,
    previewed_at: datetime | None = None,
    workers: int = WORKERS,
) -> Applied:
    """Writes what the preview with this fingerprint showed, one transaction per contract."""
    if not fingerprint:
        raise ValidationError("preview the update first: apply needs its fingerprint", field="fingerprint")
    plan = preview(data, now, names=False)
    if plan.fingerprint != fingerprint:
        raise Conflict(_changed_message(plan, previewed_at), field="fingerprint")
    op = bulk_operations.BulkOperation(
        id=new_id(),
        kind="price_update",
        status="applying",
        summary=plan.request.label,
        created_at=now,
        actor=actor.id,
        actor_label=actor.label,
        request=plan.request.as_json(),
        totals=plan.totals(),
    )
    bulk_operations.save(op, now)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="bulk-price") as pool:
        written = list(pool.map(lambda u: _write(op, u, actor, now), plan.updates))
    done = [u for u, ok in zip(plan.updates, written, strict=True) if ok]
    conflicts = tuple(u.before.number for u, ok in zip(plan.updates, written, strict=True) if not ok)
    lines = sum(len(u.rows) for u in done)
    report = {"contracts": len(done), "lines": lines, "conflicts": list(conflicts)}
    op = bulk_operations.save(bulk_operations.with_status(op, "applied", report=report), now)
    return Applied(op, len(done), lines, conflicts)


def _write(op: bulk_operations.BulkOperation, update: ContractUpdate, actor: Actor, now: datetime) -> bool:
    """ONE TransactWriteItems: the contract, its version, its audit entry and its part of `op`."""
    before = update.before
    part = bulk_operations.Part(
        op.id,
        before.id,
        "applied",
        {
            "number": before.number,
            "customer_id": before.customer_id,
            "currency": before.currency,
            "day": update.day.isoformat(),
            "version": before.version + 1,
            "lines": [
                {
                    "line_id": new_line,
                    "old_line_id": row.line_id,
                    "description": row.description,
                    "old_price": row.old_price,
                    "new_price": row.new_price,
                    "end": _line_end(update.after, new_line),
                }
                for row, new_line in zip(update.rows, update.new_line_ids, strict=True)
            ],
        },
    )
    also = records.Change().save(bulk_operations.part_item(part, now))
    summary = f"{op.number}: price {op.summary}"
    try:
        # No visits to plan again: the items stay on the contract and its dates stay as they were.
        contracts.commit(
            [contracts.Saved(before, update.after, "contract.bulk_price", summary)], actor, now, also
        )
    except Conflict:
        return False
    return True


def _line_end(contract: Contract, line_id: str) -> str | None:
    end = contract.line(line_id).end
    return end.isoformat() if end else None


def _changed_message(plan: Preview, previewed_at: datetime | None) -> str:
    changed = (
        bulk_operations.changed_since([u.before for u in plan.updates], previewed_at) if previewed_at else []
    )
    if changed:
        shown = ", ".join(changed[:20]) + (f" and {len(changed) - 20} more" if len(changed) > 20 else "")
        return (
            f"{len(changed)} contract(s) changed since the preview ({shown}): nothing applied; preview again"
        )
    return (
        "what the preview showed no longer holds (contracts, catalogue or the effective day changed): "
        "nothing applied; preview again"
    )
