"""Contract lines over time: changes end a line and start another; invoiced time is settled by day."""

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.contracts import (
    Contract,
    Line,
    Terms,
    add_line,
    cancel,
    change_line,
    coterminate,
    effective_day,
    remove_line,
    renewal,
    settle_invoiced_time,
)
from chalicelib.domain.errors import Conflict, ValidationError

NOW = datetime(2027, 1, 16, 9, 0, tzinfo=UTC)


def ids():
    numbers = count(1)
    return lambda: f"n{next(numbers)}"


def contract(**overrides) -> Contract:
    values = dict(
        id="c1",
        customer_id="cu1",
        template_id="t1",
        template_name="Care",
        currency="EUR",
        timezone="Europe/Bratislava",
        start_date=date(2027, 1, 1),
        anchor=date(2027, 1, 1),
        billed_until=date(2027, 2, 1),  # January invoiced in advance
        end_date=date(2028, 1, 1),
        terms=Terms(period="monthly", term_periods=12),
        status=Status.ACTIVE,
        lines=(Line("l1", "p1", "Support", Decimal(2), 3100, item_ids=("i1", "i2")),),
    )
    values.update(overrides)
    return Contract(**values)  # type: ignore[arg-type]


def test_an_upgrade_now_credits_the_unused_old_part_and_charges_the_new_part() -> None:
    before = contract()
    lines = change_line(before, "l1", date(2027, 1, 16), "l2", quantity=Decimal(3))
    after = contract(lines=lines)
    # 2 x 31.00 a month; from Jan 16 the 16 unused days of 31: 62.00 * 16/31 = 32.00
    adjustments = settle_invoiced_time(before, after, date(2027, 1, 16), ids(), NOW, "quantity 2 -> 3")
    assert [a.amount_minor for a in adjustments] == [-3200, 4800]
    assert {(a.start, a.end) for a in adjustments} == {(date(2027, 1, 16), date(2027, 2, 1))}
    old, new = after.lines
    assert (old.end, old.item_ids) == (date(2027, 1, 16), ())
    assert (new.start, new.quantity, new.item_ids) == (date(2027, 1, 16), Decimal(3), ("i1", "i2"))


def test_the_contract_as_it_was_on_a_day_is_the_lines_running_that_day() -> None:
    after = contract(lines=change_line(contract(), "l1", date(2027, 1, 16), "l2", unit_price_minor=4000))
    assert [line.unit_price_minor for line in after.lines_on(date(2027, 1, 15))] == [3100]
    assert [line.unit_price_minor for line in after.lines_on(date(2027, 1, 16))] == [4000]
    assert after.period_amount(date(2027, 1, 10)) == 6200
    assert after.period_amount(date(2027, 3, 10)) == 8000


def test_a_change_at_period_end_needs_no_settlement() -> None:
    before = contract()
    day = effective_day(before, "period_end", date(2027, 1, 16))
    assert day == date(2027, 2, 1)
    after = contract(lines=remove_line(before, "l1", day))
    assert settle_invoiced_time(before, after, day, ids(), NOW, "removed") == ()


def test_the_template_decides_when_a_change_takes_effect() -> None:
    at_end = contract(terms=Terms(period="monthly", proration="period_end"))
    assert effective_day(at_end, "template", date(2027, 1, 16)) == date(2027, 2, 1)
    assert effective_day(contract(), "template", date(2027, 1, 16)) == date(2027, 1, 16)
    with pytest.raises(ValidationError) as error:
        effective_day(contract(), "date", date(2027, 1, 16), date(2028, 3, 1))
    assert error.value.field == "effective_date"


def test_changing_a_line_that_has_not_started_changes_it_in_place() -> None:
    draft = contract(start_date=date(2027, 2, 1), anchor=date(2027, 2, 1), billed_until=date(2027, 2, 1))
    lines = change_line(draft, "l1", date(2027, 2, 1), "l2", quantity=Decimal(5))
    assert [(line.id, line.quantity) for line in lines] == [("l1", Decimal(5))]


def test_adding_a_line_mid_period_charges_the_rest_of_the_invoiced_period() -> None:
    before = contract()
    new = Line("l9", "p2", "Extra", Decimal(1), 3100)
    after = contract(lines=add_line(before, new, date(2027, 1, 21)))
    adjustments = settle_invoiced_time(before, after, date(2027, 1, 21), ids(), NOW, "added Extra")
    assert [a.amount_minor for a in adjustments] == [1100]  # 11 of 31 days


def test_cancel_now_ends_every_line_and_credits_the_invoiced_rest() -> None:
    before = contract()
    after = cancel(before, "price", "too dear", date(2027, 1, 16), date(2027, 1, 16), NOW)
    assert after.status is Status.CANCELLED
    assert after.end_date == date(2027, 1, 16)
    assert all(line.end == date(2027, 1, 16) for line in after.lines)
    adjustments = settle_invoiced_time(before, after, date(2027, 1, 16), ids(), NOW, "cancelled")
    assert sum(a.amount_minor for a in adjustments) == -3200
    with pytest.raises(ValidationError):
        cancel(after, "price", "", date(2027, 1, 16), date(2027, 1, 16), NOW)


