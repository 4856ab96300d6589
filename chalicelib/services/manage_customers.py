"""Creating and editing customers, each change audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.customer import Customer, validate_customer_fields
from chalicelib.domain.ids import new_id
from chalicelib.store import customers


def create_customer(data: dict[str, str], *, actor: Actor, now: datetime) -> Customer:
    fields = validate_customer_fields(data)
    customer = Customer(id=new_id(), created_at=now, **fields)
    entry = actor.entry("customer", customer.id, "customer.created", now, after=customer.fields())
    return customers.create(customer, entry)


def update_customer(customer_id: str, data: dict[str, str], *, actor: Actor, now: datetime) -> Customer:
    before = customers.get(customer_id)
    merged = {**before.fields(), **{k: v for k, v in data.items() if k in before.fields()}}
    fields = validate_customer_fields(merged)
    after = replace(before, **fields)  # type: ignore[arg-type]  # only str fields are replaced
    if after == before:
        return before
    entry = actor.entry("customer", customer_id, "customer.updated", now, before.fields(), after.fields())
    return customers.update(before, after, entry)
