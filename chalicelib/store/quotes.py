"""Quotes: one item each, saved with its audit entry in one transaction and a version check.

The version check is what makes acceptance happen once: two accepts read the same version and
only the first write of the next one succeeds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import iso_utc
from chalicelib.domain.quotes import OPEN, Quote, QuoteLine, QuoteStatus
from chalicelib.store import audit, records
from chalicelib.store.models_sales import QuoteModel

CONFLICT = "this quote was changed by someone else since you opened it: reload it and try again"


def as_json(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.id,
        "customer_id": quote.customer_id,
        "currency": quote.currency,
        "timezone": quote.timezone,
        "lines": [q.as_json() for q in quote.lines],
        "valid_until": quote.valid_until.isoformat(),
        "created_at": quote.created_at.isoformat(),
        "template_id": quote.template_id,
        "template_name": quote.template_name,
        "period": quote.period,
        "price_list_id": quote.price_list_id,
        "salesperson_id": quote.salesperson_id,
        "notes": quote.notes,
        "status": quote.status.value,
        "sent_at": quote.sent_at.isoformat() if quote.sent_at else None,
        "accepted_at": quote.accepted_at.isoformat() if quote.accepted_at else None,
        "contract_id": quote.contract_id,
        "order_id": quote.order_id,
    }


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def from_item(item: Any) -> Quote:
    data = item.body
    return Quote(
        id=data["id"],
        customer_id=data["customer_id"],
        currency=data["currency"],
        timezone=data.get("timezone", "UTC"),
        lines=tuple(QuoteLine.from_json(line) for line in data.get("lines", ())),
        valid_until=date.fromisoformat(data["valid_until"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        template_id=data.get("template_id", ""),
        template_name=data.get("template_name", ""),
        period=data.get("period", ""),
        price_list_id=data.get("price_list_id", ""),
        salesperson_id=data.get("salesperson_id", ""),
        notes=data.get("notes", ""),
        status=QuoteStatus(data["status"]),
        sent_at=_instant(data.get("sent_at")),
        accepted_at=_instant(data.get("accepted_at")),
        contract_id=data.get("contract_id", ""),
        order_id=data.get("order_id", ""),
        version=int(item.version),
    )


def to_item(quote: Quote, version: int) -> QuoteModel:
    return QuoteModel(
        id=quote.id,
        customer_id=quote.customer_id,
        status=quote.status.value,
        created_key=f"{iso_utc(quote.created_at)}#{quote.id}",
        valid_until=quote.valid_until.isoformat(),
        expiring="open" if quote.status in OPEN else None,
        body=as_json(quote),
        version=version,
    )


def add_save(change: records.Change, before: Quote | None, after: Quote, entry: AuditEntry) -> Quote:
    """Adds the quote and its audit entry to `change` (which may carry a contract and an order too)."""
    item = records.save_version(change, lambda v: to_item(after, v), before.version if before else None)
    saved_version = int(item.version)
    change.save(audit.to_item(entry))
    return replace(after, version=saved_version)


def save(before: Quote | None, after: Quote, entry: AuditEntry) -> Quote:
    change = records.Change(conflict_message=CONFLICT)
    saved = add_save(change, before, after, entry)
    records.commit(change)
    return saved


def get(quote_id: str, *, consistent: bool = False) -> Quote:
    try:
        return from_item(QuoteModel.get(quote_id, consistent_read=consistent))
    except DoesNotExist:
        raise NotFound(f"no quote {quote_id}", field="quote_id") from None


def recent(limit: int = 100) -> list[Quote]:
    return [from_item(i) for i in QuoteModel.recent.query("quote", scan_index_forward=False, limit=limit)]


def of_customer(customer_id: str, limit: int = 100) -> list[Quote]:
    found = QuoteModel.by_customer.query(customer_id, scan_index_forward=False, limit=limit)
    return [from_item(i) for i in found]


def open_until(day: date) -> list[Quote]:
    """Open quotes (draft, sent, viewed) valid until `day` or earlier: what the expiry job looks at."""
    found = QuoteModel.by_expiry.query("open", QuoteModel.valid_until <= day.isoformat())
    return [from_item(i) for i in found]
