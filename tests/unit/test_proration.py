"""Proration by day: exact integers; a full period is the full price; nothing created or lost."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import Cadence, Period, boundary, period_at
from chalicelib.domain.proration import change_now, coterm_charge, prorate, split

FEB = Period(date(2027, 2, 28), date(2027, 3, 31))  # 31 days (anchor on the 31st)
MONTHLY = Cadence.named("monthly")


@pytest.mark.parametrize(
    ("amount", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (1000, [10, 21], [323, 677]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (1, [5, 5], [1, 0]),
        (0, [3, 4], [0, 0]),
    ],
)
def test_split_keeps_every_minor_unit(amount, weights, parts) -> None:
    assert split(amount, weights) == parts


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2027, 2, 28), date(2027, 3, 31), 3100),  # the whole period
        (date(2027, 3, 15), date(2027, 3, 31), 1600),  # 16 of 31 days
        (date(2027, 1, 1), date(2027, 3, 1), 100),  # only 1 day of it falls inside
        (date(2027, 4, 1), date(2027, 5, 1), 0),
    ],
)
def test_prorate_by_day(start, end, expected) -> None:
    assert prorate(3100, FEB, start, end) == expected


def test_an_upgrade_mid_period_credits_the_unused_old_part_and_charges_the_new() -> None:
    credit, charge = change_now(3100, 6200, FEB, date(2027, 3, 15))
    assert (credit, charge) == (1600, 3200)
    with pytest.raises(ValidationError) as error:
        change_now(3100, 6200, FEB, date(2027, 4, 2))
    assert error.value.field == "effective_date"


def test_coterming_charges_the_extension_and_credits_a_shortening() -> None:
    anchor = date(2027, 1, 31)
    # From Mar 31 to Apr 15: 15 of the 30 days of the Mar 31 - Apr 30 period.
    assert coterm_charge(3000, anchor, MONTHLY, date(2027, 3, 31), date(2027, 4, 15)) == 1500
    assert coterm_charge(3000, anchor, MONTHLY, date(2027, 4, 15), date(2027, 3, 31)) == -1500
    assert coterm_charge(3000, anchor, MONTHLY, date(2027, 3, 31), date(2027, 3, 31)) == 0


amounts = st.integers(min_value=-(10**9), max_value=10**9)


@given(amounts, st.lists(st.integers(0, 400), min_size=1, max_size=12).filter(any))
def test_splitting_never_creates_or_loses_a_minor_unit(amount, weights) -> None:
    parts = split(amount, weights)
    assert sum(parts) == amount
    assert all(abs(p - amount * w / sum(weights)) < 1 for p, w in zip(parts, weights, strict=True))


@given(amounts, st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.integers(1, 12), st.integers(-20, 100))
def test_the_full_period_costs_the_full_price(amount, anchor, months, index) -> None:
    period = period_at(anchor, Cadence("month", months), index)
    assert prorate(amount, period, period.start, period.end) == amount


@given(amounts, st.dates(date(2000, 1, 1), date(2090, 1, 1)), st.data())
def test_used_and_unused_parts_of_a_period_add_up_to_its_price(amount, anchor, data) -> None:
    period = Period(anchor, boundary(anchor, MONTHLY, 1))
    cut = anchor + timedelta(days=data.draw(st.integers(0, period.days)))
    assert prorate(amount, period, period.start, cut) + prorate(amount, period, cut, period.end) == amount
