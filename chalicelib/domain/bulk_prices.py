"""Mass price updates (S3): which contract lines a filter selects and what a price change makes of them.

A change is a percent (+5, -3.5) or an amount in minor units (+150, -200) on the unit price per
period; the result is rounded half up to whole minor units and never goes below 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chalicelib.domain.catalogue import Product
from chalicelib.domain.contracts import Contract, Line, change_line
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.money import MAX_MINOR

_PERCENT = re.compile(r"^[+-]?[0-9]{1,4}(\.[0-9]{1,4})?%?$")
_AMOUNT = re.compile(r"^[+-]?[0-9]{1,15}$")
FILTERS = ("product_id", "vendor", "distributor", "price_list_id", "currency")


@dataclass(frozen=True)
class PriceChange:
    percent: Decimal | None = None
    amount_minor: int | None = None

    def apply(self, price: int) -> int:
        if self.percent is not None:
            new = (Decimal(price) * (100 + self.percent) / 100).quantize(Decimal(1), ROUND_HALF_UP)
        else:
            new = Decimal(price + (self.amount_minor or 0))
        return int(min(max(new, Decimal(0)), Decimal(MAX_MINOR - 1)))

    @property
    def label(self) -> str:
        if self.percent is not None:
            return f"{self.percent:+}%"
        return f"{self.amount_minor:+} minor units"

    def as_json(self) -> dict[str, Any]:
        if self.percent is not None:
            return {"percent": str(self.percent)}
        return {"amount_minor": self.amount_minor}


def parse_price_change(percent: Any, amount_minor: Any) -> PriceChange:
    """Exactly one of the two; errors name the field."""
    given_percent = percent not in (None, "")
    given_amount = amount_minor not in (None, "")
    if given_percent == given_amount:
        raise ValidationError("give either a percent or an amount in minor units", field="percent")
    if given_percent:
        text = str(percent).strip().replace(",", ".")
        if isinstance(percent, bool) or not _PERCENT.match(text):
            raise ValidationError(f"{percent!r} is not a percent such as +5 or -3.5", field="percent")
        value = Decimal(text.rstrip("%"))
        if value < -100:
            raise ValidationError("a price cannot fall by more than 100%", field="percent")
        if value == 0:
            raise ValidationError("a change of 0% changes nothing", field="percent")
        return PriceChange(percent=value)
    text = str(amount_minor).strip()
    if isinstance(amount_minor, bool | float) or not _AMOUNT.match(text):
        raise ValidationError(
            f"{amount_minor!r} is not whole minor units such as 150 or -200", field="amount_minor"
        )
    amount = int(text)
    if amount == 0:
        raise ValidationError("a change of 0 changes nothing", field="amount_minor")
    return PriceChange(amount_minor=amount)


@dataclass(frozen=True)
class LineFilter:
    """All given criteria must hold (AND); vendor and distributor ignore case."""

    product_id: str = ""
    vendor: str = ""
    distributor: str = ""
    price_list_id: str = ""
    currency: str = ""

    @property
    def given(self) -> list[str]:
        return [name for name in FILTERS if getattr(self, name)]

    @property
    def needs_products(self) -> bool:
        return bool(self.vendor or self.distributor)

    def takes_contract(self, contract: Contract) -> bool:
        return (not self.price_list_id or contract.price_list_id == self.price_list_id) and (
            not self.currency or contract.currency == self.currency
        )

    def takes_line(self, line: Line, product: Product | None) -> bool:
        if not line.product_id:  # template options are priced by the template, not the catalogue
            return False
        if self.product_id and line.product_id != self.product_id:
            return False
        if self.needs_products and product is None:
            return False
        if self.vendor and _fold(product.vendor if product else "") != _fold(self.vendor):
            return False
        return not self.distributor or _fold(product.distributor if product else "") == _fold(
            self.distributor
        )

    def as_json(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.given}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def reprice(
    contract: Contract, line_ids: list[str], change: PriceChange, day: date, make_id: Callable[[], str]
) -> tuple[Contract, list[tuple[Line, Line]]]:
    """The contract with the lines' new prices from `day`, and (old line, line with the new price) pairs.

    A line that runs before `day` ends there and a new one takes over (change_line); one that starts
    on or after `day` changes in place, keeping its id.
    """
    pairs = []
    for line_id in line_ids:
        old = contract.line(line_id)
        new_id = make_id()
        lines = change_line(
            contract, line_id, day, new_id, unit_price_minor=change.apply(old.unit_price_minor)
        )
        contract = replace(contract, lines=lines)
        pairs.append((old, contract.line(new_id if any(x.id == new_id for x in lines) else line_id)))
    return contract, pairs
