"""Custom field definitions and categories: small admin-managed lists, one query per entity."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.categories import Category
from chalicelib.domain.custom_fields import FieldDef
from chalicelib.store import records
from chalicelib.store.models_contacts import CategoryModel, CustomFieldModel

T = TypeVar("T")
CACHE_SECONDS = 30.0
_cache: dict[str, tuple[float, object]] = {}


def _cached[T](key: str, load: Callable[[], T]) -> T:
    """Definitions change rarely and every page shows them: keep them for a few seconds per process.

    A write in this process clears the cache; other Lambda containers see it within CACHE_SECONDS.
    """
    hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]  # type: ignore[return-value]
    value = load()
    _cache[key] = (time.monotonic(), value)
    return value


def forget() -> None:
    _cache.clear()


def field_defs(entity: str) -> list[FieldDef]:
    return _cached(f"fields:{CustomFieldModel.Meta.table_name}:{entity}", lambda: _load_defs(entity))


def _load_defs(entity: str) -> list[FieldDef]:
    items = CustomFieldModel.query(entity)
    defs = [
        FieldDef(
            entity=i.entity,
            key=i.key,
            label=i.label,
            type=i.type,
            choices=tuple(i.choices or ()),
            required=bool(i.required),
            position=int(i.position or 0),
        )
        for i in items
    ]
    return sorted(defs, key=lambda d: (d.position, d.label))


def save_field(definition: FieldDef, entry: AuditEntry, *, new: bool) -> None:
    item = CustomFieldModel(
        entity=definition.entity,
        key=definition.key,
        label=definition.label,
        type=definition.type,
        choices=list(definition.choices) or None,
        required=definition.required,
        position=definition.position,
    )
    condition = CustomFieldModel.key.does_not_exist() if new else CustomFieldModel.key.exists()
    message = f"a field with key {definition.key} exists already" if new else "no such field"
    records.commit(records.Change(audit=entry, conflict_message=message).save(item, condition))
    forget()


def delete_field(entity: str, key: str, entry: AuditEntry) -> None:
    change = records.Change(audit=entry, conflict_message=f"no field {key}")
    records.commit(change.delete(CustomFieldModel(entity=entity, key=key), CustomFieldModel.key.exists()))
    forget()


def categories() -> list[Category]:
    return _cached(f"categories:{CategoryModel.Meta.table_name}", _load_categories)


def _load_categories() -> list[Category]:
    # A few dozen codes at most: a scan is the complete, cheap listing.
    found = [Category(kind=i.kind, code=i.code, label=i.label) for i in CategoryModel.scan()]
    return sorted(found, key=lambda c: (c.kind, c.label))


def save_category(category: Category, entry: AuditEntry) -> None:
    item = CategoryModel(kind=category.kind, code=category.code, label=category.label)
    records.commit(records.Change(audit=entry).save(item))
    forget()
