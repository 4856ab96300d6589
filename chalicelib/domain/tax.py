"""Tax on invoices (B4): rates by region and product tax category, exclusive or inclusive prices.

Rounding rule: tax is computed once per rate on the invoice, on the sum of the lines at that rate
(half up, to whole minor units), not line by line; so the tax summary of an invoice always equals
rate x net of each group, and no invoice drifts by a cent per line. For tax-inclusive prices the
group's gross is split the same way: net = gross / (1 + rate) rounded half up, tax = gross - net.

A customer with a tax id in another country than ours is invoiced without tax (reverse charge),
with a note saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.domain.errors import ValidationError

MAX_RATE_BP = 10_000  # basis points: 2000 = 20.00 %
_REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
REVERSE_CHARGE_NOTE = "Reverse charge: the customer accounts for the VAT (tax id {tax_id})."


@dataclass(frozen=True)
class TaxRate:
    region: str  # country, or country-state: SK, US-CA
    category: str  # the product's tax category: standard, reduced, exempt...
    rate_bp: int
    name: str = ""

    @property
    def percent(self) -> Decimal:
        return Decimal(self.rate_bp) / 100


@dataclass(frozen=True)
class TaxGroup:
    rate_bp: int
    name: str
    net_minor: int
    tax_minor: int

    @property
    def gross_minor(self) -> int:
        return self.net_minor + self.tax_minor


def check_rate(region: str, category: str, rate: str, name: str = "") -> TaxRate:
    region = region.strip().upper()
    if not _REGION.match(region):
        raise ValidationError("region is a country code, or country-state such as US-CA", field="region")
    category = category.strip().lower()
    if not _CATEGORY.match(category):
        raise ValidationError("tax category is lower-case letters, digits or _", field="category")
    try:
        percent = Decimal(str(rate).replace(",", ".").strip().rstrip("%"))
    except ArithmeticError:
        raise ValidationError(f"{rate!r} is not a percentage such as 20 or 8.25", field="rate") from None
    basis_points = percent * 100
    if (
        not percent.is_finite()
        or basis_points != basis_points.to_integral()
        or not 0 <= basis_points <= MAX_RATE_BP
    ):
        raise ValidationError("a tax rate is 0 to 100 % with at most 2 decimals", field="rate")
    return TaxRate(region, category, int(basis_points), name.strip()[:40])


def rate_for(rates: dict[tuple[str, str], TaxRate], region: str, category: str) -> TaxRate:
    """The state's rate if there is one, else the country's; an unknown pair is an error naming it."""
    country = region.split("-")[0]
    found = rates.get((region, category)) or rates.get((country, category))
    if found is None:
        raise ValidationError(
            f"no tax rate for {region} and tax category {category}: add it under Tax rates",
            field="tax_region",
        )
    return found


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def tax_groups(amounts: list[tuple[int, TaxRate]], *, inclusive: bool) -> list[TaxGroup]:
    """(line amount, its rate) -> one group per rate, in rate order, with the rounding rule above."""
    sums: dict[tuple[int, str], int] = {}
    for amount, rate in amounts:
        key = (rate.rate_bp, rate.name or f"{rate.percent.normalize():f} %")
        sums[key] = sums.get(key, 0) + amount
    groups = []
    for (rate_bp, name), total in sorted(sums.items()):
        if inclusive:
            net = _half_up(Decimal(total) * MAX_RATE_BP / (MAX_RATE_BP + rate_bp))
            groups.append(TaxGroup(rate_bp, name, net, total - net))
        else:
            groups.append(TaxGroup(rate_bp, name, total, _half_up(Decimal(total) * rate_bp / MAX_RATE_BP)))
    return groups


def reverse_charge(customer_country: str, customer_tax_id: str, our_country: str) -> bool:
    return bool(customer_tax_id.strip()) and customer_country.upper() != our_country.upper()
