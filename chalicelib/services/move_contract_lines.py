"""Moving lines picked across contracts to another contract of the same customer (S3: reorganise).

Each source line ends on the day the move takes effect (now, its contract's period end, or a
date) and the target gets it from that day with its installed items; time already invoiced is
settled on both sides, and every contract is saved in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_moves import give_lines, take_lines
from chalicelib.domain.contracts import Contract
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.services import bulk_contracts as bulk
from chalicelib.store.bulk_operations import BulkOperation


def selection(raw: Any) -> dict[str, list[str]]:
    """[{"contract_id", "line_id"}, ...] -> line ids per contract, in the order picked."""
    if not isinstance(raw, list) or not raw:
        raise ValidationError("pick at least one line to move", field="lines")
    picked: dict[str, list[str]] = {}
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not entry.get("contract_id") or not entry.get("line_id"):
            raise ValidationError(
                f"lines[{index}] needs a contract_id and a line_id", field=f"lines[{index}]"
            )
        picked.setdefault(str(entry["contract_id"]), []).append(str(entry["line_id"]))
    return picked


def plan(data: dict[str, Any], now: datetime) -> bulk.BulkPlan:
    """What the move would do; nothing is saved."""
    target_id = str(data.get("target_contract_id") or "")
    if not target_id:
        raise ValidationError("choose the contract the lines move to", field="target_contract_id")
    picked = selection(data.get("lines"))
    when, on = bulk.when_of(data)
    ids = bulk.id_list([target_id, *(i for i in picked if i != target_id)], "lines")
    if target_id in picked:
        raise ValidationError("a line cannot move to the contract it is on", field="target_contract_id")
    target, *sources = bulk.load(ids, bulk.versions_of(data))
    bulk.check_same_customer(target, sources)
    steps, arriving = [], []
    for source in sources:
        day = bulk.day_for(source, when, on, now)
        after, lines = take_lines(source, picked[source.id], day)
        names = ", ".join(line.description for line in lines)
        summary = f"moved {names} to {target.number} from {day}"
        steps.append(bulk.settled(source, after, day, now, "contract.lines_moved_out", summary))
        arriving += lines
    first = min(line.start for line in arriving if line.start is not None)
    bulk.day_for(target, "date", first, now)  # the target must still run then
    after_target = give_lines(target, arriving, new_id)
    sources_named = ", ".join(s.number for s in sources)
    summary = f"took {len(arriving)} line(s) from {sources_named} from {first}"
    target_step = bulk.settled(target, after_target, first, now, "contract.lines_moved_in", summary)
    request = {"target_contract_id": target_id, "lines": data.get("lines"), "when": when, "on": str(on or "")}
    return bulk.BulkPlan(
        "move_lines", f"{len(arriving)} line(s) moved to {target.number}", (target_step, *steps), request
    )


def move_lines(data: dict[str, Any], *, actor: Actor, now: datetime) -> tuple[BulkOperation, list[Contract]]:
    return bulk.save(plan(data, now), actor, now)
