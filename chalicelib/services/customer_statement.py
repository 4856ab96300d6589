"""A customer's balance and statement (S14): two queries of the by_customer indexes, no scan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.domain.customer import Customer
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import local_date, parse_day
from chalicelib.domain.statements import (
    Entry,
    Statement,
    balances,
    currencies,
    invoice_entries,
    payment_entries,
    statement,
)

DEFAULT_DAYS = 90


def account_entries(customer_id: str, until: date | None = None) -> list[Entry]:
    """Everything that moved the customer's balance (up to `until`), held cheques included."""
    from chalicelib.store import invoices, payments

    found = invoice_entries(invoices.of_customer(customer_id))
    found += payment_entries(payments.of_customer(customer_id, until=until))
    return [e for e in found if until is None or e.day <= until]


def customer_balance(customer: Customer) -> dict[str, int]:
    """What the customer owes per currency (negative: in credit), the customer's currency first."""
    totals = balances(account_entries(customer.id))
    return {c: totals.get(c, 0) for c in currencies(totals, customer.currency)}


@dataclass(frozen=True)
class Statements:
    customer: Customer
    start: date
    end: date
    statements: tuple[Statement, ...]  # one per currency, the customer's own first


def customer_statement(customer_id: str, start: str, end: str, *, now: datetime) -> Statements:
    """From `start` to `end` (ISO dates; by default the last 90 days up to today where the customer is)."""
    from chalicelib.store import customers

    customer = customers.get(customer_id)
    today = local_date(now, customer.timezone or "UTC")
    last = parse_day(end, "to") or today
    first = parse_day(start, "from") or last - timedelta(days=DEFAULT_DAYS)
    if first > last:
        raise ValidationError(f"the statement starts ({first}) after it ends ({last})", field="from")
    entries = account_entries(customer.id, until=last)
    used = currencies((e.currency for e in entries), customer.currency)
    return Statements(customer, first, last, tuple(statement(entries, c, first, last) for c in used))
