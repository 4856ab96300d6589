"""When a customer's own cancellation takes effect (B12): notice period, period end, term end."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.cancel_notice import CUSTOMER_REASONS, cancel_date, ends_with_term
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.contracts import Contract, Terms


def _contract(end: date | None = None, **terms: object) -> Contract:
    return Contract(
        id="c1",
        customer_id="cu1",
        template_id="t1",
        template_name="Care",
        currency="EUR",
        timezone="Europe/Bratislava",
        start_date=date(2027, 1, 1),
        anchor=date(2027, 1, 1),
        billed_until=date(2027, 2, 1),
        end_date=end,
        terms=Terms(period="monthly", **terms),  # type: ignore[arg-type]
        status=Status.ACTIVE,
        created_at=datetime(2027, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("notice", "today", "expected"),
    [
        (30, date(2027, 1, 16), date(2027, 2, 15)),
        (0, date(2027, 1, 16), date(2027, 1, 16)),
        (14, date(2027, 2, 20), date(2027, 3, 6)),
    ],
)
def test_an_open_ended_contract_ends_when_the_notice_does(notice: int, today: date, expected: date) -> None:
    assert cancel_date(_contract(notice_days=notice), today) == expected


def test_where_lower_prices_wait_for_the_period_end_so_does_the_cancellation() -> None:
    for proration in ("period_end", "upgrades_now"):
        contract = _contract(notice_days=30, proration=proration)
        assert cancel_date(contract, date(2027, 1, 16)) == date(2027, 3, 1)  # notice ends Feb 15
        assert cancel_date(contract, date(2027, 1, 30)) == date(2027, 3, 1)  # notice ends Mar 1 exactly


def test_it_never_reaches_past_the_end_of_the_term() -> None:
    contract = _contract(end=date(2027, 2, 1), notice_days=30)
    assert cancel_date(contract, date(2027, 1, 16)) == date(2027, 2, 1)
    assert ends_with_term(contract, date(2027, 1, 16))
    early = replace(contract, end_date=date(2028, 1, 1))
    assert cancel_date(early, date(2027, 1, 16)) == date(2027, 2, 15)
    assert not ends_with_term(early, date(2027, 1, 16))


def test_a_contract_not_started_yet_ends_no_earlier_than_its_start() -> None:
    assert cancel_date(_contract(notice_days=0), date(2026, 12, 1)) == date(2027, 1, 1)


def test_customers_cannot_pick_a_staff_only_reason() -> None:
    assert "non_payment" not in CUSTOMER_REASONS
    assert {"price", "other"} <= set(CUSTOMER_REASONS)
