"""Numbers, money, dates and countries as a customer's locale writes them, for printed documents.

babel is imported inside the methods: the routes and jobs that never print pay nothing for it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from chalicelib.domain.document_labels import document_locale
from chalicelib.domain.money import format_amount

if TYPE_CHECKING:
    from babel.core import Locale


@cache
def _locale(code: str) -> Locale:
    from babel.core import Locale

    return Locale.parse(code)


class DocumentFormat:
    """ "1 234,56 €" and "23. 11. 2026" in sk, "€1,234.56" and "Nov 23, 2026" in en."""

    def __init__(self, locale: str, currency: str) -> None:
        self.locale = document_locale(locale)
        self.currency = currency

    def money(self, minor: int) -> str:
        return format_amount(minor, self.currency, self.locale)

    def day(self, day: date | None) -> str:
        from babel.dates import format_date

        return str(format_date(day, "medium", locale=self.locale)) if day else ""

    def span(self, start: date | None, end: date | None) -> str:
        """A service period [start, end) as its first and last day; one day is one date."""
        if not start or not end or end <= start:
            return self.day(start)
        last = end - timedelta(days=1)
        return self.day(start) if last == start else f"{self.day(start)} – {self.day(last)}"

    def quantity(self, value: Decimal) -> str:
        from babel.numbers import format_decimal

        return str(format_decimal(value.normalize(), format="#,##0.###", locale=self.locale))

    def percent(self, rate_bp: int) -> str:
        """Basis points as the locale writes a percentage: "20%" (en), "20 %" (sk), "8,25 %"."""
        import copy

        from babel.numbers import format_percent

        pattern = copy.copy(_locale(self.locale).percent_formats[None])
        pattern.frac_prec = (0, 2)
        return str(format_percent(Decimal(rate_bp) / 10_000, format=pattern, locale=self.locale))

    def country(self, code: str) -> str:
        """ "SK" -> "Slovakia" (en), "Slovensko" (sk), "Словакия" (ru)."""
        return str(_locale(self.locale).territories.get(code.upper(), code)) if code else ""
