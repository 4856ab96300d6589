"""Merging a duplicate customer, person or address into the original (C10).

Three steps, each safe to repeat:
  1. the original takes the fields it lacks (and their uniqueness claims) from the duplicate;
  2. every record referring to the duplicate is moved to the original, one transaction each;
  3. the duplicate becomes a redirect to the original and loses its search keys and claims.
Interrupted anywhere, every reference still points at a record that exists (the duplicate stays
until step 3), and running the merge again finishes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.duplicates import fill_missing
from chalicelib.domain.errors import ValidationError
from chalicelib.store import addresses, customers, people, records, references
from chalicelib.store.models import CustomerModel, UniqueKeyModel
from chalicelib.store.models_contacts import AddressModel, PersonModel

Mover = Callable[[str, str, str, str], None]
ENTITIES = ("customer", "person", "address")


def _load(entity: str, record_id: str) -> Any:
    return {"customer": customers.get, "person": people.get, "address": addresses.get}[entity](record_id)


def merge(
    entity: str,
    original_id: str,
    duplicate_id: str,
    *,
    actor: Actor,
    now: datetime,
    move: Mover = references.move,
) -> dict[str, int]:
    if entity not in ENTITIES:
        raise ValidationError(f"only {', '.join(ENTITIES)} can be merged", field="entity")
    if original_id == duplicate_id:
        raise ValidationError("a record cannot be merged into itself", field="duplicate_id")
    original, duplicate = _load(entity, original_id), _load(entity, duplicate_id)
    if original.merged_into:
        raise ValidationError(
            "the original was itself merged away: merge into its successor", field="original_id"
        )
    if duplicate.merged_into not in (None, original_id):
        raise ValidationError("the duplicate was already merged into another record", field="duplicate_id")
    original = _take_missing_fields(entity, original, duplicate, actor, now)
    moved = 0
    for referrer in references.referrers(duplicate.ref):
        move(referrer, entity, duplicate_id, original_id)
        moved += 1
    if entity == "person":
        references.move_memberships_of_person(duplicate_id, original_id)
        references.move_relationships_of_person(duplicate_id, original_id)
    _retire(entity, original, duplicate, actor, now)
    return {"references_moved": moved}


def _combined(entity: str, original: Any, duplicate: Any) -> Any:
    if entity == "address":
        fields = fill_missing(original.fields(), duplicate.fields())
        return replace(
            original, **{k: (v or None) if k in ("latitude", "longitude") else v for k, v in fields.items()}
        )
    fields = fill_missing(original.fields(), duplicate.fields())
    return replace(
        original,
        **fields,
        custom={**duplicate.custom, **original.custom},
        categories=original.categories | duplicate.categories,
        address_id=original.address_id or duplicate.address_id,
    )


def _take_missing_fields(entity: str, original: Any, duplicate: Any, actor: Actor, now: datetime) -> Any:
    after = _combined(entity, original, duplicate)
    if after == original:
        return original
    entry = actor.entry(
        entity,
        original.id,
        f"{entity}.merge_filled",
        now,
        _audited(original),
        {**_audited(after), "from": duplicate.ref},
    )
    change = _save_versioned(records.Change(audit=entry), entity, after)
    change.lookups(original.ref, original.lookup_keys(), after.lookup_keys())
    for key in set(getattr(after, "claims", dict)()) - set(getattr(original, "claims", dict)()):
        # The duplicate held this claim; the original takes it over (or already has it from a re-run).
        change.save(
            UniqueKeyModel(key=key, owner=original.ref),
            (UniqueKeyModel.owner == duplicate.ref) | (UniqueKeyModel.owner == original.ref),
        )
    records.commit(change)
    return after


def _retire(entity: str, original: Any, duplicate: Any, actor: Actor, now: datetime) -> None:
    if duplicate.merged_into == original.id:
        return
    tombstone = replace(duplicate, merged_into=original.id)
    entry = actor.entry(
        entity, duplicate.id, f"{entity}.merged", now, _audited(duplicate), {"merged_into": original.ref}
    )
    change = _save_versioned(records.Change(audit=entry), entity, tombstone)
    change.lookups(duplicate.ref, duplicate.lookup_keys(), ())
    for key in getattr(duplicate, "claims", dict)():
        if records.owner_of(key) == duplicate.ref:
            change.release(key)
    records.commit(change)


_MODELS: dict[str, Any] = {"customer": CustomerModel, "person": PersonModel, "address": AddressModel}
_TO_ITEM: dict[str, Callable[[Any, int], Any]] = {
    "customer": customers.to_item,
    "person": people.to_item,
    "address": addresses.to_item,
}


def _save_versioned(change: records.Change, entity: str, record: Any) -> records.Change:
    """Saves `record` only if nobody changed it since it was read (its version is unchanged)."""
    model = _MODELS[entity]
    version = int(model.get(record.id, consistent_read=True).version)
    return change.save(_TO_ITEM[entity](record, version + 1), model.version == version)


def _audited(record: Any) -> dict[str, Any]:
    return record.audited() if hasattr(record, "audited") else record.fields()
