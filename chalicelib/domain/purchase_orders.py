"""Purchase orders (S13): stock bought from a vendor for a customer order, delivered to the install site.

A draft has no number and can be edited; sending it gives it the next number of the purchase order
series (gapless, like invoices) and fixes it. A sent order is received or cancelled, a draft cancelled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from chalicelib.domain.catalogue import Product
from chalicelib.domain.contract_pricing import parse_quantity
from chalicelib.domain.contracts import Line
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.money import check_currency, parse_amount
from chalicelib.domain.periods import parse_day

SERIES = "purchase-orders"
MAX_LINES = 100
MAX_NOTES = 1000


class PurchaseOrderStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    RECEIVED = "received"
    CANCELLED = "cancelled"


_MOVES: dict[str, tuple[frozenset[PurchaseOrderStatus], PurchaseOrderStatus]] = {
    "send": (frozenset({PurchaseOrderStatus.DRAFT}), PurchaseOrderStatus.SENT),
    "receive": (frozenset({PurchaseOrderStatus.SENT}), PurchaseOrderStatus.RECEIVED),
    "cancel": (
        frozenset({PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.SENT}),
        PurchaseOrderStatus.CANCELLED,
    ),
}
ACTIONS = tuple(_MOVES)


def move(status: PurchaseOrderStatus, action: str) -> PurchaseOrderStatus:
    if action not in _MOVES:
        raise Conflict(f"unknown action {action!r}; actions: {', '.join(ACTIONS)}", field="action")
    allowed, target = _MOVES[action]
    if status not in allowed:
        raise Conflict(
            f"a purchase order that is {status.value} cannot become {target.value}", field="status"
        )
    return target


@dataclass(frozen=True)
class PurchaseLine:
    product_id: str  # "" for something bought outside the catalogue
    description: str
    quantity: Decimal
    unit_cost_minor: int
    unit: str = "pc"

    @property
    def amount_minor(self) -> int:
        return int((self.quantity * self.unit_cost_minor).quantize(Decimal(1), ROUND_HALF_UP))

    def as_json(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "description": self.description,
            "quantity": str(self.quantity),
            "unit_cost_minor": self.unit_cost_minor,
            "unit": self.unit,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PurchaseLine:
        return cls(
            product_id=data.get("product_id", ""),
            description=data.get("description", ""),
            quantity=Decimal(data["quantity"]),
            unit_cost_minor=int(data["unit_cost_minor"]),
            unit=data.get("unit", "pc"),
        )


@dataclass(frozen=True)
class PurchaseOrderFields:
    """What the form says, checked; the vendor, products, order and address are the service's to find."""

    vendor_id: str
    currency: str
    lines: tuple[PurchaseLine, ...]
    order_id: str = ""
    deliver_to_id: str = ""  # an address (the customer's installation site)
    delivery_notes: str = ""
    expected_date: date | None = None


@dataclass(frozen=True)
class PurchaseOrder:
    id: str
    vendor_id: str
    currency: str
    lines: tuple[PurchaseLine, ...]
    created_at: datetime
    order_id: str = ""
    deliver_to_id: str = ""
    delivery_notes: str = ""
    expected_date: date | None = None
    status: PurchaseOrderStatus = PurchaseOrderStatus.DRAFT
    number: str = ""  # given when sent
    sent_at: datetime | None = None
    send_error: str = ""  # why the email did not go (no vendor address)
    mail_id: str = ""
    version: int = 0

    @property
    def is_draft(self) -> bool:
        return self.status is PurchaseOrderStatus.DRAFT

    @property
    def label(self) -> str:
        return self.number or f"draft {self.id[:8].upper()}"

    @property
    def total_minor(self) -> int:
        return sum((line.amount_minor for line in self.lines), 0)

    @property
    def actions(self) -> list[str]:
        return [a for a, (allowed, _target) in _MOVES.items() if self.status in allowed]

    def audited(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "number": self.number or None,
            "vendor_id": self.vendor_id,
            "currency": self.currency,
            "total_minor": self.total_minor,
            "lines": len(self.lines),
            "order_id": self.order_id or None,
        }


def _text(data: dict[str, Any], name: str, limit: int, field: str | None = None) -> str:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{name} must be text", field=field or name)
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError(f"{name} must be at most {limit} characters", field=field or name)
    return text


