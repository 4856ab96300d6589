"""Billing periods (issue 4): pure calendar arithmetic in the contract's own dates.

Every period boundary is computed from the anchor date, never by stepping from the previous
period, so a contract that starts on the 31st bills on Jan 31, Feb 28 (29), Mar 31... and never
drifts to the 28th. Dates are local dates in the contract's time zone; instants convert at
local midnight (zoneinfo), which keeps DST changes out of the arithmetic.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.domain.errors import ValidationError

UNITS = ("week", "month")


@dataclass(frozen=True)
class Cadence:
    """How often a contract bills: every `count` weeks or months."""

    unit: str
    count: int = 1

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValidationError(f"billing period unit must be one of {', '.join(UNITS)}", field="period")
        if not 1 <= self.count <= 120:
            raise ValidationError("the billing period must be 1 to 120 weeks or months", field="period")

    @classmethod
    def named(cls, name: str) -> Cadence:
        """weekly, monthly, quarterly, yearly, or every_<n>_months."""
        fixed = {
            "weekly": ("week", 1),
            "monthly": ("month", 1),
            "quarterly": ("month", 3),
            "yearly": ("month", 12),
        }
        if name in fixed:
            return cls(*fixed[name])
        parts = name.split("_")
        if len(parts) == 3 and parts[0] == "every" and parts[2] == "months" and parts[1].isdigit():
            return cls("month", int(parts[1]))
        raise ValidationError(
            "billing period must be weekly, monthly, quarterly, yearly or every_<n>_months", field="period"
        )


@dataclass(frozen=True)
class Period:
    """[start, end): the end is the first day of the next period."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def boundary(anchor: date, cadence: Cadence, index: int) -> date:
    """The start of period number `index` (0 = the anchor; negative counts backwards)."""
    if cadence.unit == "week":
        return anchor + timedelta(weeks=cadence.count * index)
    months = anchor.month - 1 + cadence.count * index
    year, month = anchor.year + months // 12, months % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def period_at(anchor: date, cadence: Cadence, index: int) -> Period:
    return Period(boundary(anchor, cadence, index), boundary(anchor, cadence, index + 1))


def index_of(anchor: date, cadence: Cadence, day: date) -> int:
    """The number of the period containing `day`."""
    if cadence.unit == "week":
        return (day - anchor).days // (7 * cadence.count)
    guess = ((day.year - anchor.year) * 12 + day.month - anchor.month) // cadence.count
    # Short months can put `day` before the guessed period's start (anchor on the 31st): step back.
    while boundary(anchor, cadence, guess) > day:
        guess -= 1
    while boundary(anchor, cadence, guess + 1) <= day:
        guess += 1
    return guess


def period_containing(anchor: date, cadence: Cadence, day: date) -> Period:
    return period_at(anchor, cadence, index_of(anchor, cadence, day))


def periods_between(anchor: date, cadence: Cadence, start: date, end: date) -> list[Period]:
    """Every period overlapping [start, end), in order."""
    if end <= start:
        return []
    first, last = index_of(anchor, cadence, start), index_of(anchor, cadence, end - timedelta(days=1))
    return [period_at(anchor, cadence, i) for i in range(first, last + 1)]


def local_date(instant: datetime, timezone: str) -> date:
    """The calendar date at `instant` where the contract lives."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return instant.astimezone(ZoneInfo(timezone)).date()


def local_midnight(day: date, timezone: str) -> datetime:
    """The instant (UTC) a local date starts: a bill dated `day` is due from this moment."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def check_timezone(name: str, field: str = "timezone") -> str:
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{name!r} is not a time zone such as Europe/Bratislava", field=field) from None
    return name


def parse_day(raw: Any, field: str) -> date | None:
    """A typed date (2027-01-31); empty is None, anything else names the field."""
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError(f"{field} must be a date such as 2027-01-31", field=field) from None
