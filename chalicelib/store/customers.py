"""Customers: listed and searched by folded name through an index, never by a scan."""

from __future__ import annotations

import base64
import binascii
import json

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.customer import Customer, sort_name
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.store import audit
from chalicelib.store.base import transaction
from chalicelib.store.models import CustomerModel

PAGE_SIZE = 50


def _customer(item: CustomerModel) -> Customer:
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
    )


def _item(customer: Customer, version: int) -> CustomerModel:
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
        created_at=customer.created_at,
        version=version,
    )


def get(customer_id: str) -> Customer:
    try:
        return _customer(CustomerModel.get(customer_id))
    except DoesNotExist:
        raise NotFound(f"no customer {customer_id}", field="id") from None


def create(customer: Customer, entry: AuditEntry) -> Customer:
    with transaction() as t:
        t.save(_item(customer, 1), condition=CustomerModel.id.does_not_exist())
        t.save(audit.to_item(entry))
    return customer


def update(before: Customer, after: Customer, entry: AuditEntry) -> Customer:
    """Fails with Conflict when the stored record is no longer `before` (someone else saved)."""
    current = CustomerModel.get(before.id, consistent_read=True)
    if _customer(current) != before:
        raise Conflict("this customer was changed meanwhile: reload and try again")
    try:
        with transaction() as t:
            t.save(
                _item(after, int(current.version) + 1),
                condition=CustomerModel.version == current.version,
            )
            t.save(audit.to_item(entry))
    except TransactWriteError:
        raise Conflict("this customer was changed meanwhile: reload and try again") from None
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
    customers = [_customer(i) for i in result]
    next_key = result.last_evaluated_key
    cursor_out = _encode_cursor(next_key["id"]["S"], next_key["sort_name"]["S"]) if next_key else None
    return customers, cursor_out


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
