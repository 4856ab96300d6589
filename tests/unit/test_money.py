"""Money: what people type becomes exact minor units; formatting and parsing agree."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.money import exponent, format_amount, parse_amount, plain_amount


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.50", "EUR", 1250),
        ("12,50", "EUR", 1250),
        ("1 234,50", "EUR", 123450),
        ("1\u00a0234,50", "EUR", 123450),
        ("1,234.50", "EUR", 123450),
        ("1.234,5", "EUR", 123450),
        ("1,234,567", "USD", 123456700),
        ("12", "EUR", 1200),
        ("€12.50", "EUR", 1250),
        ("12,50 €", "EUR", 1250),
        ("12.50 EUR", "EUR", 1250),
        ("1,234", "JPY", 1234),
        ("¥1,234", "JPY", 1234),
        ("1234", "KRW", 1234),
        ("1.250", "BHD", 1250),
        ("0.005", "KWD", 5),
        ("0", "EUR", 0),
        (12, "EUR", 1200),
        (12.5, "EUR", 1250),
        (Decimal("0.10"), "EUR", 10),
    ],
)
def test_amounts_as_people_type_them(text, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("12.345", "EUR", "too many decimals"),
        ("1,234", "EUR", "too many decimals"),  # one separator alone is the decimal mark
        ("12.5", "JPY", "too many decimals"),
        ("0.0001", "BHD", "too many decimals"),
        (12.345, "EUR", "too many decimals"),
        ("-12.50", "EUR", "must not be negative"),
        ("abc", "EUR", "is not an amount"),
        ("12abc", "EUR", "is not an amount"),
        ("", "EUR", "is not an amount"),
        ("12.", "EUR", "is not an amount"),
        ("1e5", "EUR", "is not an amount"),
        ("NaN", "EUR", "is not an amount"),
        ("1,23,456.00", "EUR", "grouping"),
        ("1.2.3,4,5", "EUR", "is not an amount"),
        ("$12", "EUR", "is not an amount"),  # another currency's symbol is not this one
        ("99999999999999999", "EUR", "too large"),
        (True, "EUR", "must be a number"),
    ],
)
def test_what_cannot_be_read_exactly_is_refused_naming_the_field(text, currency: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        parse_amount(text, currency, field="price")
    assert raised.value.field == "price"


def test_negatives_only_when_allowed() -> None:
    assert parse_amount("-12,50", "EUR", allow_negative=True) == -1250
    assert parse_amount("\u221212.50 €", "EUR", allow_negative=True) == -1250


def test_iso_exponents() -> None:
    assert [exponent(c) for c in ("EUR", "JPY", "KRW", "BHD", "KWD", "JOD", "HUF")] == [2, 0, 0, 3, 3, 3, 2]


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "shown"),
    [
        (123450, "EUR", "en", "€1,234.50"),
        (123450, "EUR", "sk", "1\u00a0234,50\u00a0€"),
        (1234, "JPY", "en", "¥1,234"),
        (1250, "BHD", "en", "BHD1.250"),
        (5, "USD", "en", "$0.05"),
    ],
)
def test_format_uses_the_locale_and_the_currency_decimals(minor, currency, locale, shown) -> None:
    assert format_amount(minor, currency, locale) == shown


def test_plain_amount_is_what_forms_show() -> None:
    assert (plain_amount(1250, "EUR"), plain_amount(7, "JPY"), plain_amount(5, "BHD")) == (
        "12.50",
        "7",
        "0.005",
    )


CURRENCIES = st.sampled_from(["EUR", "USD", "GBP", "CZK", "CHF", "HUF", "JPY", "KRW", "BHD", "KWD", "SEK"])


@given(minor=st.integers(min_value=-(10**13), max_value=10**13), currency=CURRENCIES)
def test_format_then_parse_gives_back_the_amount_in_english(minor: int, currency: str) -> None:
    shown = format_amount(minor, currency, "en")
    assert parse_amount(shown, currency, allow_negative=True) == minor
    assert parse_amount(plain_amount(minor, currency), currency, allow_negative=True) == minor
