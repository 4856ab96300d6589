"""Creating and editing customers: fields, custom fields, categories and address, each change audited.

Sensitive fields (tax id, bank details) may only be set by roles allowed to see them (C12).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.categories import parse_tags
from chalicelib.domain.custom_fields import clean_values
from chalicelib.domain.customer import SENSITIVE_FIELDS, Customer, validate_customer_fields
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.ids import new_id
from chalicelib.store import addresses, customers, fields


def _extras(data: dict[str, Any], before: Customer | None) -> dict[str, Any]:
    """Custom fields, categories and the address, validated against what is defined and stored."""
    extras: dict[str, Any] = {}
    if "custom" in data or before is None:
        raw = {**(before.custom if before else {}), **(data.get("custom") or {})}
        extras["custom"] = clean_values(fields.field_defs("customer"), {k: str(v) for k, v in raw.items()})
    if "categories" in data:
        known = {c.tag for c in fields.categories()}
        extras["categories"] = parse_tags(list(data["categories"]), known)
    if "address_id" in data:
        address_id = (data.get("address_id") or "").strip() or None
        if address_id:
            addresses.get(address_id)  # NotFound names the field
        extras["address_id"] = address_id
    return extras


def _guard_sensitive(data: dict[str, Any], before: Customer | None, may_edit_sensitive: bool) -> None:
    if may_edit_sensitive:
        return
    for name in sorted(SENSITIVE_FIELDS):
        if name in data and (data[name] or "") != (getattr(before, name) if before else ""):
            raise Forbidden(f"your role may not set {name}", field=name)


def create_customer(
    data: dict[str, Any], *, actor: Actor, now: datetime, may_edit_sensitive: bool = True
) -> Customer:
    _guard_sensitive(data, None, may_edit_sensitive)
    text = validate_customer_fields({k: v for k, v in data.items() if isinstance(v, str)})
    customer = Customer(id=new_id(), created_at=now, **text, **_extras(data, None))
    entry = actor.entry("customer", customer.id, "customer.created", now, after=customer.audited())
    return customers.create(customer, entry)


def update_customer(
    customer_id: str, data: dict[str, Any], *, actor: Actor, now: datetime, may_edit_sensitive: bool = True
) -> Customer:
    before = customers.get(customer_id)
    _guard_sensitive(data, before, may_edit_sensitive)
    merged = {
        **before.fields(),
        **{k: v for k, v in data.items() if k in before.fields() and isinstance(v, str)},
    }
    after = replace(before, **validate_customer_fields(merged), **_extras(data, before))
    if after == before:
        return before
    entry = actor.entry("customer", customer_id, "customer.updated", now, before.audited(), after.audited())
    return customers.update(before, after, entry)
