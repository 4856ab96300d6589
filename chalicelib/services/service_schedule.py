"""Planned service visits (S10) from the contract's service frequency, for the items on its lines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.contract_schedule import planned_visits
from chalicelib.domain.contracts import Contract
from chalicelib.domain.periods import local_date
from chalicelib.store import visits

HORIZON_DAYS = 400  # a year ahead and a little: enough to plan, little to rewrite on each change


def regenerate(contract: Contract, now: datetime) -> int:
    """Visits from today on follow the contract as it is now; returns how many are planned."""
    today = local_date(now, contract.timezone)
    planned = []
    if contract.status in (Status.DRAFT, Status.ACTIVE, Status.SUSPENDED):
        planned = [
            visit
            for visit in planned_visits(
                contract.item_ids(),
                contract.start_date,
                contract.end_date,
                contract.terms.service_every_months,
                horizon=today + timedelta(days=HORIZON_DAYS),
            )
            if _item_on_contract(contract, visit.item_id, visit.due)
        ]
    return visits.replace_planned(contract.id, contract.customer_id, planned, today)


def _item_on_contract(contract: Contract, item_id: str, day: date) -> bool:
    """Only while a line carrying the item runs (removed lines take their visits with them)."""
    return any(item_id in line.item_ids for line in contract.lines if line.runs_on(day))


def _inputs(contract: Contract) -> tuple[object, ...]:
    """What the planned visits depend on: a change to anything else leaves them as they are."""
    lines = sorted((line.item_ids, line.start, line.end) for line in contract.lines if line.item_ids)
    return contract.status, contract.start_date, contract.end_date, contract.terms.service_every_months, lines


def after_save(changes: list[tuple[Contract | None, Contract]], now: datetime) -> None:
    """Regenerates the visits of each saved contract whose items, dates or status changed."""
    for before, after in changes:
        if before is None or _inputs(before) != _inputs(after):
            regenerate(after, now)
