"""Lines as typed by staff or sent over the API, checked against the catalogue, price list and items.

Shared by contracts and quotes: a product that exists, a quantity above 0 with at most 3 decimals,
a unit price given or taken from the price list, a discount of 0-100% or an amount, and installed
items that belong to the customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chalicelib.domain.contract_pricing import Discount, parse_discount, parse_quantity
from chalicelib.domain.contract_templates import ContractTemplate
from chalicelib.domain.contracts import Line
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.money import MAX_MINOR

MAX_LINES = 100


@dataclass(frozen=True)
class Pricing:
    """Where prices come from: the contract's currency and, optionally, a price list in it."""

    currency: str
    price_list_id: str = ""


def _minor(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_MINOR:
        raise ValidationError(f"{where} must be whole minor units, not negative", field=where)
    return raw


def discount_of(raw: dict[str, Any], where: str) -> Discount:
    amount = raw.get("discount_minor") or 0
    return parse_discount(
        str(raw.get("discount_percent") or ""), _minor(amount, f"{where}.discount"), field=where
    )


def check_price_list(price_list_id: str, currency: str, what: str = "contract") -> str:
    """The price list's currency must be the contract's (or quote's): prices are never converted."""
    if not price_list_id:
        return ""
    from chalicelib.store import price_lists

    try:
        price_list = price_lists.get(price_list_id)
    except NotFound:
        raise ValidationError(f"no price list {price_list_id}", field="price_list_id") from None
    if price_list.currency != currency:
        raise ValidationError(
            f"price list {price_list.name} is in {price_list.currency}, the {what} in {currency}",
            field="price_list_id",
        )
    return price_list_id


def check_salesperson(raw: Any) -> str:
    """An active staff member's id, or "" when none is given."""
    if not raw:
        return ""
    from chalicelib.store import staff

    try:
        user = staff.get(str(raw))
    except NotFound:
        raise ValidationError(f"no staff member {raw}", field="salesperson_id") from None
    if not user.active:
        raise ValidationError(f"{user.name} is no longer active", field="salesperson_id")
    return user.id


def check_items(raw: Any, customer_id: str, where: str) -> tuple[str, ...]:
    """Installed items named by id: each must exist and belong to the customer."""
    from chalicelib.store import items

    if not isinstance(raw, list | tuple):
        raise ValidationError(f"{where} must be a list of item ids", field=where)
    wanted = tuple(dict.fromkeys(str(i) for i in raw if i))
    owned = {item.id: item for item in items.get_many(list(wanted))}
    for item_id in wanted:
        item = owned.get(item_id)
        if item is None or item.owner_id != customer_id:
            raise ValidationError(f"{where}: item {item_id} is not one of this customer's items", field=where)
    return wanted


def parse_lines(
    raw_lines: Any, pricing: Pricing, customer_id: str, *, field: str = "lines", required: bool = False
) -> list[Line]:
    """Every line checked; errors name the line (lines[2].quantity) and nothing is kept of a bad list."""
    from chalicelib.store import price_lists, products

    if not isinstance(raw_lines, list):
        raise ValidationError(f"{field} must be a list", field=field)
    if required and not raw_lines:
        raise ValidationError("add at least one line", field=field)
    if len(raw_lines) > MAX_LINES:
        raise ValidationError(f"at most {MAX_LINES} lines", field=field)
    for index, raw in enumerate(raw_lines):
        if not isinstance(raw, dict):
            raise ValidationError(f"{field}[{index}] must be an object", field=f"{field}[{index}]")
    found = products.get_many([str(raw.get("product_id") or "") for raw in raw_lines])
    lines = []
    for index, raw in enumerate(raw_lines):
        where = f"{field}[{index}]"
        product_id = str(raw.get("product_id") or "")
        product = found.get(product_id)
        if product is None:
            raise ValidationError(f"{where}: no product {product_id!r}", field=f"{where}.product_id")
        quantity = parse_quantity(str(raw.get("quantity", "1")), field=f"{where}.quantity")
        price = raw.get("unit_price_minor")
        if price is None or price == "":
            listed = price_lists.price(product.id, pricing.price_list_id) if pricing.price_list_id else None
            if listed is None:
                raise ValidationError(
                    f"{where}: {product.code} has no price in the price list; give a unit price",
                    field=f"{where}.unit_price_minor",
                )
            price = listed.amount_minor
        item_ids = check_items(raw.get("item_ids") or [], customer_id, f"{where}.item_ids")
        lines.append(
            Line(
                id=new_id(),
                product_id=product.id,
                description=str(raw.get("description") or product.name)[:200],
                quantity=quantity,
                unit_price_minor=_minor(price, f"{where}.unit_price_minor"),
                unit=product.unit,
                discount=discount_of(raw, f"{where}.discount"),
                item_ids=item_ids,
            )
        )
    return lines


def plan_lines(template: ContractTemplate, currency: str) -> list[Line]:
    """The template's plan as a contract line (a signup from the template starts with it), or none."""
    if template.plan is None:
        return []
    if currency != template.currency:
        raise ValidationError(
            f"the template's plan is priced in {template.currency}, the contract is in {currency}",
            field="currency",
        )
    line = Line(
        id=new_id(),
        product_id="",
        description=template.plan_label,
        quantity=Decimal(1),
        unit_price_minor=template.plan.price_minor,
    )
    return [line]


def option_lines(template: ContractTemplate, codes: Any, currency: str) -> list[Line]:
    """The template's options the customer chose, priced as the template says."""
    if not isinstance(codes, list):
        raise ValidationError("options must be a list of option codes", field="options")
    if codes and currency != template.currency:
        raise ValidationError(
            f"the template's options are priced in {template.currency}, the contract is in {currency}",
            field="options",
        )
    offered = {o.code: o for o in template.options}
    lines = []
    for code in dict.fromkeys(str(c) for c in codes):
        option = offered.get(code)
        if option is None:
            raise ValidationError(f"the template offers no option {code!r}", field="options")
        lines.append(
            Line(
                id=new_id(),
                product_id="",
                description=option.label,
                quantity=Decimal(1),
                unit_price_minor=option.price_minor,
                option_code=option.code,
            )
        )
    return lines
