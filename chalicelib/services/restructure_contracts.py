"""Restructuring contracts (S3): split lines off into a new contract, or merge contracts into one.

Split: the chosen lines of one contract move to a NEW contract of the same customer, template and
terms. Merge: every running line of B, C... moves into A, and B, C... are cancelled ("other",
"merged into <A>"). Either way every contract changes in one transaction, with prorated credits
and charges for time already invoiced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_moves import give_lines, running_line_ids, split_off, take_lines
from chalicelib.domain.contracts import Contract, cancel
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.periods import local_date
from chalicelib.services import bulk_contracts as bulk
from chalicelib.store.bulk_operations import BulkOperation


def plan_split(data: dict[str, Any], now: datetime) -> bulk.BulkPlan:
    """What splitting would do; nothing is saved."""
    contract_id = str(data.get("contract_id") or "")
    if not contract_id:
        raise ValidationError("choose the contract to split", field="contract_id")
    line_ids = data.get("line_ids")
    if not isinstance(line_ids, list) or not line_ids or not all(isinstance(i, str) for i in line_ids):
        raise ValidationError("pick the lines that move to the new contract", field="line_ids")
    when, on = bulk.when_of(data)
    [source] = bulk.load([contract_id], bulk.versions_of(data))
    day = bulk.day_for(source, when, on, now)
    if set(running_line_ids(source, day)) <= set(line_ids):
        raise ValidationError(
            "leave at least one running line on the contract (merge or cancel it instead)", field="line_ids"
        )
    after, lines = take_lines(source, line_ids, day)
    created = split_off(source, lines, new_id(), day, now, new_id)
    names = ", ".join(line.description for line in lines)
    out = bulk.settled(
        source, after, day, now, "contract.split", f"split {names} off to {created.number} from {day}"
    )
    summary = f"split off {created.number} with {len(lines)} line(s) from {day}"
    new = bulk.Step(None, created, "contract.split_off", f"created by splitting {source.number}: {names}")
    request = {"contract_id": contract_id, "line_ids": line_ids, "when": when, "on": str(on or "")}
    return bulk.BulkPlan("split", f"{source.number}: {summary}", (out, new), request)


def plan_merge(data: dict[str, Any], now: datetime) -> bulk.BulkPlan:
    """What merging B, C... into A would do; nothing is saved."""
    target_id = str(data.get("target_contract_id") or "")
    if not target_id:
        raise ValidationError("choose the contract the others merge into", field="target_contract_id")
    others = bulk.id_list(data.get("contract_ids"), "contract_ids")
    when, on = bulk.when_of(data)
    ids = bulk.id_list([target_id, *(i for i in others if i != target_id)], "contract_ids", minimum=2)
    target, *sources = bulk.load(ids, bulk.versions_of(data))
    bulk.check_same_customer(target, sources)
    note = f"merged into {target.number}"
    steps, arriving = [], []
    for source in sources:
        day = bulk.day_for(source, when, on, now)
        emptied, lines = take_lines(source, running_line_ids(source, day), day)
        closed = cancel(emptied, "other", note, day, local_date(now, source.timezone), now)
        summary = f"{note} from {day} ({len(lines)} line(s))"
        steps.append(bulk.settled(source, closed, day, now, "contract.merged", summary))
        arriving += lines
    first = min((line.start for line in arriving if line.start), default=None)
    if first is None:
        raise ValidationError("the chosen contracts have no running lines to merge", field="contract_ids")
    bulk.day_for(target, "date", first, now)  # the target must still run then
    numbers = ", ".join(s.number for s in sources)
    summary = f"took {len(arriving)} line(s) of {numbers} (merged) from {first}"
    target_step = bulk.settled(
        target, give_lines(target, arriving, new_id), first, now, "contract.merge", summary
    )
    request = {"target_contract_id": target_id, "contract_ids": others, "when": when, "on": str(on or "")}
    return bulk.BulkPlan("merge", f"{numbers} merged into {target.number}", (target_step, *steps), request)


def split_contract(
    data: dict[str, Any], *, actor: Actor, now: datetime
) -> tuple[BulkOperation, list[Contract]]:
    return bulk.save(plan_split(data, now), actor, now)


def merge_contracts(
    data: dict[str, Any], *, actor: Actor, now: datetime
) -> tuple[BulkOperation, list[Contract]]:
    return bulk.save(plan_merge(data, now), actor, now)