def test_cancel_later_keeps_the_contract_running_until_then_without_renewal() -> None:
    after = cancel(contract(), "other", "", date(2027, 6, 1), date(2027, 1, 16), NOW)
    assert after.status is Status.ACTIVE
    assert after.end_date == date(2027, 6, 1)
    assert after.terms.auto_renew is False


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.EXPIRED, Status.RENEWED])
def test_a_finished_contract_cannot_be_cancelled(status: Status) -> None:
    with pytest.raises(Conflict):
        cancel(contract(status=status), "price", "", date(2027, 1, 16), date(2027, 1, 16), NOW)


def test_an_unknown_cancel_reason_names_the_field() -> None:
    with pytest.raises(ValidationError) as error:
        cancel(contract(), "bored", "", date(2027, 1, 16), date(2027, 1, 16), NOW)
    assert error.value.field == "reason"


def test_co_terming_earlier_credits_invoiced_time_after_the_new_end() -> None:
    before = contract(billed_until=date(2027, 4, 1), end_date=date(2027, 4, 1))
    after = coterminate(before, date(2027, 3, 17))
    adjustments = settle_invoiced_time(before, after, date(2027, 3, 17), ids(), NOW, "co-termed")
    assert [a.amount_minor for a in adjustments] == [-3000]  # 2 x 31.00 for 15 of 31 days
    with pytest.raises(ValidationError):
        coterminate(before, date(2026, 12, 1))


def test_co_terming_later_lets_lines_that_ran_to_the_old_end_run_on() -> None:
    ending = contract(
        end_date=date(2027, 4, 1),
        lines=(Line("l1", "p1", "Support", Decimal(1), 3100, end=date(2027, 4, 1)),),
    )
    assert coterminate(ending, date(2027, 6, 30)).lines[0].end is None


def test_renewal_starts_where_the_term_ends_with_the_lines_running_then() -> None:
    old = contract(
        lines=(
            Line("l1", "p1", "Support", Decimal(2), 3100, end=date(2027, 6, 1)),
            Line("l2", "p1", "Support", Decimal(3), 3100, start=date(2027, 6, 1)),
        )
    )
    new = renewal(old, "c1-2", date(2028, 1, 1), NOW)
    assert (old.number, new.number) == ("C-C1", "C-C1-2")
    assert (new.start_date, new.end_date, new.billed_until) == (
        date(2028, 1, 1),
        date(2029, 1, 1),
        date(2028, 1, 1),
    )
    assert [(line.id, line.quantity, line.start) for line in new.lines] == [("l2", Decimal(3), None)]
    assert (new.renewed_from, new.term_number, new.status) == ("c1", 2, Status.ACTIVE)
    with pytest.raises(ValidationError):
        renewal(contract(end_date=None), "c3", date(2028, 1, 1), NOW)


def test_next_billing_date_in_advance_and_in_arrears() -> None:
    assert contract().next_billing_date == date(2027, 2, 1)
    arrears = contract(terms=Terms(period="monthly", timing="arrears"), billed_until=date(2027, 1, 1))
    assert arrears.next_billing_date == date(2027, 2, 1)
    assert contract(status=Status.SUSPENDED).next_billing_date is None
    assert contract(billed_until=date(2028, 1, 1)).next_billing_date is None


@given(
    day=st.integers(min_value=1, max_value=30),
    old_qty=st.integers(min_value=1, max_value=50),
    new_qty=st.integers(min_value=1, max_value=50),
    price=st.integers(min_value=0, max_value=10**7),
)
def test_settling_a_change_equals_the_difference_of_the_invoiced_window(day, old_qty, new_qty, price) -> None:
    before = contract(lines=(Line("l1", "p1", "x", Decimal(old_qty), price),))
    on = date(2027, 1, day + 1)
    after = contract(lines=change_line(before, "l1", on, "l2", quantity=Decimal(new_qty)))
    net = sum(a.amount_minor for a in settle_invoiced_time(before, after, on, ids(), NOW, "q"))
    # From the change day on, the old part is fully credited and the new part charged: both prorated
    # by the same days, so they never differ from the quantity difference by more than a rounding unit.
    days_left = (date(2027, 2, 1) - on).days
    exact = Decimal((new_qty - old_qty) * price * days_left) / 31
    assert abs(net - exact) <= 1


def test_upgrades_now_downgrades_at_period_end() -> None:
    from chalicelib.services.change_contract import plan

    both = contract(terms=Terms(period="monthly", proration="upgrades_now"))
    line_id = both.lines[0].id
    up = plan(both, "quantity", {"line_id": line_id, "quantity": "3"}, NOW)
    down = plan(both, "quantity", {"line_id": line_id, "quantity": "1"}, NOW)
    assert (up.day, [a.amount_minor for a in up.adjustments]) == (date(2027, 1, 16), [-3200, 4800])
    assert (down.day, down.adjustments) == (date(2027, 2, 1), ())
    forced = plan(both, "quantity", {"line_id": line_id, "quantity": "1", "when": "now"}, NOW)
    assert forced.day == date(2027, 1, 16)
