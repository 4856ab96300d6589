"""What bulk changes of several contracts share (S3): loading them, checking them, one atomic save.

Moves, co-terms, splits and merges are planned first (nothing saved: the screen shows each
contract's change and its prorated credits and charges) and then saved exactly as planned, all
contracts in ONE transaction with their versions and audit entries, so either every contract
changes or none does. DynamoDB takes at most 100 actions in a transaction and a contract needs 3
(contract, version, audit) plus one for the operation's history entry: at most 30 contracts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_lifecycle import ensure_changeable
from chalicelib.domain.contracts import Adjustment, Contract, effective_day, settle_invoiced_time
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.periods import local_date
from chalicelib.services.manage_contracts import check_version, parse_day
from chalicelib.store import bulk_operations, contracts, records

MAX_CONTRACTS = 30
WHEN = ("now", "period_end", "date")


@dataclass(frozen=True)
class Step:
    """One contract's part in a bulk change: before (None: created by it) and after."""

    before: Contract | None
    after: Contract
    action: str
    summary: str
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def net_minor(self) -> int:
        return sum(a.amount_minor for a in self.adjustments)


@dataclass(frozen=True)
class BulkPlan:
    kind: str
    summary: str
    steps: tuple[Step, ...]
    request: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "summary": self.summary,
            "contracts": [
                {
                    "contract_id": s.after.id,
                    "number": s.after.number,
                    "new": s.before is None,
                    "version": s.before.version if s.before else 0,
                    "summary": s.summary,
                    "currency": s.after.currency,
                    "net_minor": s.net_minor,
                    "adjustments": [a.as_json() for a in s.adjustments],
                }
                for s in self.steps
            ],
        }


def settled(before: Contract, after: Contract, day: date, now: datetime, action: str, summary: str) -> Step:
    """The step with its prorated credits and charges for time already invoiced."""
    adjustments = settle_invoiced_time(before, after, day, new_id, now, summary)
    after = replace(after, adjustments=(*after.adjustments, *adjustments))
    return Step(before, after, action, summary, adjustments)


def id_list(raw: Any, field: str, *, minimum: int = 1) -> list[str]:
    if not isinstance(raw, list | tuple) or not all(isinstance(i, str) and i for i in raw):
        raise ValidationError(f"{field} must be a list of contract ids", field=field)
    ids = list(dict.fromkeys(raw))
    if len(ids) < minimum:
        raise ValidationError(f"choose at least {minimum} contract(s)", field=field)
    if len(ids) > MAX_CONTRACTS:
        raise ValidationError(
            f"at most {MAX_CONTRACTS} contracts at once (one transaction holds 100 writes); "
            f"this asks for {len(ids)}: split the work",
            field=field,
        )
    return ids


def versions_of(data: dict[str, Any]) -> dict[str, int]:
    """The versions the user saw ({contract id: version}); an older one is a Conflict, as for one change."""
    raw = data.get("versions") or {}
    if not isinstance(raw, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in raw.values()
    ):
        raise ValidationError("versions must map contract ids to version numbers", field="versions")
    return {str(k): v for k, v in raw.items()}


def load(ids: list[str], versions: dict[str, int]) -> list[Contract]:
    """The contracts as stored now, each still changeable and at the version the user saw."""
    found = []
    for contract_id in ids:
        contract = contracts.get(contract_id, consistent=True)
        if contract_id in versions:
            check_version(contract, versions[contract_id])
        ensure_changeable(contract.status)
        found.append(contract)
    return found


def check_same_customer(target: Contract, others: list[Contract]) -> None:
    for other in others:
        if other.id == target.id:
            raise ValidationError(
                f"{target.number} cannot take lines from itself", field="target_contract_id"
            )
        if other.customer_id != target.customer_id:
            raise ValidationError(
                f"{other.number} belongs to another customer than {target.number}", field="customer_id"
            )
        if other.currency != target.currency:
            raise ValidationError(
                f"{other.number} is in {other.currency}, {target.number} in {target.currency}",
                field="currency",
            )


def when_of(data: dict[str, Any]) -> tuple[str, date | None]:
    when = str(data.get("when") or "now")
    if when not in WHEN:
        raise ValidationError(f"when must be one of {', '.join(WHEN)}", field="when")
    on = parse_day(data.get("effective_date"), "effective_date")
    if when == "date" and on is None:
        raise ValidationError("give the date the change takes effect", field="effective_date")
    return when, on


def day_for(contract: Contract, when: str, on: date | None, now: datetime) -> date:
    return effective_day(contract, when, local_date(now, contract.timezone), on)


def save(plan: BulkPlan, actor: Actor, now: datetime) -> tuple[bulk_operations.BulkOperation, list[Contract]]:
    """Every contract of the plan and the history entry in one transaction; a Conflict changes none."""
    from chalicelib.services.manage_contracts import persist

    op = bulk_operations.BulkOperation(
        id=new_id(),
        kind=plan.kind,
        status="done",
        summary=plan.summary,
        created_at=now,
        actor=actor.id,
        actor_label=actor.label,
        request=plan.request,
        report={"contracts": [s.after.number for s in plan.steps]},
    )
    also = records.Change().save(bulk_operations.header_item(op, now))
    saves = [contracts.Saved(s.before, s.after, s.action, f"{op.number}: {s.summary}") for s in plan.steps]
    return op, persist(saves, actor, now, also)
