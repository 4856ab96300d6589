"""What a contract's access level lets the customer change on their own in the portal (B23).

"restricted": nothing (changes go through staff); "upgrade_only": add options and raise quantities;
"upgrade_and_downgrade": also remove options and lower quantities. The rule itself is
contract_templates.may_change_quantity; this module reads the portal's form by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from chalicelib.domain.contract_templates import ACCESS_LEVELS, may_change_quantity
from chalicelib.domain.errors import Forbidden, ValidationError

if TYPE_CHECKING:
    from chalicelib.domain.contracts import Contract

MAX_QUANTITY = 999  # what a customer may order of one option on their own
MAIN_FIELD = "main_quantity"


@dataclass(frozen=True)
class Level:
    """A contract's access level (Terms.access_level), shaped like the template the rule reads."""

    access_level: str

    def __post_init__(self) -> None:
        if self.access_level not in ACCESS_LEVELS:
            raise ValueError(f"no access level {self.access_level!r}")

    @property
    def allows_changes(self) -> bool:
        return self.access_level != "restricted"

    @property
    def allows_lowering(self) -> bool:
        return may_change_quantity(self, 2, 1)

    def lowest(self, current: Decimal, *, removable: bool = True) -> Decimal:
        """The smallest quantity the form may offer: the current one unless lowering is allowed."""
        if not self.allows_lowering:
            return current
        return Decimal(0) if removable else Decimal(1)


@dataclass(frozen=True)
class Wanted:
    """One row of the form: an option (by code) or the main line, from `old` to `new`."""

    field: str  # qty_<code> or main_quantity
    label: str
    old: Decimal
    new: Decimal

    @property
    def changed(self) -> bool:
        return self.old != self.new


def quantity_text(quantity: Decimal) -> str:
    """ "2", "1.5": how the form shows a quantity (staff may have set a part quantity)."""
    return format(quantity.normalize(), "f")


def field_of(code: str) -> str:
    return f"qty_{code}"


def parse_wanted(raw: str | None, field: str, current: Decimal, *, removable: bool = True) -> Decimal:
    """A whole number from 0 (remove; only where `removable`) to MAX_QUANTITY, naming its field; the
    current quantity as shown (which may be a part quantity staff set) keeps it."""
    text = (raw or "").strip()
    if text == quantity_text(current):
        return current
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(f"{field}: give a whole number from 0 to {MAX_QUANTITY}", field=field)
    value = int(text)
    low = 0 if removable else 1
    if not low <= value <= MAX_QUANTITY:
        raise ValidationError(f"{field}: give a whole number from {low} to {MAX_QUANTITY}", field=field)
    return Decimal(value)


def check_allowed(level: Level, wanted: list[Wanted]) -> list[Wanted]:
    """The rows that change, each one the level allows; the first refused one names its option."""
    changes = [w for w in wanted if w.changed]
    if not changes:
        raise ValidationError("nothing to change: the quantities are what the contract has", field="options")
    if not level.allows_changes:
        raise Forbidden("changes to this contract go through our staff: please contact us", field="options")
    for change in changes:
        if not may_change_quantity(level, change.old, change.new):
            what = "remove" if change.new == 0 else "lower"
            raise ValidationError(
                f"{change.label}: your contract lets you add options and raise quantities, "
                f"not {what} them; please contact us",
                field=change.field,
            )
    return changes


def open_for_changes(contract: Contract) -> bool:
    """Running (or about to) and no cancellation given: the options may still change."""
    from chalicelib.domain.contract_lifecycle import CHANGEABLE

    return contract.status in CHANGEABLE and contract.cancellation is None


def customer_may_change(contract: Contract) -> bool:
    """What the portal offers: open for changes, and an access level that lets the customer change."""
    return open_for_changes(contract) and Level(contract.terms.access_level).allows_changes
