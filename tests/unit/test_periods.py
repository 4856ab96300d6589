"""Billing periods: month ends, leap years, weeks, and dates in the contract's time zone."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import (
    Cadence,
    boundary,
    local_date,
    local_midnight,
    period_containing,
    periods_between,
)

MONTHLY, QUARTERLY, YEARLY = Cadence.named("monthly"), Cadence.named("quarterly"), Cadence.named("yearly")


@pytest.mark.parametrize(
    ("anchor", "cadence", "index", "expected"),
    [
        (date(2027, 1, 31), MONTHLY, 1, date(2027, 2, 28)),  # short month: the last day
        (date(2027, 1, 31), MONTHLY, 2, date(2027, 3, 31)),  # and back to the 31st, no drift
        (date(2028, 1, 31), MONTHLY, 1, date(2028, 2, 29)),  # leap year
        (date(2027, 1, 30), MONTHLY, 1, date(2027, 2, 28)),
        (date(2027, 3, 31), MONTHLY, 1, date(2027, 4, 30)),
        (date(2028, 2, 29), YEARLY, 1, date(2029, 2, 28)),  # a leap-day anniversary
        (date(2028, 2, 29), YEARLY, 4, date(2032, 2, 29)),
        (date(2027, 11, 30), QUARTERLY, 1, date(2028, 2, 29)),
        (date(2027, 12, 15), MONTHLY, 1, date(2028, 1, 15)),  # year change
        (date(2027, 1, 31), MONTHLY, -1, date(2026, 12, 31)),
        (date(2027, 1, 1), Cadence("week", 2), 3, date(2027, 2, 12)),
        (date(2027, 1, 31), Cadence.named("every_5_months"), 1, date(2027, 6, 30)),
    ],
)
def test_period_boundaries(anchor, cadence, index, expected) -> None:
    assert boundary(anchor, cadence, index) == expected


def test_the_period_containing_a_day_after_a_short_month() -> None:
    period = period_containing(date(2027, 1, 31), MONTHLY, date(2027, 3, 30))
    assert (period.start, period.end, period.days) == (date(2027, 2, 28), date(2027, 3, 31), 31)


def test_periods_between_two_dates_cover_them_in_order() -> None:
    found = periods_between(date(2027, 1, 31), MONTHLY, date(2027, 2, 10), date(2027, 4, 1))
    assert [(p.start, p.end) for p in found] == [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2027, 2, 28), date(2027, 3, 31)),
        (date(2027, 3, 31), date(2027, 4, 30)),
    ]


@pytest.mark.parametrize("name", ["daily", "every_0_months", "every_x_months", "monthly "])
def test_unknown_periods_name_the_field(name: str) -> None:
    with pytest.raises(ValidationError) as error:
        Cadence.named(name)
    assert error.value.field == "period"


@pytest.mark.parametrize(
    ("instant", "zone", "day"),
    [
        # The same instant is a different billing date on each side of the world.
        (datetime(2027, 3, 31, 12, 30, tzinfo=UTC), "Pacific/Auckland", date(2027, 4, 1)),
        (datetime(2027, 3, 31, 12, 30, tzinfo=UTC), "America/Los_Angeles", date(2027, 3, 31)),
        # Around the DST changes: the local calendar date is still exact.
        (datetime(2027, 3, 28, 0, 30, tzinfo=UTC), "Europe/Bratislava", date(2027, 3, 28)),
        (datetime(2027, 10, 31, 22, 30, tzinfo=UTC), "Europe/Bratislava", date(2027, 10, 31)),
        (datetime(2027, 10, 31, 23, 0, tzinfo=UTC), "Europe/Bratislava", date(2027, 11, 1)),
    ],
)
def test_billing_dates_are_local_dates(instant, zone, day) -> None:
    assert local_date(instant, zone) == day


def test_local_midnight_moves_with_daylight_saving() -> None:
    assert local_midnight(date(2027, 3, 28), "Europe/Bratislava") == datetime(2027, 3, 27, 23, tzinfo=UTC)
    assert local_midnight(date(2027, 3, 29), "Europe/Bratislava") == datetime(2027, 3, 28, 22, tzinfo=UTC)
    # A local day across the change is 23 hours long, and the next date still starts at midnight.
    assert local_midnight(date(2027, 3, 29), "Europe/Bratislava") - local_midnight(
        date(2027, 3, 28), "Europe/Bratislava"
    ) == timedelta(hours=23)


anchors = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
cadences = st.builds(Cadence, st.sampled_from(["week", "month"]), st.integers(1, 24))


@given(anchors, cadences, st.integers(-50, 200))
def test_periods_tile_the_calendar_without_gaps_or_overlaps(anchor, cadence, index) -> None:
    start, end = boundary(anchor, cadence, index), boundary(anchor, cadence, index + 1)
    assert start < end
    assert period_containing(anchor, cadence, start).start == start
    assert period_containing(anchor, cadence, end - timedelta(days=1)).end == end


@given(anchors, cadences, st.integers(0, 3000))
def test_every_day_lies_in_exactly_the_period_that_claims_it(anchor, cadence, offset) -> None:
    day = anchor + timedelta(days=offset)
    period = period_containing(anchor, cadence, day)
    assert period.contains(day)
