"""Contract prices: quantities, line and contract discounts, rounding once per line."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.contract_pricing import (
    Discount,
    PricedLine,
    line_total,
    parse_discount,
    parse_quantity,
    period_total,
)
from chalicelib.domain.errors import ValidationError


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "total"),
    [
        ("3", 4999, Discount(), 14997),
        ("1.5", 8000, Discount(), 12000),  # 1.5 hours
        ("0.333", 100, Discount(), 33),  # 33.3 rounds to 33
        ("1", 999, parse_discount("10"), 899),  # 899.1 -> 899
        ("1", 1005, parse_discount("50"), 503),  # 502.5 rounds half up
        ("2", 5000, parse_discount(amount_minor=1500), 8500),
        ("1", 5000, parse_discount("100"), 0),
    ],
)
def test_line_totals(quantity, price, discount, total) -> None:
    assert line_total(PricedLine("a", parse_quantity(quantity), price, discount)) == total


def test_the_contract_discount_applies_to_the_sum_of_the_lines() -> None:
    lines = [PricedLine("a", Decimal(1), 10000), PricedLine("b", Decimal(2), 2500, parse_discount("20"))]
    assert period_total(lines) == 14000
    assert period_total(lines, parse_discount("5")) == 13300


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda: parse_quantity("-1"), "quantity", "more than 0"),
        (lambda: parse_quantity("0"), "quantity", "more than 0"),
        (lambda: parse_quantity("1.2345"), "quantity", "at most 3 decimals"),
        (lambda: parse_quantity("lots"), "quantity", "not a quantity"),
        (lambda: parse_discount("120"), "discount", "between 0% and 100%"),
        (lambda: parse_discount("-5"), "discount", "between 0% and 100%"),
        (lambda: parse_discount("10", 500), "discount", "not both"),
        (
            lambda: line_total(PricedLine("a", Decimal(1), 100, parse_discount(amount_minor=500))),
            "lines.a.discount",
            "larger than the amount",
        ),
        (lambda: line_total(PricedLine("a", Decimal(1), -100)), "lines.a.unit_price", "negative"),
    ],
)
def test_bad_prices_name_the_field(call, field, message) -> None:
    with pytest.raises(ValidationError, match=message) as error:
        call()
    assert error.value.field == field


@given(st.integers(0, 10**7), st.decimals(Decimal("0.001"), Decimal(1000), places=3), st.integers(0, 100))
def test_a_discounted_line_never_costs_more_or_less_than_nothing(price, quantity, percent) -> None:
    full = line_total(PricedLine("a", quantity, price))
    discounted = line_total(PricedLine("a", quantity, price, parse_discount(str(percent))))
    assert 0 <= discounted <= full
