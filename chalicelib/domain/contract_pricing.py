"""What a contract costs per period (B21): quantity x unit price, line and contract discounts.

Quantities may have up to 3 decimals (hours, kg); money stays integer minor units. Each line is
rounded once, half up, after its discount; the contract discount applies to the sum of the lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from chalicelib.domain.errors import ValidationError

MAX_QUANTITY = Decimal("1000000")


@dataclass(frozen=True)
class Discount:
    """Either a percentage (0-100) or an amount in minor units; none is Discount()."""

    percent: Decimal = Decimal(0)
    amount_minor: int = 0

    def apply(self, total: Decimal | int, field: str) -> Decimal:
        total = Decimal(total)
        if self.amount_minor > total:
            raise ValidationError(
                f"the discount ({self.amount_minor}) is larger than the amount ({total})", field=field
            )
        return total * (Decimal(100) - self.percent) / Decimal(100) - self.amount_minor


def parse_discount(percent: str = "", amount_minor: int = 0, *, field: str = "discount") -> Discount:
    if percent and amount_minor:
        raise ValidationError("give a discount as a percentage or as an amount, not both", field=field)
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor < 0:
        raise ValidationError("a discount amount must be whole minor units, not negative", field=field)
    value = Decimal(0)
    if percent:
        try:
            value = Decimal(str(percent).replace(",", ".").strip().rstrip("%"))
        except InvalidOperation:
            raise ValidationError(f"{percent!r} is not a percentage", field=field) from None
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            raise ValidationError("a discount must be between 0% and 100%", field=field)
    return Discount(percent=value, amount_minor=amount_minor)


def parse_quantity(text: str | int, *, field: str = "quantity") -> Decimal:
    try:
        value = Decimal(str(text).replace(",", ".").strip())
    except InvalidOperation:
        raise ValidationError(f"{text!r} is not a quantity", field=field) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError("a quantity must be more than 0", field=field)
    if value > MAX_QUANTITY or value.as_tuple().exponent < -3:  # type: ignore[operator]
        raise ValidationError("a quantity has at most 3 decimals and is at most 1,000,000", field=field)
    return value


@dataclass(frozen=True)
class PricedLine:
    key: str
    quantity: Decimal
    unit_price_minor: int
    discount: Discount = Discount()


def line_total(line: PricedLine) -> int:
    if line.unit_price_minor < 0:
        raise ValidationError("a unit price cannot be negative", field=f"lines.{line.key}.unit_price")
    gross = line.quantity * line.unit_price_minor
    return int(line.discount.apply(gross, f"lines.{line.key}.discount").quantize(Decimal(1), ROUND_HALF_UP))


def period_total(lines: list[PricedLine], contract_discount: Discount = Discount()) -> int:
    subtotal = sum((line_total(line) for line in lines), 0)
    return int(contract_discount.apply(subtotal, "discount").quantize(Decimal(1), ROUND_HALF_UP))
