"""Proration by day (X1): exact integer arithmetic, never a lost or invented minor unit."""

from __future__ import annotations

from datetime import date

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import Cadence, Period, periods_between


def split(amount: int, weights: list[int]) -> list[int]:
    """Splits an integer amount in proportion to weights (largest remainders first); the parts sum to it."""
    if any(w < 0 for w in weights) or not any(weights):
        raise ValueError("weights must be non-negative with a positive total")
    total = sum(weights)
    sign = -1 if amount < 0 else 1
    quotas = [abs(amount) * w for w in weights]
    parts = [q // total for q in quotas]
    short = abs(amount) - sum(parts)
    # Ties go to the earlier part, so the result does not depend on anything but the inputs.
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] % total), i))
    for i in order[:short]:
        parts[i] += 1
    return [sign * p for p in parts]


def prorate(amount: int, period: Period, start: date, end: date) -> int:
    """The part of one period's `amount` for the days [start, end) inside that period."""
    used_start, used_end = max(start, period.start), min(end, period.end)
    if used_end <= used_start:
        return 0
    before = (used_start - period.start).days
    used = (used_end - used_start).days
    after = (period.end - used_end).days
    return split(amount, [before, used, after])[1]


def change_now(old_amount: int, new_amount: int, period: Period, change_day: date) -> tuple[int, int]:
    """A change effective on `change_day`: (credit for the unused old part, charge for the new part)."""
    if not period.contains(change_day):
        raise ValidationError("the change date must lie inside the current period", field="effective_date")
    return prorate(old_amount, period, change_day, period.end), prorate(
        new_amount, period, change_day, period.end
    )


def coterm_charge(amount: int, anchor: date, cadence: Cadence, current_end: date, target_end: date) -> int:
    """What extending (or, negative, shortening) a contract from current_end to target_end costs."""
    if target_end == current_end:
        return 0
    start, end, sign = (
        (current_end, target_end, 1) if target_end > current_end else (target_end, current_end, -1)
    )
    return sign * sum(prorate(amount, p, start, end) for p in periods_between(anchor, cadence, start, end))
