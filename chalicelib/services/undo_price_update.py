"""Undoing a mass price update (S3) from its stored record.

Every line the update gave a new price gets its old price back from the same effective day, as
long as it still carries the new price and still ends where it did; a line changed since (another
price, removed, ended) is skipped and reported, because overwriting it would undo someone's later
work. Each contract is written with ONE transaction (contract, version, audit, its part of the
record marked undone), so an interrupted undo can simply be run again.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_lifecycle import CHANGEABLE
from chalicelib.domain.contracts import Contract, change_line, settle_invoiced_time
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.store import bulk_operations, contracts, records
from chalicelib.store.bulk_operations import BulkOperation, Part

WORKERS = 8
STALE_RUN = timedelta(minutes=20)  # an apply still "applying" after this has died half way


@dataclass(frozen=True)
class Undone:
    operation: BulkOperation
    contracts: int
    lines: int
    skipped: tuple[dict[str, str], ...]  # {"contract", "line", "reason"}
    conflicts: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "operation_id": self.operation.id,
            "number": self.operation.number,
            "status": self.operation.status,
            "contracts": self.contracts,
            "lines": self.lines,
            "skipped": list(self.skipped),
            "conflicts": list(self.conflicts),
        }


def undo(operation_id: str, *, actor: Actor, now: datetime, workers: int = WORKERS) -> Undone:
    op = bulk_operations.get(operation_id)
    if op.kind != "price_update":
        raise ValidationError("only a mass price update can be undone", field="operation_id")
    if op.status == "undone":
        raise Conflict(f"{op.number} is already undone", field="operation_id")
    if op.status == "applying" and now - op.created_at < STALE_RUN:
        raise Conflict(f"{op.number} is still being applied: wait until it is done", field="operation_id")
    pending = [p for p in bulk_operations.parts(op.id) if p.status == "applied"]
    current = bulk_operations.contracts_now([p.contract_id for p in pending])
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="bulk-undo") as pool:
        results = list(pool.map(lambda p: _undo_part(op, p, current.get(p.contract_id), actor, now), pending))
    skipped = tuple(s for _lines, found, _ok in results for s in found)
    conflicts = tuple(p.data["number"] for p, (_l, _s, ok) in zip(pending, results, strict=True) if not ok)
    lines = sum(n for n, _s, ok in results if ok)
    done = sum(1 for n, _s, ok in results if ok and n)
    report = {
        **op.report,
        "undo": {"contracts": done, "lines": lines, "skipped": list(skipped), "conflicts": list(conflicts)},
    }
    # With conflicts the operation stays open: undo again once those contracts are settled.
    status = op.status if conflicts else "undone"
    op = bulk_operations.save(bulk_operations.with_status(op, status, report=report), now)
    return Undone(op, done, lines, skipped, conflicts)


def _undo_part(
    op: BulkOperation, part: Part, contract: Contract | None, actor: Actor, now: datetime
) -> tuple[int, list[dict[str, str]], bool]:
    """(lines put back, lines skipped, written without conflict)."""
    number = part.data["number"]
    day = date.fromisoformat(part.data["day"])
    skipped: list[dict[str, str]] = []
    after = contract
    for entry in part.data["lines"]:
        reason = _why_not(after, entry)
        if reason:
            skipped.append({"contract": number, "line": entry["description"], "reason": reason})
            continue
        assert after is not None
        lines = change_line(after, entry["line_id"], day, new_id(), unit_price_minor=entry["old_price"])
        after = replace(after, lines=lines)
    put_back = len(part.data["lines"]) - len(skipped)
    done = replace(part, status="undone", data={**part.data, "undo": {"lines": put_back, "skipped": skipped}})
    also = records.Change().save(bulk_operations.part_item(done, now))
    if contract is None or after is None or not put_back:
        records.commit(also)
        return 0, skipped, True
    label = f"undo of {op.number}"
    adjustments = settle_invoiced_time(contract, after, day, new_id, now, label)
    after = replace(after, adjustments=(*after.adjustments, *adjustments))
    summary = f"{label}: {put_back} line(s) back to their old price from {day}"
    try:
        contracts.commit(
            [contracts.Saved(contract, after, "contract.bulk_price_undo", summary)], actor, now, also
        )
    except Conflict:
        return 0, skipped, False
    return put_back, skipped, True


def _why_not(contract: Contract | None, entry: dict[str, Any]) -> str:
    """Why a line cannot get its old price back; "" when it can."""
    if contract is None:
        return "the contract no longer exists"
    if contract.status not in CHANGEABLE:
        return f"the contract is {contract.status.value}"
    line = next((x for x in contract.lines if x.id == entry["line_id"]), None)
    if line is None:
        return "the line was removed since"
    if line.unit_price_minor != entry["new_price"]:
        return f"the price was changed since (now {line.unit_price_minor})"
    if (line.end.isoformat() if line.end else None) != entry["end"]:
        return "the line was ended or moved since"
    return ""
