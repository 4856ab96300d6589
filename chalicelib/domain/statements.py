"""A customer's account: balance and statement from invoices, credit notes and payments.

The balance is what issued invoices ask for, less credit notes and cleared payments. A cheque that
bounced after it cleared shows twice (paid, then returned); a held cheque shows but counts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from chalicelib.domain.invoices import Invoice
from chalicelib.domain.money import format_amount
from chalicelib.domain.payments import Payment, Status

_ORDER = {"invoice": 0, "credit_note": 1, "payment": 2, "bounce": 3}


@dataclass(frozen=True)
class Entry:
    day: date
    kind: str  # invoice | credit_note | payment | bounce
    record_id: str  # the invoice's or the payment's id
    label: str  # invoice number, or the payment's method and reference
    currency: str
    amount_minor: int  # signed: more owed (+) or less (-); 0 when it does not count
    note: str = ""  # e.g. "held until 2027-03-01"

    @property
    def sort_key(self) -> tuple[date, int, str]:
        return (self.day, _ORDER[self.kind], self.record_id)


def invoice_entries(invoices: Iterable[Invoice]) -> list[Entry]:
    """Issued invoices (+) and credit notes (-); drafts and pro-formas ask for nothing."""
    found = []
    for invoice in invoices:
        if (
            invoice.status != "issued"
            or invoice.kind not in ("invoice", "credit_note")
            or not invoice.issue_date
        ):
            continue
        sign = 1 if invoice.kind == "invoice" else -1
        found.append(
            Entry(
                invoice.issue_date,
                invoice.kind,
                invoice.id,
                invoice.number or invoice.id,
                invoice.currency,
                sign * invoice.total_minor,
            )
        )
    return found


def payment_entries(payments: Iterable[Payment]) -> list[Entry]:
    found = []
    for p in payments:
        label = p.method.label + (f" {p.reference}" if p.reference else "")

        def entry(
            day: date, kind: str, amount: int, note: str = "", p: Payment = p, label: str = label
        ) -> Entry:
            return Entry(day, kind, p.id, label, p.currency, amount, note)

        face = format_amount(p.amount_minor, p.currency)
        if p.status is Status.HELD:
            found.append(
                entry(p.received_on, "payment", 0, f"{face} held until {p.cheque_date}: not counted yet")
            )
        elif p.cleared_on is None:  # bounced while still held: it never paid anything
            found.append(entry(p.received_on, "payment", 0, f"{face} bounced: {p.bounce_reason}"))
        else:
            found.append(entry(p.cleared_on, "payment", -p.amount_minor))
            if p.status is Status.BOUNCED and p.bounced_on:
                found.append(entry(p.bounced_on, "bounce", p.amount_minor, f"bounced: {p.bounce_reason}"))
    return found


def balances(entries: Iterable[Entry]) -> dict[str, int]:
    """What the customer owes per currency (negative: in credit)."""
    totals: dict[str, int] = {}
    for e in entries:
        totals[e.currency] = totals.get(e.currency, 0) + e.amount_minor
    return totals


@dataclass(frozen=True)
class Line:
    entry: Entry
    balance_minor: int  # the running balance after this line


@dataclass(frozen=True)
class Statement:
    currency: str
    start: date
    end: date
    opening_minor: int
    lines: tuple[Line, ...]

    @property
    def closing_minor(self) -> int:
        return self.lines[-1].balance_minor if self.lines else self.opening_minor


def statement(entries: Iterable[Entry], currency: str, start: date, end: date) -> Statement:
    """The entries of one currency from `start` to `end` (both included), after the opening balance."""
    mine = sorted((e for e in entries if e.currency == currency), key=lambda e: e.sort_key)
    opening = sum(e.amount_minor for e in mine if e.day < start)
    running, lines = opening, []
    for e in mine:
        if start <= e.day <= end:
            running += e.amount_minor
            lines.append(Line(e, running))
    return Statement(currency, start, end, opening, tuple(lines))


def currencies(used: Iterable[str], preferred: str) -> list[str]:
    """The currencies of an account, the customer's own first (even with nothing in it yet)."""
    return [preferred, *sorted(set(used) - {preferred})]
