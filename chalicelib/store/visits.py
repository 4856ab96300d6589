"""Planned service visits per contract: replaced wholesale when the contract changes, done ones kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.contract_schedule import PlannedVisit
from chalicelib.domain.feedback import visit_key
from chalicelib.store.models_contracts import VisitModel


@dataclass(frozen=True)
class Visit:
    contract_id: str
    item_id: str
    due: date
    status: str
    done_at: datetime | None = None

    @property
    def key(self) -> str:
        """The visit's key within its contract: "<due date>#<item id>"."""
        return visit_key(self.due, self.item_id)


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


def _model(contract_id: str, key: str) -> VisitModel:
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.domain.errors import NotFound

    try:
        return VisitModel.get(contract_id, key, consistent_read=True)
    except DoesNotExist:
        raise NotFound("no such service visit", field="visit_key") from None


def get(contract_id: str, key: str) -> Visit:
    """NotFound when the contract has no visit with this key."""
    return _visit(_model(contract_id, key))


def mark_done(contract_id: str, key: str, *, now: datetime, entry: AuditEntry) -> Visit:
    """planned -> done with done_at, and its audit entry, in one conditional write: a visit that is not
    planned (done already, or replaced by a contract change meanwhile) is refused with a Conflict."""
    from chalicelib.domain.errors import Conflict
    from chalicelib.store import records

    item = _model(contract_id, key)
    if item.status != "planned":
        raise Conflict(f"this visit is {item.status}, not planned: only a planned visit can be marked done")
    item.status, item.done_at = "done", now
    change = records.Change(audit=entry)
    change.save(
        item, VisitModel.status == "planned", "this visit was changed meanwhile: reload and try again"
    )
    records.commit(change)
    return _visit(item)
