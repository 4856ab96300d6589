"""Creating and editing products, price lists and prices, each change audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.catalogue import (
    Price,
    PriceList,
    Product,
    validate_price_list_fields,
    validate_product_fields,
)
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.money import MAX_MINOR, parse_amount, plain_amount
from chalicelib.store import price_lists, products


def create_product(data: dict[str, Any], *, actor: Actor, now: datetime) -> Product:
    product = Product(id=new_id(), active=True, created_at=now, **validate_product_fields(data))
    entry = actor.entry("product", product.id, "product.created", now, after=product.fields())
    return products.create(product, entry)


def update_product(product_id: str, data: dict[str, Any], *, actor: Actor, now: datetime) -> Product:
    """Changes the fields given; the rest keep their stored values."""
    before = products.get(product_id)
    stored = before.fields()
    merged = {**stored, **{k: v for k, v in data.items() if k in stored and k != "active"}}
    after = replace(before, **validate_product_fields(merged))
    if after == before:
        return before
    entry = actor.entry("product", product_id, "product.updated", now, before.fields(), after.fields())
    return products.update(before, after, entry)


def set_product_active(product_id: str, active: bool, *, actor: Actor, now: datetime) -> Product:
    """A deactivated product stays on existing items and contracts but is no longer offered."""
    before = products.get(product_id)
    if before.active == active:
        return before
    after = replace(before, active=active)
    action = "product.reactivated" if active else "product.deactivated"
    entry = actor.entry("product", product_id, action, now, {"active": before.active}, {"active": active})
    return products.update(before, after, entry)


def deactivate_product(product_id: str, *, actor: Actor, now: datetime) -> Product:
    return set_product_active(product_id, False, actor=actor, now=now)


def create_price_list(data: dict[str, Any], *, actor: Actor, now: datetime) -> PriceList:
    price_list = PriceList(id=new_id(), created_at=now, **validate_price_list_fields(data))
    entry = actor.entry("price_list", price_list.id, "price_list.created", now, after=price_list.fields())
    return price_lists.create(price_list, entry)


def set_price(
    product_id: str,
    price_list_id: str,
    *,
    amount: str | int | float | Decimal | None = None,
    amount_minor: Any = None,
    actor: Actor,
    now: datetime,
) -> Price:
    """The product's price in the list's currency: `amount` as typed ("12.50") or `amount_minor` (1250)."""
    products.get(product_id)
    price_list = price_lists.get(price_list_id)
    minor = _minor_units(amount, amount_minor, price_list.currency)
    before = price_lists.price(product_id, price_list_id)
    price = Price(product_id, price_list_id, price_list.currency, minor)
    if before == price:
        return price
    entry = actor.entry(
        "product",
        product_id,
        "product.price_set",
        now,
        {"price_list_id": price_list_id, "amount": plain_amount(before.amount_minor, before.currency)}
        if before
        else None,
        {"price_list_id": price_list_id, "amount": plain_amount(minor, price_list.currency)},
    )
    return price_lists.set_price(price, entry)


def _minor_units(amount: Any, amount_minor: Any, currency: str) -> int:
    if amount_minor is not None and amount not in (None, ""):
        raise ValidationError("send either amount or amount_minor, not both", field="amount")
    if amount_minor is not None:
        if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
            raise ValidationError("amount_minor must be a whole number of minor units", field="amount_minor")
        if not 0 <= amount_minor < MAX_MINOR:
            raise ValidationError("amount_minor must be zero or more and realistic", field="amount_minor")
        return amount_minor
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        raise ValidationError("amount is required", field="amount")
    if not isinstance(amount, str | int | float | Decimal):
        raise ValidationError("amount must be a number such as 12.50", field="amount")
    return parse_amount(amount, currency, field="amount")
