"""Addresses kept once (C3): create, edit (every user of it sees the change), attach."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.addresses import Address, validate_address
from chalicelib.domain.audit import Actor
from chalicelib.domain.ids import new_id
from chalicelib.store import addresses


def create_address(data: dict[str, str], *, actor: Actor, now: datetime) -> Address:
    address = Address(id=new_id(), created_at=now, **validate_address(data))  # type: ignore[arg-type]
    entry = actor.entry("address", address.id, "address.created", now, after=address.fields())
    return addresses.create(address, entry)


def update_address(address_id: str, data: dict[str, str], *, actor: Actor, now: datetime) -> Address:
    before = addresses.get(address_id)
    merged = {**before.fields(), **{k: v for k, v in data.items() if k in before.fields()}}
    after = replace(before, **validate_address(merged))  # type: ignore[arg-type]
    if after == before:
        return before
    entry = actor.entry("address", address_id, "address.updated", now, before.fields(), after.fields())
    return addresses.update(before, after, entry)
