"""A quote as people read it (the admin page and the email): lines and totals as formatted amounts."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.contracts import Line
from chalicelib.domain.money import format_amount
from chalicelib.domain.quotes import Quote

_PERIODS = {"weekly": "week", "monthly": "month", "quarterly": "quarter", "yearly": "year"}


def per_period(period: str) -> str:
    """ "per month", "every 6 months": what a recurring total is counted over."""
    if period in _PERIODS:
        return f"per {_PERIODS[period]}"
    return period.replace("_", " ") if period else "per period"


def line_row(line: Line, currency: str, locale: str = "en") -> dict[str, Any]:
    discount = ""
    if line.discount.percent:
        discount = f"{line.discount.percent.normalize():f}%"
    elif line.discount.amount_minor:
        discount = format_amount(line.discount.amount_minor, currency, locale)
    return {
        "description": line.description,
        "quantity": f"{line.quantity.normalize():f}",
        "unit": line.unit,
        "unit_price": format_amount(line.unit_price_minor, currency, locale),
        "discount": discount,
        "amount": format_amount(line.period_amount, currency, locale),
    }


def summary(quote: Quote, locale: str = "en") -> dict[str, Any]:
    period = per_period(quote.period)
    rows = [
        {
            **line_row(q.line, quote.currency, locale),
            "recurring": q.recurring,
            "when": period if q.recurring else "once",
        }
        for q in quote.lines
    ]
    return {
        "number": quote.number,
        "rows": rows,
        "period": period,
        "recurring_total": format_amount(quote.recurring_total, quote.currency, locale)
        if quote.recurring_lines
        else "",
        "one_off_total": format_amount(quote.one_off_total, quote.currency, locale)
        if quote.one_off_lines
        else "",
        "valid_until": quote.valid_until.isoformat(),
    }
