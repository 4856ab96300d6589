"""Installed items: by owner through an index, by serial through lookups; serial unique per product."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import lookups
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.items import Item
from chalicelib.store import records
from chalicelib.store.models_catalogue import ItemModel

PAGE_SIZE = 100


def from_item(model: ItemModel) -> Item:
    return Item(
        id=model.id,
        product_id=model.product_id,
        serial=model.serial,
        model=model.model or "",
        manufacturer_no=model.manufacturer_no or "",
        owner_id=model.owner_id,
        install_address_id=model.install_address_id or None,
        install_date=model.install_date or None,
        external_id=model.external_id or "",
        notes=model.notes or "",
        created_at=model.created_at,
    )


def to_item(item: Item, version: int) -> ItemModel:
    return ItemModel(
        id=item.id,
        product_id=item.product_id,
        serial=item.serial,
        serial_key=item.serial_key,
        model=item.model,
        manufacturer_no=item.manufacturer_no,
        owner_id=item.owner_id,
        install_address_id=item.install_address_id,
        install_date=item.install_date,
        external_id=item.external_id,
        notes=item.notes,
        created_at=item.created_at,
        version=version,
    )


def get(item_id: str) -> Item:
    try:
        return from_item(ItemModel.get(item_id))
    except DoesNotExist:
        raise NotFound(f"no item {item_id}", field="item_id") from None


def get_many(item_ids: list[str]) -> list[Item]:
    """One BatchGetItem per 100 ids, in the order asked; missing ids are left out."""
    wanted = list(dict.fromkeys(i for i in item_ids if i))
    found = {m.id: from_item(m) for m in ItemModel.batch_get(wanted)} if wanted else {}
    return [found[i] for i in wanted if i in found]


def create(item: Item, entry: AuditEntry, product_label: str = "") -> Item:
    records.save_new(item, to_item(item, 1), entry, item.claims(product_label))
    return item


def update(before: Item, after: Item, entry: AuditEntry, product_label: str = "") -> Item:
    """Moves the serial claim and lookups with the item; Conflict if someone else saved meanwhile."""
    records.save_changed(
        before,
        after,
        model=ItemModel,
        to_item=to_item,
        from_item=from_item,
        claims=(before.claims(), after.claims(product_label)),
        entry=entry,
        label="item",
        field="item_id",
    )
    return after


def of_owner(owner_id: str, limit: int = PAGE_SIZE) -> list[Item]:
    """A customer's items sorted by serial: one index query."""
    return [from_item(m) for m in ItemModel.by_owner.query(owner_id, limit=limit)]


def by_serial(serial: str, limit: int = PAGE_SIZE) -> list[Item]:
    """Items with this serial across all products (spaces, dashes and case do not matter): two requests."""
    serial_key = lookups.norm_code(serial)
    if not serial_key:
        return []
    found = records.refs(lookups.key("item", "serial", serial_key), limit=limit)
    return get_many([lookups.split_ref(r)[1] for r in found])


def by_external_id(external_id: str) -> list[Item]:
    key = lookups.code_key("item", "ext", external_id)
    return get_many([lookups.split_ref(r)[1] for r in records.refs(key, limit=10)]) if key else []
