"""The outstanding invoices list (S14): what customers still owe, the earliest due first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.domain.invoices import Invoice
from chalicelib.domain.periods import local_date

PAGE_SIZE = 100
LATEST_OFFSET = timedelta(hours=14)  # the earliest time zone (UTC+14) reaches a date first


@dataclass(frozen=True)
class Row:
    invoice: Invoice
    customer_name: str
    days_overdue: int  # 0 when not yet due


@dataclass(frozen=True)
class Outstanding:
    rows: tuple[Row, ...]
    next_cursor: str | None

    def totals(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for row in self.rows:
            found[row.invoice.currency] = found.get(row.invoice.currency, 0) + row.invoice.open_minor
        return found


def days_overdue(due: date | None, today: date) -> int:
    return max(0, (today - due).days) if due else 0


def outstanding(
    now: datetime, *, overdue_only: bool = False, after: str = "", limit: int = PAGE_SIZE
) -> Outstanding:
    """Days overdue count in each customer's time zone; `overdue_only` asks the index only for what
    is due by today somewhere on earth, then keeps what is overdue where its customer is."""
    from chalicelib.store import customers
    from chalicelib.store import outstanding as store

    due_by = (now + LATEST_OFFSET).date() - timedelta(days=1) if overdue_only else None
    found, cursor = store.page(due_by=due_by, after=after, limit=limit)
    known = {c.id: c for c in customers.get_many(list({i.customer_id for i in found}))}
    rows = []
    for invoice in found:
        customer = known.get(invoice.customer_id)
        today = local_date(now, customer.timezone if customer and customer.timezone else "UTC")
        row = Row(
            invoice, customer.name if customer else invoice.customer_id, days_overdue(invoice.due_date, today)
        )
        if row.days_overdue or not overdue_only:
            rows.append(row)
    return Outstanding(tuple(rows), cursor)
