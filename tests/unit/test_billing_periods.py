"""Billing a contract's periods (issue 5): which are due, what each costs, exactly from the lines."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.billing import bill_period, periods_due
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.contract_pricing import Discount
from chalicelib.domain.contracts import Adjustment, Contract, Line, Terms, change_line
from chalicelib.domain.errors import Conflict
from chalicelib.domain.periods import Period, local_date

NOW = datetime(2027, 1, 1, tzinfo=UTC)


def contract(start: date = date(2027, 1, 1), anchor: date | None = None, **overrides) -> Contract:
    values = dict(
        id="c1",
        customer_id="cu1",
        template_id="t1",
        template_name="Care",
        currency="EUR",
        timezone="Europe/Bratislava",
        start_date=start,
        anchor=anchor or start,
        billed_until=start,
        end_date=None,
        terms=Terms(period="monthly"),
        status=Status.ACTIVE,
        lines=(Line("l1", "p1", "Support", Decimal(1), 3100),),
    )
    values.update(overrides)
    return Contract(**values)  # type: ignore[arg-type]


def bill_all(c: Contract, today: date) -> list[tuple[Period, int]]:
    bills = []
    for period in periods_due(c, today):
        bill = bill_period(c, period, NOW, f"inv-{period.start}")
        bills.append((period, bill.total_minor))
        c = bill.contract_after
    return bills


@pytest.mark.parametrize(
    ("c", "today", "expected"),
    [
        # In advance from the 31st: Jan 31, Feb 28 (short month), then Mar 31 is not yet due.
        (
            contract(date(2027, 1, 31)),
            date(2027, 3, 1),
            [
                (Period(date(2027, 1, 31), date(2027, 2, 28)), 3100),
                (Period(date(2027, 2, 28), date(2027, 3, 31)), 3100),
            ],
        ),
        # In arrears: January is billed once it is over.
        (contract(terms=Terms(period="monthly", timing="arrears")), date(2027, 1, 31), []),
        (
            contract(terms=Terms(period="monthly", timing="arrears")),
            date(2027, 2, 1),
            [(Period(date(2027, 1, 1), date(2027, 2, 1)), 3100)],
        ),
        # Started on the 15th, billed on the 1st: the first period is a part period, 17 of 31 days.
        (
            contract(date(2027, 1, 15), anchor=date(2027, 1, 1)),
            date(2027, 1, 15),
            [(Period(date(2027, 1, 15), date(2027, 2, 1)), 1700)],
        ),
        # The job was down for three weeks: each missed week once, oldest first.
        (
            contract(terms=Terms(period="weekly"), lines=(Line("l1", "p1", "Hours", Decimal("2.5"), 1000),)),
            date(2027, 1, 15),
            [
                (Period(date(2027, 1, 1), date(2027, 1, 8)), 2500),
                (Period(date(2027, 1, 8), date(2027, 1, 15)), 2500),
                (Period(date(2027, 1, 15), date(2027, 1, 22)), 2500),
            ],
        ),
        # The last period ends with the contract: 10 of 31 days of March.
        (
            contract(date(2027, 3, 1), end_date=date(2027, 3, 11)),
            date(2027, 3, 1),
            [(Period(date(2027, 3, 1), date(2027, 3, 11)), 1000)],
        ),
        # Leap years: yearly from Feb 29, 2028 bills on Feb 28, 2029.
        (
            contract(date(2028, 2, 29), terms=Terms(period="yearly")),
            date(2029, 2, 28),
            [
                (Period(date(2028, 2, 29), date(2029, 2, 28)), 3100),
                (Period(date(2029, 2, 28), date(2030, 2, 28)), 3100),
            ],
        ),
        (contract(status=Status.SUSPENDED), date(2027, 6, 1), []),
        (contract(status=Status.DRAFT), date(2027, 6, 1), []),
    ],
)
def test_periods_due_and_what_each_costs(c: Contract, today: date, expected) -> None:
    assert bill_all(c, today) == expected


def test_a_line_changed_mid_period_is_billed_by_day_on_both_sides() -> None:
    c = contract(billed_until=date(2027, 1, 1))
    c = contract(lines=change_line(c, "l1", date(2027, 1, 16), "l2", quantity=Decimal(3)))
    bill = bill_period(c, periods_due(c, date(2027, 1, 1))[0], NOW, "inv-1")
    assert [(line.amount_minor, line.service_start, line.service_end) for line in bill.lines] == [
        (1500, date(2027, 1, 1), date(2027, 1, 16)),  # 15 days of 31.00
        (4800, date(2027, 1, 16), date(2027, 2, 1)),  # 16 days of 93.00
    ]


def test_adjustments_go_on_the_next_invoice_once() -> None:
    credit = Adjustment("a1", "Credit for unused time", -1600, date(2027, 1, 16), date(2027, 2, 1), NOW)
    c = contract(billed_until=date(2027, 2, 1), adjustments=(credit,))
    first = bill_period(c, periods_due(c, date(2027, 2, 1))[0], NOW, "inv-2")
    assert [(line.kind, line.amount_minor) for line in first.lines] == [
        ("recurring", 3100),
        ("adjustment", -1600),
    ]
    assert first.total_minor == 1500
    assert first.contract_after.adjustments[0].invoice_id == "inv-2"
    after = first.contract_after
    second = bill_period(after, periods_due(after, date(2027, 3, 1))[0], NOW, "inv-3")
    assert [line.kind for line in second.lines] == ["recurring"]


@pytest.mark.parametrize(
    ("discount", "expected"),
    [(Discount(percent=Decimal(10)), [6200, -620]), (Discount(amount_minor=500), [6200, -500])],
)
def test_the_contract_discount_is_its_own_line(discount: Discount, expected: list[int]) -> None:
    c = contract(lines=(Line("l1", "p1", "Support", Decimal(2), 3100),), discount=discount)
    bill = bill_period(c, periods_due(c, date(2027, 1, 1))[0], NOW, "inv-1")
    assert [line.amount_minor for line in bill.lines] == expected


def test_bill_now_brings_the_next_period_forward_once() -> None:
    c = contract(billed_until=date(2027, 2, 1), bill_now=date(2027, 1, 20))
    assert periods_due(c, date(2027, 1, 19)) == []
    [period] = periods_due(c, date(2027, 1, 20))
    after = bill_period(c, period, NOW, "inv-2").contract_after
    assert after.bill_now is None and periods_due(after, date(2027, 1, 21)) == []


def test_only_the_next_period_and_only_active_contracts_are_billed() -> None:
    c = contract()
    with pytest.raises(ValueError):
        bill_period(c, Period(date(2027, 2, 1), date(2027, 3, 1)), NOW, "inv-x")
    with pytest.raises(Conflict):
        bill_period(contract(status=Status.DRAFT), Period(date(2027, 1, 1), date(2027, 2, 1)), NOW, "inv-x")


def test_one_utc_run_bills_auckland_before_los_angeles() -> None:
    # 2027-03-31 12:00 UTC is April 1 in Auckland (UTC+13, DST) and still March 31 in Los Angeles.
    run = datetime(2027, 3, 31, 12, 0, tzinfo=UTC)
    for zone, due in (("Pacific/Auckland", 1), ("America/Los_Angeles", 0)):
        c = contract(date(2027, 3, 1), timezone=zone, billed_until=date(2027, 4, 1))
        assert len(periods_due(c, local_date(run, zone))) == due, zone


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    price=st.integers(min_value=0, max_value=10**8),
    months=st.integers(min_value=1, max_value=24),
)
def test_a_year_of_whole_periods_costs_twelve_period_prices(start: date, price: int, months: int) -> None:
    c = contract(start, lines=(Line("l1", "p1", "x", Decimal(1), price),))
    bills = bill_all(c, start + timedelta(days=31 * months - 31))
    assert all(total == price for _period, total in bills)
    assert sum(total for _p, total in bills) == price * len(bills)


@given(
    day=st.integers(min_value=1, max_value=30),
    price=st.integers(min_value=0, max_value=10**7),
)
def test_splitting_a_line_within_a_period_never_changes_its_total(day: int, price: int) -> None:
    c = contract(lines=(Line("l1", "p1", "x", Decimal(1), price),))
    split = contract(lines=change_line(c, "l1", date(2027, 1, 1) + timedelta(days=day), "l2"))
    period = periods_due(c, date(2027, 1, 1))[0]
    whole = bill_period(c, period, NOW, "a").total_minor
    parts = bill_period(split, period, NOW, "b").total_minor
    assert whole == price and abs(parts - whole) <= 1
