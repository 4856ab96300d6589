"""Quote and order rules without I/O: the status workflow, totals in minor units, expiry."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.domain.contract_pricing import Discount
from chalicelib.domain.contracts import Line
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.orders import Order, OrderStatus, open_totals
from chalicelib.domain.orders import move as move_order
from chalicelib.domain.quotes import (
    Quote,
    QuoteLine,
    QuoteStatus,
    allowed_actions,
    check_lines,
    check_valid_until,
    move,
    next_status,
)
from chalicelib.services.quote_summary import per_period

S = QuoteStatus
NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


NO_DISCOUNT = Discount()


def _line(price: int, quantity: str = "1", discount: Discount = NO_DISCOUNT, key: str = "l") -> Line:
    return Line(key, "p", "Thing", Decimal(quantity), price, discount=discount)


def _quote(*lines: QuoteLine, status: S = S.SENT, valid_until: date = date(2027, 3, 31)) -> Quote:
    return Quote(
        id="abcdef0123456789",
        customer_id="c",
        currency="EUR",
        timezone="UTC",
        lines=lines,
        valid_until=valid_until,
        created_at=NOW,
        template_id="t",
        period="monthly",
        status=status,
    )


@pytest.mark.parametrize(
    ("status", "action", "target"),
    [
        (S.DRAFT, "send", S.SENT),
        (S.SENT, "view", S.VIEWED),
        (S.SENT, "accept", S.ACCEPTED),
        (S.VIEWED, "accept", S.ACCEPTED),
        (S.SENT, "decline", S.DECLINED),
        (S.VIEWED, "decline", S.DECLINED),
        (S.DRAFT, "expire", S.EXPIRED),
        (S.VIEWED, "expire", S.EXPIRED),
    ],
)
def test_allowed_moves(status: S, action: str, target: S) -> None:
    assert move(status, action) is target


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (S.ACCEPTED, "accept", "a quote that is accepted cannot become accepted"),
        (S.DECLINED, "accept", "a quote that is declined cannot become accepted"),
        (S.EXPIRED, "accept", "a quote that is expired cannot become accepted"),
        (S.DRAFT, "accept", "a quote that is draft cannot become accepted"),
        (S.ACCEPTED, "decline", "a quote that is accepted cannot become declined"),
        (S.VIEWED, "send", "a quote that is viewed cannot become sent"),
        (S.ACCEPTED, "expire", "a quote that is accepted cannot become expired"),
    ],
)
def test_refused_moves_name_both_statuses(status: S, action: str, message: str) -> None:
    with pytest.raises(Conflict, match=message) as error:
        move(status, action)
    assert error.value.field == "status"


def test_an_unknown_action_is_a_conflict_naming_the_known_ones() -> None:
    with pytest.raises(Conflict, match="send, view, accept, decline, expire"):
        move(S.DRAFT, "approve")


def test_the_finished_statuses_allow_nothing() -> None:
    assert allowed_actions(S.ACCEPTED) == allowed_actions(S.DECLINED) == allowed_actions(S.EXPIRED) == []
    assert allowed_actions(S.SENT) == ["view", "accept", "decline", "expire"]


def test_totals_split_recurring_and_one_off_in_minor_units() -> None:
    quote = _quote(
        QuoteLine(_line(3100, "2", key="a"), recurring=True),  # 62.00 a month
        QuoteLine(_line(999, "1.5", Discount(Decimal(10)), key="b"), recurring=True),  # 14.985 -> 13.49
        QuoteLine(_line(25000, key="c"), recurring=False),  # installation
        QuoteLine(_line(1000, "3", Discount(amount_minor=500), key="d"), recurring=False),
    )
    assert quote.recurring_total == 6200 + 1349
    assert quote.one_off_total == 25000 + 2500
    assert [line.id for line in quote.recurring_lines] == ["a", "b"]
    assert [line.id for line in quote.one_off_lines] == ["c", "d"]
    assert isinstance(quote.recurring_total, int) and isinstance(quote.one_off_total, int)


def test_a_quote_without_recurring_lines_has_no_recurring_total() -> None:
    quote = _quote(QuoteLine(_line(100), recurring=False))
    assert (quote.recurring_total, quote.one_off_total) == (0, 100)


def test_the_number_is_readable() -> None:
    assert _quote().number == "Q-ABCDEF01"


def test_an_open_quote_past_its_validity_reads_as_expired() -> None:
    quote = _quote(valid_until=date(2027, 3, 31))
    assert quote.status_on(date(2027, 3, 31)) is S.SENT  # valid through its last day
    assert quote.status_on(date(2027, 4, 1)) is S.EXPIRED
    with pytest.raises(Conflict, match="expired cannot become accepted"):
        next_status(quote, "accept", date(2027, 4, 1))
    assert next_status(quote, "accept", date(2027, 3, 31)) is S.ACCEPTED
    assert quote.actions_on(date(2027, 4, 1)) == []


def test_a_finished_quote_does_not_expire() -> None:
    for status in (S.ACCEPTED, S.DECLINED):
        assert _quote(status=status).status_on(date(2030, 1, 1)) is status


def test_recurring_lines_need_a_template_and_a_quote_needs_lines() -> None:
    recurring = [QuoteLine(_line(100), recurring=True)]
    with pytest.raises(ValidationError) as error:
        check_lines(recurring, "")
    assert error.value.field == "template_id"
    check_lines(recurring, "t")
    check_lines([QuoteLine(_line(100), recurring=False)], "")
    with pytest.raises(ValidationError) as error:
        check_lines([], "t")
    assert error.value.field == "lines"


def test_valid_until_cannot_be_in_the_past() -> None:
    assert check_valid_until(date(2027, 3, 10), date(2027, 3, 10)) == date(2027, 3, 10)
    with pytest.raises(ValidationError, match="in the past") as error:
        check_valid_until(date(2027, 3, 9), date(2027, 3, 10))
    assert error.value.field == "valid_until"


def _order(currency: str, total: int, status: OrderStatus = OrderStatus.OPEN) -> Order:
    return Order("0123456789abcdef", "c", "q", currency, (_line(total),), NOW, status=status)


def test_open_order_totals_are_per_currency_and_skip_done_orders() -> None:
    orders = [
        _order("EUR", 1000),
        _order("EUR", 250),
        _order("USD", 700),
        _order("EUR", 9999, OrderStatus.FULFILLED),
        _order("CZK", 5, OrderStatus.CANCELLED),
    ]
    assert open_totals(orders) == {"EUR": 1250, "USD": 700}
    assert _order("EUR", 1).number == "O-01234567"


def test_orders_are_fulfilled_or_cancelled_once() -> None:
    assert move_order(OrderStatus.OPEN, "fulfil") is OrderStatus.FULFILLED
    assert move_order(OrderStatus.OPEN, "cancel") is OrderStatus.CANCELLED
    with pytest.raises(Conflict, match="an order that is fulfilled cannot become cancelled"):
        move_order(OrderStatus.FULFILLED, "cancel")


def test_recurring_totals_say_what_period_they_cover() -> None:
    assert per_period("monthly") == "per month"
    assert per_period("every_6_months") == "every 6 months"
