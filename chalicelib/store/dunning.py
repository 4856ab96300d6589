"""Each contract's dunning level and its steps (the audit log has them too, on the contract)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.dunning import Dunning, Level, Step
from chalicelib.store import records
from chalicelib.store.models_cards import DunningModel

CONFLICT = "this contract's dunning changed meanwhile: try again"
MAX_STEPS = 50  # the oldest steps drop off; the audit log keeps them all


def to_item(dunning: Dunning, version: int) -> DunningModel:
    return DunningModel(
        contract_id=dunning.contract_id,
        customer_id=dunning.customer_id,
        level=dunning.level.value,
        active="active" if dunning.active else None,
        body={
            "since": dunning.since.isoformat() if dunning.since else None,
            "suspended_by_dunning": dunning.suspended_by_dunning,
            "steps": [
                {"level": s.level.value, "at": s.at.isoformat(), "note": s.note}
                for s in dunning.steps[-MAX_STEPS:]
            ],
        },
        version=version,
    )


def from_item(item: Any) -> Dunning:
    body = item.body
    return Dunning(
        contract_id=item.contract_id,
        customer_id=item.customer_id,
        level=Level(item.level),
        since=datetime.fromisoformat(body["since"]) if body.get("since") else None,
        suspended_by_dunning=bool(body.get("suspended_by_dunning")),
        steps=tuple(
            Step(Level(s["level"]), datetime.fromisoformat(s["at"]), s.get("note", ""))
            for s in body.get("steps", ())
        ),
        version=int(item.version or 1),
    )


def get(contract_id: str, *, consistent: bool = True) -> Dunning | None:
    try:
        return from_item(DunningModel.get(contract_id, consistent_read=consistent))
    except DoesNotExist:
        return None


def of_contracts(contract_ids: list[str]) -> dict[str, Dunning]:
    ids = list(dict.fromkeys(i for i in contract_ids if i))
    return {d.contract_id: d for d in (from_item(i) for i in DunningModel.batch_get(ids))}


def active(limit: int = 5000) -> list[Dunning]:
    return [from_item(i) for i in DunningModel.active_index.query("active", limit=limit)]


def add_to(change: records.Change, before: Dunning | None, after: Dunning) -> Dunning:
    item = records.save_version(change, lambda v: to_item(after, v), before.version if before else None)
    change.messages[id(item)] = CONFLICT
    return replace(after, version=int(item.version))
