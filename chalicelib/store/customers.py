"""Customers: listed and searched by folded name through an index, found by exact keys through
lookups (email, phone, code, tax id, external id, category), never by a scan."""

from __future__ import annotations

import base64
import binascii
import json

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import lookups
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.customer import Customer, code_claim, external_claim, sort_name
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.store import records
from chalicelib.store.models import CustomerModel

PAGE_SIZE = 50


def from_item(item: CustomerModel) -> Customer:
    return Customer(
        id=item.id,
        name=item.name,
        email=item.email,
        phone=item.phone,
        country=item.country,
        currency=item.currency,
        locale=item.locale,
        timezone=item.timezone,
        created_at=item.created_at,
        code=item.code or "",
        tax_id=item.tax_id or "",
        external_id=item.external_id or "",
        website=item.website or "",
        bank_account=item.bank_account or "",
        notes=item.notes or "",
        address_id=item.address_id,
        custom=item.custom or {},
        categories=frozenset(item.categories or ()),
        merged_into=item.merged_into,
    )


def to_item(customer: Customer, version: int) -> CustomerModel:
    # A merged-away duplicate is only a redirect: it must not turn up in searches.
    keys = customer.index_keys() if not customer.merged_into else dict.fromkeys(customer.index_keys())
    return CustomerModel(
        id=customer.id,
        name=customer.name,
        sort_name=sort_name(customer.name),
        email=customer.email,
        phone=customer.phone,
        country=customer.country,
        currency=customer.currency,
        locale=customer.locale,
        timezone=customer.timezone,
        code=customer.code,
        tax_id=customer.tax_id,
        external_id=customer.external_id,
        website=customer.website,
        bank_account=customer.bank_account,
        notes=customer.notes,
        address_id=customer.address_id,
        custom=customer.custom or None,
        categories=set(customer.categories) or None,
        merged_into=customer.merged_into,
        created_at=customer.created_at,
        version=version,
        email_key=keys["email_key"],
        phone_key=keys["phone_key"],
        tax_key=keys["tax_key"],
    )


def get(customer_id: str) -> Customer:
    try:
        return from_item(CustomerModel.get(customer_id))
    except DoesNotExist:
        raise NotFound(f"no customer {customer_id}", field="id") from None


def get_many(customer_ids: list[str]) -> list[Customer]:
    """One BatchGetItem per 100 ids, in the order asked; missing ids are left out."""
    found = {i.id: from_item(i) for i in CustomerModel.batch_get(list(dict.fromkeys(customer_ids)))}
    return [found[i] for i in customer_ids if i in found]


def create(customer: Customer, entry: AuditEntry) -> Customer:
    records.save_new(customer, to_item(customer, 1), entry, customer.claims())
    return customer


def update(before: Customer, after: Customer, entry: AuditEntry) -> Customer:
    """Fails with Conflict when the stored record is no longer `before` (someone else saved)."""
    records.save_changed(
        before,
        after,
        model=CustomerModel,
        to_item=to_item,
        from_item=from_item,
        claims=(before.claims(), after.claims()),
        entry=entry,
        label="customer",
        field="id",
    )
    return after


def page(
    prefix: str = "", after: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Customer], str | None]:
    """One page sorted by name, optionally by name prefix; returns the cursor of the next page."""
    condition = CustomerModel.sort_name.startswith(sort_name(prefix)) if prefix.strip() else None
    last_key = None
    if after:
        cursor = _decode_cursor(after)
        last_key = {"id": {"S": cursor[0]}, "listing": {"S": "customer"}, "sort_name": {"S": cursor[1]}}
    result = CustomerModel.by_name.query(
        "customer", range_key_condition=condition, limit=limit, last_evaluated_key=last_key
    )
    customers = [from_item(i) for i in result if not i.merged_into]
    next_key = result.last_evaluated_key
    cursor_out = _encode_cursor(next_key["id"]["S"], next_key["sort_name"]["S"]) if next_key else None
    return customers, cursor_out


def find(kind: str, value: str) -> list[Customer]:
    """Exact search: kind is email, phone, tax (the table's indexes), code or ext (uniqueness claims)."""
    if not value.strip():
        return []
    if kind in ("code", "ext"):
        owner = records.owner_of(code_claim(value) if kind == "code" else external_claim(value))
        return [c for c in get_many([lookups.split_ref(owner)[1]]) if not c.merged_into] if owner else []
    keys = {
        "email": lookups.norm_email(value),
        "phone": lookups.norm_phone(value),
        "tax": lookups.norm_code(value),
    }
    indexes = {
        "email": CustomerModel.by_email,
        "phone": CustomerModel.by_phone,
        "tax": CustomerModel.by_tax_id,
    }
    if kind not in indexes or not keys[kind] or (kind == "phone" and len(keys[kind]) < 5):
        return []
    found = get_many([i.id for i in indexes[kind].query(keys[kind], limit=PAGE_SIZE)])
    return [c for c in found if not c.merged_into]


def in_category(tag: str, limit: int = PAGE_SIZE) -> list[Customer]:
    ids = [
        lookups.split_ref(r)[1]
        for r in records.refs(lookups.category_key(tag), limit=500)
        if r.startswith("customer#")
    ]
    return sorted(get_many(ids[:limit]), key=lambda c: sort_name(c.name))


def _encode_cursor(customer_id: str, name_key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([customer_id, name_key]).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return value[0], value[1]
    except (ValueError, binascii.Error):
        pass
    raise ValidationError("the page cursor is not valid", field="after")
