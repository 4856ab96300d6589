"""Addresses kept once: records hold the id, so an edit here shows everywhere it is used."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import lookups
from chalicelib.domain.addresses import Address
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.store import records
from chalicelib.store.models_contacts import AddressModel


def from_item(item: AddressModel) -> Address:
    return Address(
        id=item.id,
        label=item.label or "",
        line1=item.line1,
        line2=item.line2 or "",
        city=item.city,
        postcode=item.postcode or "",
        region=item.region or "",
        country=item.country,
        latitude=item.latitude,
        longitude=item.longitude,
        merged_into=item.merged_into,
        created_at=item.created_at,
    )


def to_item(address: Address, version: int) -> AddressModel:
    return AddressModel(
        id=address.id,
        label=address.label,
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        postcode=address.postcode,
        region=address.region,
        country=address.country,
        latitude=address.latitude,
        longitude=address.longitude,
        merged_into=address.merged_into,
        created_at=address.created_at,
        version=version,
    )


def get(address_id: str) -> Address:
    try:
        return from_item(AddressModel.get(address_id))
    except DoesNotExist:
        raise NotFound(f"no address {address_id}", field="address_id") from None


def get_many(address_ids: list[str]) -> dict[str, Address]:
    wanted = [i for i in dict.fromkeys(address_ids) if i]
    return {i.id: from_item(i) for i in AddressModel.batch_get(wanted)} if wanted else {}


def create(address: Address, entry: AuditEntry) -> Address:
    change = records.Change(audit=entry).save(to_item(address, 1), AddressModel.id.does_not_exist())
    records.commit(change.lookups(address.ref, (), address.lookup_keys()))
    return address


def update(before: Address, after: Address, entry: AuditEntry) -> Address:
    current = AddressModel.get(before.id, consistent_read=True)
    version = int(current.version)
    change = records.Change(audit=entry).save(to_item(after, version + 1), AddressModel.version == version)
    records.commit(change.lookups(after.ref, before.lookup_keys(), after.lookup_keys()))
    return after


def used_by(address_id: str) -> list[str]:
    """Refs of every record that points at this address."""
    return records.refs(lookups.uses_key(lookups.ref("address", address_id)))


def with_postcode(country: str, postcode: str) -> list[Address]:
    key = f"postcode/{country}/{lookups.norm_postcode(postcode)}"
    ids = [lookups.split_ref(r)[1] for r in records.refs(key)]
    return list(get_many(ids).values())