def parse_line(data: dict[str, Any], currency: str, index: int) -> PurchaseLine:
    """One line: product id (optional), description, quantity above 0, unit cost (money, not negative)."""
    where, said = f"lines[{index}]", f"line {index + 1}"
    if not isinstance(data, dict):
        raise ValidationError(f"{said}: a line is an object", field=where)
    description = _text(data, "description", 300, f"{where}.description")
    product_id = _text(data, "product_id", 64, f"{where}.product_id")
    if not description and not product_id:
        raise ValidationError(
            f"{said}: a line needs a product or a description", field=f"{where}.description"
        )
    try:
        quantity = parse_quantity(str(data.get("quantity") or ""), field=f"{where}.quantity")
    except ValidationError as error:
        raise ValidationError(f"{said}: {error.message}", field=error.field) from None
    raw_cost = data.get("unit_cost")
    try:
        cost = parse_amount(
            raw_cost if raw_cost not in (None, "") else "0", currency, field=f"{where}.unit_cost"
        )
    except ValidationError as error:
        raise ValidationError(f"{said}: unit cost: {error.message}", field=error.field) from None
    unit = _text(data, "unit", 8, f"{where}.unit")  # empty: the product's unit (the service fills it in)
    return PurchaseLine(product_id, description, quantity, cost, unit)


def check_fields(data: dict[str, Any], vendor_currency: str = "") -> PurchaseOrderFields:
    """The form or API body checked; currency defaults to the vendor's."""
    vendor_id = _text(data, "vendor_id", 64)
    if not vendor_id:
        raise ValidationError("choose the vendor", field="vendor_id")
    currency = check_currency(_text(data, "currency", 8) or vendor_currency or "")
    raw_lines = data.get("lines") or []
    if not isinstance(raw_lines, list):
        raise ValidationError("lines must be a list", field="lines")
    if not raw_lines:
        raise ValidationError("a purchase order needs at least one line", field="lines")
    if len(raw_lines) > MAX_LINES:
        raise ValidationError(f"a purchase order has at most {MAX_LINES} lines", field="lines")
    return PurchaseOrderFields(
        vendor_id=vendor_id,
        currency=currency,
        lines=tuple(parse_line(line, currency, i) for i, line in enumerate(raw_lines)),
        order_id=_text(data, "order_id", 64),
        deliver_to_id=_text(data, "deliver_to_id", 64),
        delivery_notes=_text(data, "delivery_notes", MAX_NOTES),
        expected_date=parse_day(data.get("expected_date"), "expected_date"),
    )


def ensure_draft(po: PurchaseOrder) -> None:
    if not po.is_draft:
        raise Conflict(f"a {po.status.value} purchase order cannot be edited", field="status")


def ensure_costed(po: PurchaseOrder) -> None:
    """A vendor is never sent an order with lines at no cost: the draft's costs are filled in first."""
    for index, line in enumerate(po.lines):
        if line.unit_cost_minor <= 0:
            raise ValidationError(
                f"line {index + 1}: set the unit cost before sending", field=f"lines[{index}].unit_cost"
            )


def vendor_matches(product: Product, names: Iterable[str]) -> bool:
    """A product's free-text vendor names this vendor, or names no one (anyone may supply it).

    "Viessmann" names the vendor record "Viessmann s.r.o." (a whole first word or more), not "Vies"."""
    said = product.vendor.strip().casefold()
    if not said:
        return True
    pattern = re.compile(re.escape(said) + r"(\W|$)")
    return any(pattern.match(n.strip().casefold()) for n in names if n.strip())


def stock_lines(
    order_lines: Iterable[Line], products: dict[str, Product], vendor_names: Iterable[str]
) -> list[PurchaseLine]:
    """The order's lines to buy from this vendor: stock products (not services) it may supply.

    Unit costs start at 0: the order carries our selling price, not the vendor's; staff fill them in."""
    names = list(vendor_names)
    found = []
    for line in order_lines:
        product = products.get(line.product_id)
        if product is None or product.kind == "service" or not vendor_matches(product, names):
            continue
        found.append(PurchaseLine(product.id, line.description or product.name, line.quantity, 0, line.unit))
    return found
