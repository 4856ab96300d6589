"""Contracts and their versions: every save is one transaction (contract, version, audit).

Saving is optimistic: the stored version must still be the one the change was made from, so the
second of two concurrent edits gets a Conflict and nothing of it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import Actor, AuditEntry
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.contract_pricing import Discount
from chalicelib.domain.contracts import Adjustment, Cancellation, Contract, Line, Terms
from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import iso_utc
from chalicelib.store import records
from chalicelib.store.models_contracts import ContractModel, ContractVersionModel

RUNNING = (Status.DRAFT, Status.ACTIVE, Status.SUSPENDED)
CONFLICT = "this contract was changed by someone else since you opened it: reload it and try again"


def as_json(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.id,
        "customer_id": contract.customer_id,
        "template_id": contract.template_id,
        "template_name": contract.template_name,
        "currency": contract.currency,
        "timezone": contract.timezone,
        "start_date": contract.start_date.isoformat(),
        "anchor": contract.anchor.isoformat(),
        "billed_until": contract.billed_until.isoformat(),
        "end_date": contract.end_date.isoformat() if contract.end_date else None,
        "terms": contract.terms.as_json(),
        "status": contract.status.value,
        "lines": [line.as_json() for line in contract.lines],
        "discount_percent": str(contract.discount.percent) if contract.discount.percent else "",
        "discount_minor": contract.discount.amount_minor,
        "price_list_id": contract.price_list_id,
        "salesperson_id": contract.salesperson_id,
        "adjustments": [a.as_json() for a in contract.adjustments],
        "cancellation": contract.cancellation.as_json() if contract.cancellation else None,
        "renewed_from": contract.renewed_from,
        "renewed_to": contract.renewed_to,
        "term_number": contract.term_number,
        "quote_id": contract.quote_id,
        "reminders_sent": list(contract.reminders_sent),
        "bill_now": contract.bill_now.isoformat() if contract.bill_now else None,
        "created_at": contract.created_at.isoformat() if contract.created_at else None,
    }


def from_json(data: dict[str, Any], version: int) -> Contract:
    end = data.get("end_date")
    return Contract(
        id=data["id"],
        customer_id=data["customer_id"],
        template_id=data["template_id"],
        template_name=data.get("template_name", ""),
        currency=data["currency"],
        timezone=data["timezone"],
        start_date=date.fromisoformat(data["start_date"]),
        anchor=date.fromisoformat(data["anchor"]),
        billed_until=date.fromisoformat(data["billed_until"]),
        end_date=date.fromisoformat(end) if end else None,
        terms=Terms.from_json(data["terms"]),
        status=Status(data["status"]),
        lines=tuple(Line.from_json(line) for line in data.get("lines", ())),
        discount=Discount(Decimal(data.get("discount_percent") or 0), int(data.get("discount_minor", 0))),
        price_list_id=data.get("price_list_id", ""),
        salesperson_id=data.get("salesperson_id", ""),
        adjustments=tuple(Adjustment.from_json(a) for a in data.get("adjustments", ())),
        cancellation=Cancellation.from_json(data["cancellation"]) if data.get("cancellation") else None,
        renewed_from=data.get("renewed_from", ""),
        renewed_to=data.get("renewed_to", ""),
        term_number=int(data.get("term_number", 1)),
        quote_id=data.get("quote_id", ""),
        reminders_sent=tuple(data.get("reminders_sent", ())),
        bill_now=date.fromisoformat(data["bill_now"]) if data.get("bill_now") else None,
        created_at=datetime.fromisoformat(data["created_at"]) if data.get("created_at") else None,
        version=version,
    )


def from_item(item: Any) -> Contract:
    return from_json(item.body, int(item.version))


def to_item(contract: Contract, version: int) -> ContractModel:
    if contract.created_at is None:
        raise ValueError("a stored contract needs its creation time")
    running = contract.status in RUNNING
    next_billing = contract.next_billing_date
    return ContractModel(
        id=contract.id,
        customer_id=contract.customer_id,
        template_id=contract.template_id,
        status=contract.status.value,
        start_date=contract.start_date.isoformat(),
        end_date=contract.end_date.isoformat() if contract.end_date else None,
        next_billing_date=next_billing.isoformat() if next_billing else None,
        created_key=f"{iso_utc(contract.created_at)}#{contract.id}",  # the same at every save
        ending="running" if running and contract.end_date else None,
        billing="due" if next_billing else None,
        body=as_json(contract),
        version=version,
    )


@dataclass(frozen=True)
class Saved:
    """One contract's change, ready to commit alone or with others (bulk work, quote acceptance)."""

    before: Contract | None
    after: Contract
    action: str
    summary: str

    def entry(self, actor: Actor, now: datetime) -> AuditEntry:
        before = {"status": self.before.status.value} if self.before else None
        return actor.entry(
            "contract",
            self.after.id,
            self.action,
            now,
            before,
            {"status": self.after.status.value, "change": self.summary},
        )

    def add_to(self, change: records.Change, actor: Actor, now: datetime) -> Contract:
        before_version = self.before.version if self.before else None
        item = records.save_version(change, lambda v: to_item(self.after, v), before_version)
        version = int(item.version)
        change.save(
            ContractVersionModel(
                contract_id=self.after.id,
                version=version,
                recorded_at=now,
                actor=actor.id,
                actor_label=actor.label,
                action=self.action,
                summary=self.summary[:1000],
                snapshot=item.body,
            ),
            ContractVersionModel.version.does_not_exist(),
        )
        return replace(self.after, version=version)


