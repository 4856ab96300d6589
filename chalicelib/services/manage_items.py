"""Registering, editing and transferring installed items, each change audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.catalogue import Product
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.items import Item, validate_item_fields
from chalicelib.store import addresses, customers, items, products


def _check_references(fields: dict[str, Any], before: Item | None) -> Product:
    """Product, owner and install address must exist: an unknown id is the caller's mistake (400)."""
    try:
        product = products.get(fields["product_id"])
    except NotFound:
        raise ValidationError(f"no product {fields['product_id']}", field="product_id") from None
    if before is None and not product.active:
        raise ValidationError(f"product {product.code} is no longer active", field="product_id")
    try:
        owner = customers.get(fields["owner_id"])
    except NotFound:
        raise ValidationError(f"no customer {fields['owner_id']}", field="owner_id") from None
    if owner.merged_into:
        raise ValidationError(
            f"customer {owner.name} was merged into {owner.merged_into}: choose that one", field="owner_id"
        )
    address_id = fields["install_address_id"]
    if address_id and (before is None or address_id != before.install_address_id):
        try:
            addresses.get(address_id)
        except NotFound:
            raise ValidationError(f"no address {address_id}", field="install_address_id") from None
    return product


def _label(product: Product) -> str:
    return f"product {product.code}"


def _with_product_id(data: dict[str, Any]) -> dict[str, Any]:
    """Forms and CSV files name the product by its code (which wins over an id); the record keeps the id."""
    code = data.get("product_code")
    if not isinstance(code, str) or not code.strip():
        return data
    product = products.find_by_code(code)
    if product is None:
        raise ValidationError(f"no product with code {code.strip()}", field="product_code")
    return {**data, "product_id": product.id}


def register_item(data: dict[str, Any], *, actor: Actor, now: datetime) -> Item:
    """`data` names the product by product_id or product_code."""
    fields = validate_item_fields(_with_product_id(data), now.date())
    product = _check_references(fields, None)
    item = Item(id=new_id(), created_at=now, **fields)
    entry = actor.entry("item", item.id, "item.registered", now, after=item.fields())
    return items.create(item, entry, _label(product))


def update_item(item_id: str, data: dict[str, Any], *, actor: Actor, now: datetime) -> Item:
    """Changes the fields given; the rest keep their stored values."""
    before = items.get(item_id)
    stored = before.fields()
    merged = {**stored, **{k: v for k, v in _with_product_id(data).items() if k in stored}}
    fields = validate_item_fields({k: v if v is not None else "" for k, v in merged.items()}, now.date())
    product = _check_references(fields, before)
    after = replace(before, **fields)
    if after == before:
        return before
    action = "item.transferred" if after.owner_id != before.owner_id else "item.updated"
    entry = actor.entry("item", item_id, action, now, before.fields(), after.fields())
    return items.update(before, after, entry, _label(product))


def transfer_item(
    item_id: str,
    owner_id: str,
    *,
    install_address_id: str | None = None,
    actor: Actor,
    now: datetime,
) -> Item:
    """Gives the item to another customer; its 'used by' key moves to the new owner in the same write."""
    if not (owner_id or "").strip():
        raise ValidationError("choose the new owner", field="owner_id")
    change: dict[str, Any] = {"owner_id": owner_id.strip()}
    if install_address_id is not None:
        change["install_address_id"] = install_address_id
    return update_item(item_id, change, actor=actor, now=now)
