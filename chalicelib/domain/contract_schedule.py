"""Dates a contract lives by (S7, S10): its term end, renewal reminders and planned service visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import Cadence, boundary


def term_end(start: date, cadence: Cadence, term_periods: int | None) -> date | None:
    """The first day after the term (None: open-ended)."""
    return None if term_periods is None else boundary(start, cadence, term_periods)


def check_dates(start: date, end: date | None) -> None:
    if end is not None and end <= start:
        raise ValidationError("the end date must be after the start date", field="end_date")


def reminder_dates(end: date, reminder_days: tuple[int, ...], today: date) -> list[tuple[int, date]]:
    """(days before the end, the date to send it) for reminders not yet due before `today`."""
    return sorted(
        ((d, end - timedelta(days=d)) for d in reminder_days if end - timedelta(days=d) >= today),
        key=lambda pair: pair[1],
    )


@dataclass(frozen=True)
class PlannedVisit:
    item_id: str
    due: date


def planned_visits(
    item_ids: list[str], start: date, end: date | None, every_months: int | None, *, horizon: date
) -> list[PlannedVisit]:
    """One visit per item every `every_months` from the start, until the contract ends or the horizon."""
    if every_months is None or not item_ids:
        return []
    cadence = Cadence("month", every_months)
    stop = min(end, horizon) if end else horizon
    visits = []
    index = 1  # the first visit is one interval after the start
    while (due := boundary(start, cadence, index)) < stop:
        visits += [PlannedVisit(item_id, due) for item_id in sorted(item_ids)]
        index += 1
    return visits