def commit(
    saves: list[Saved], actor: Actor, now: datetime, also: records.Change | None = None
) -> list[Contract]:
    """Writes every contract with its version and audit entry in one transaction.

    `also`: more writes that must happen with them or not at all (the quote a contract comes from).
    """
    change = also or records.Change()
    change.conflict_message = CONFLICT
    saved = [s.add_to(change, actor, now) for s in saves]
    for s in saves:
        change.save(_audit_item(s.entry(actor, now)))
    records.commit(change)
    return saved


def _audit_item(entry: AuditEntry) -> Any:
    from chalicelib.store import audit

    return audit.to_item(entry)


def get(contract_id: str, *, consistent: bool = False) -> Contract:
    try:
        item = ContractModel.get(contract_id, consistent_read=consistent)
    except DoesNotExist:
        raise NotFound(f"no contract {contract_id}", field="contract_id") from None
    return from_item(item)


def get_many(contract_ids: list[str]) -> list[Contract]:
    """Consistent BatchGetItem reads (100 per request), in the order asked; missing ids are left out."""
    wanted = list(dict.fromkeys(contract_ids))
    found = (
        {i.id: from_item(i) for i in ContractModel.batch_get(wanted, consistent_read=True)} if wanted else {}
    )
    return [found[i] for i in wanted if i in found]


def of_customer(customer_id: str) -> list[Contract]:
    return [from_item(i) for i in ContractModel.by_customer.query(customer_id, scan_index_forward=False)]


def recent(limit: int = 50, status: str = "") -> list[Contract]:
    condition = ContractModel.status == status if status else None
    found = ContractModel.recent.query(
        "contract", scan_index_forward=False, filter_condition=condition, limit=limit
    )
    return [from_item(i) for i in found]


def running() -> list[Contract]:
    """Every contract that can still change (bulk work); a paged scan of the table."""
    condition = ContractModel.status.is_in(*(s.value for s in RUNNING))
    return [from_item(i) for i in ContractModel.scan(filter_condition=condition)]


def ending_by(day: date) -> list[Contract]:
    """Running contracts whose end date is on or before `day` (renewals, reminders, expiry)."""
    found = ContractModel.by_end.query("running", ContractModel.end_date <= day.isoformat())
    return [from_item(i) for i in found]


def versions(contract_id: str) -> list[dict[str, Any]]:
    """The history, newest first: version, when, who, what."""
    return [
        {
            "version": int(v.version),
            "recorded_at": v.recorded_at,
            "actor": v.actor,
            "actor_label": v.actor_label,
            "action": v.action,
            "summary": v.summary,
        }
        for v in ContractVersionModel.query(
            contract_id, scan_index_forward=False, attributes_to_get=_HISTORY_FIELDS
        )
    ]


_HISTORY_FIELDS = ["contract_id", "version", "recorded_at", "actor", "actor_label", "action", "summary"]


def version(contract_id: str, number: int) -> Contract:
    try:
        item = ContractVersionModel.get(contract_id, number)
    except DoesNotExist:
        raise NotFound(f"contract {contract_id} has no version {number}", field="version") from None
    return from_json(item.snapshot, int(item.version))


def known_at(contract_id: str, instant: datetime) -> Contract:
    """The contract as it was recorded at `instant` (the last version saved by then)."""
    newest_first = ContractVersionModel.query(contract_id, scan_index_forward=False)
    found = next((v for v in newest_first if v.recorded_at <= instant), None)  # reads only as far as needed
    if found is None:
        raise NotFound(f"contract {contract_id} did not exist yet at {instant:%Y-%m-%d %H:%M}", field="as_of")
    return from_json(found.snapshot, int(found.version))
