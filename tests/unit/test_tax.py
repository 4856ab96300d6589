"""Tax rules: rates by region and category, one rounding per rate group, inclusive prices, reverse charge."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.tax import TaxRate, check_rate, rate_for, reverse_charge, tax_groups

SK_STANDARD = check_rate("SK", "standard", "23")
SK_REDUCED = check_rate("sk", "reduced", "5")
US = check_rate("US", "standard", "0")
US_CA = check_rate("US-CA", "standard", "7.25")
RATES = {(r.region, r.category): r for r in (SK_STANDARD, SK_REDUCED, US, US_CA)}


def test_a_state_rate_wins_over_its_country() -> None:
    assert rate_for(RATES, "US-CA", "standard") is US_CA
    assert rate_for(RATES, "US-NY", "standard") is US
    with pytest.raises(ValidationError, match="no tax rate for FR and tax category standard") as error:
        rate_for(RATES, "FR", "standard")
    assert error.value.field == "tax_region"


@pytest.mark.parametrize(
    ("amounts", "inclusive", "expected"),
    [
        # Exclusive: 3 lines of 0.07 at 23 % make one group: 0.21 -> tax 0.0483 -> 0.05 (not 3 x 0.02).
        ([(7, SK_STANDARD)] * 3, False, [(2300, 21, 5)]),
        ([(10000, SK_STANDARD), (2000, SK_REDUCED)], False, [(500, 2000, 100), (2300, 10000, 2300)]),
        # Inclusive: 123.00 gross at 23 % is 100.00 net + 23.00 tax.
        ([(12300, SK_STANDARD)], True, [(2300, 10000, 2300)]),
        ([(999, US_CA)], False, [(725, 999, 72)]),
    ],
)
def test_tax_per_rate_group(amounts, inclusive, expected) -> None:
    groups = tax_groups(amounts, inclusive=inclusive)
    assert [(g.rate_bp, g.net_minor, g.tax_minor) for g in groups] == expected


@pytest.mark.parametrize("rate", ["-1", "101", "7.255", "abc", "nan"])
def test_bad_rates_name_the_field(rate: str) -> None:
    with pytest.raises(ValidationError) as error:
        check_rate("SK", "standard", rate)
    assert error.value.field == "rate"


@pytest.mark.parametrize(("region", "field"), [("Slovakia", "region"), ("US-", "region")])
def test_bad_regions_name_the_field(region: str, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        check_rate(region, "standard", "20")
    assert error.value.field == field


def test_reverse_charge_needs_a_tax_id_abroad() -> None:
    assert reverse_charge("CZ", "CZ12345678", "SK")
    assert not reverse_charge("CZ", "", "SK")
    assert not reverse_charge("SK", "SK2020202020", "SK")


@given(gross=st.integers(min_value=0, max_value=10**12), rate_bp=st.integers(min_value=0, max_value=10_000))
def test_inclusive_net_and_tax_always_add_up_to_the_gross(gross: int, rate_bp: int) -> None:
    rate = check_rate("SK", "standard", str(Decimal(rate_bp) / 100))
    [group] = tax_groups([(gross, rate)], inclusive=True)
    assert group.net_minor + group.tax_minor == gross and group.tax_minor >= 0


def test_a_rate_without_a_name_is_called_by_its_percentage() -> None:
    groups = tax_groups(
        [(1000, TaxRate("SK", "standard", 2000)), (1000, TaxRate("US-CA", "standard", 725))], inclusive=False
    )
    assert [g.name for g in groups] == ["7.25 %", "20 %"]
