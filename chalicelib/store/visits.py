"""Planned service visits per contract: replaced wholesale when the contract changes, done ones kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.domain.contract_schedule import PlannedVisit
from chalicelib.store.models_contracts import VisitModel


@dataclass(frozen=True)
class Visit:
    contract_id: str
    item_id: str
    due: date
    status: str
    done_at: datetime | None = None


def _visit(item: VisitModel) -> Visit:
    return Visit(item.contract_id, item.item_id, date.fromisoformat(item.due), item.status, item.done_at)


def of_contract(contract_id: str) -> list[Visit]:
    return [_visit(i) for i in VisitModel.query(contract_id)]


def of_customer(customer_id: str) -> list[Visit]:
    """All the customer's visits (every contract), by due date: one index query, no read per contract."""
    return [_visit(i) for i in VisitModel.by_customer.query(customer_id)]


def replace_planned(contract_id: str, customer_id: str, planned: list[PlannedVisit], since: date) -> int:
    """Planned visits due from `since` become exactly `planned`; earlier and done visits stay.

    Idempotent: running it twice for the same contract gives the same visits.
    """
    existing = {i.key: i for i in VisitModel.query(contract_id, VisitModel.key >= since.isoformat())}
    wanted = {f"{v.due.isoformat()}#{v.item_id}": v for v in planned if v.due >= since}
    with VisitModel.batch_write() as batch:
        for key, item in existing.items():
            if item.status == "planned" and key not in wanted:
                batch.delete(item)
        for key, visit in wanted.items():
            if key not in existing:
                batch.save(
                    VisitModel(
                        contract_id=contract_id,
                        key=key,
                        item_id=visit.item_id,
                        customer_id=customer_id,
                        due=visit.due.isoformat(),
                    )
                )
    return len(wanted)
