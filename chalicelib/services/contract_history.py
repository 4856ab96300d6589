"""The contract as it was on a day: the lines that ran then, and the version on record at that time.

Lines carry their own dates, so the current record answers "what ran on March 3" even for changes
typed in later; the version on record at the end of that day says what staff knew then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.contracts import Contract, Line
from chalicelib.domain.errors import NotFound
from chalicelib.store import contracts


@dataclass(frozen=True)
class AsOf:
    day: date
    lines: list[Line]
    period_amount_minor: int
    recorded: Contract | None  # None: the contract was entered after that day


def as_of(contract: Contract, day: date, now: datetime) -> AsOf:
    end_of_day = datetime.combine(day + timedelta(days=1), time(), ZoneInfo(contract.timezone))
    try:
        recorded: Contract | None = contracts.known_at(contract.id, min(end_of_day, now))
    except NotFound:
        recorded = None
    return AsOf(day, contract.lines_on(day), contract.period_amount(day), recorded)
