"""Revenue recognition (B14 basis): each invoice's net amount spread over its service days, per month.

A line's amount is split over the calendar months of its service period in proportion to the days
in each (largest remainders, so no cent is made or lost); a line without a service period (a setup
fee) counts in the month it was invoiced. Tax-inclusive invoices are scaled to their net amount.
The months always add up to the invoice's net amount exactly.
"""

from __future__ import annotations

from datetime import date

from chalicelib.domain.invoices import Invoice
from chalicelib.domain.periods import Cadence, boundary
from chalicelib.domain.proration import split

_MONTH = Cadence("month")


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _spread(amount: int, start: date, end: date) -> dict[str, int]:
    months, weights = [], []
    cursor = date(start.year, start.month, 1)
    while cursor < end:
        following = boundary(cursor, _MONTH, 1)
        days = (min(end, following) - max(start, cursor)).days
        months.append(_month(cursor))
        weights.append(days)
        cursor = following
    return dict(zip(months, split(amount, weights), strict=True))


def monthly_revenue(invoice: Invoice) -> dict[str, int]:
    issued = invoice.issue_date or (invoice.period.start if invoice.period else invoice.created_at.date())
    cells: dict[str, int] = {}
    for line in invoice.lines:
        start, end = line.service_start or issued, line.service_end or issued
        parts = _spread(line.amount_minor, start, end) if end > start else {_month(issued): line.amount_minor}
        for month, amount in parts.items():
            cells[month] = cells.get(month, 0) + amount
    net, gross = invoice.net_minor, sum(cells.values())
    if net != gross and gross:
        # Tax-inclusive prices: the same shares of the net amount (months with no amount stay at 0).
        months = sorted(cells)
        scaled = {m: cells[m] * net // gross for m in months}
        largest = max(months, key=lambda m: abs(cells[m]))
        scaled[largest] += net - sum(scaled.values())
        cells = scaled
    return dict(sorted(cells.items()))
