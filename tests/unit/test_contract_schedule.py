"""Contract dates: term end, renewal reminders, planned visits."""

from datetime import date

import pytest

from chalicelib.domain.contract_schedule import check_dates, planned_visits, reminder_dates, term_end
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import Cadence


def test_a_three_year_term_from_the_31st_ends_on_the_anniversary() -> None:
    assert term_end(date(2027, 1, 31), Cadence.named("yearly"), 3) == date(2030, 1, 31)
    assert term_end(date(2028, 2, 29), Cadence.named("yearly"), 1) == date(2029, 2, 28)
    assert term_end(date(2027, 1, 31), Cadence.named("monthly"), None) is None


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        check_dates(date(2027, 5, 1), date(2027, 4, 30))
    assert error.value.field == "end_date"


def test_reminders_30_and_7_days_before_the_end_only_when_still_ahead() -> None:
    end = date(2027, 6, 30)
    assert reminder_dates(end, (30, 7), date(2027, 5, 1)) == [(30, date(2027, 5, 31)), (7, date(2027, 6, 23))]
    assert reminder_dates(end, (30, 7), date(2027, 6, 1)) == [(7, date(2027, 6, 23))]


def test_visits_every_six_months_for_each_item_until_the_contract_ends() -> None:
    visits = planned_visits(
        ["boiler-2", "boiler-1"], date(2027, 1, 31), date(2028, 3, 1), 6, horizon=date(2030, 1, 1)
    )
    assert [(v.item_id, v.due) for v in visits] == [
        ("boiler-1", date(2027, 7, 31)),
        ("boiler-2", date(2027, 7, 31)),
        ("boiler-1", date(2028, 1, 31)),
        ("boiler-2", date(2028, 1, 31)),
    ]
    assert planned_visits(["x"], date(2027, 1, 1), None, None, horizon=date(2030, 1, 1)) == []
    assert len(planned_visits(["x"], date(2027, 1, 1), None, 12, horizon=date(2030, 1, 2))) == 3
