"""Audit records (C11): written in the same transaction as the change they describe."""

from __future__ import annotations

from datetime import UTC

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.ids import time_ordered_key
from chalicelib.store.models import AuditModel

PAGE_SIZE = 50


def to_item(entry: AuditEntry) -> AuditModel:
    return AuditModel(
        entity=entry.entity,
        seq=time_ordered_key(entry.at),
        day=entry.at.astimezone(UTC).date().isoformat(),
        action=entry.action,
        actor=entry.actor,
        actor_label=entry.actor_label,
        before=entry.before,
        after=entry.after,
    )


def _entry(item: AuditModel) -> AuditEntry:
    from datetime import datetime

    entity_type, _, entity_id = item.entity.partition("#")
    at = datetime.fromisoformat(item.seq.split("#")[0].replace("Z", "+00:00"))
    return AuditEntry(
        entity_type=entity_type,
        entity_id=entity_id,
        action=item.action,
        actor=item.actor,
        actor_label=item.actor_label,
        at=at,
        before=item.before,
        after=item.after,
        key=item.seq,
    )


def for_entity(entity_type: str, entity_id: str, limit: int = PAGE_SIZE) -> list[AuditEntry]:
    items = AuditModel.query(f"{entity_type}#{entity_id}", scan_index_forward=False, limit=limit)
    return [_entry(i) for i in items]


def for_actor(actor: str, limit: int = PAGE_SIZE) -> list[AuditEntry]:
    items = AuditModel.by_actor.query(actor, scan_index_forward=False, limit=limit)
    return [_entry(i) for i in items]


def for_day(day: str, limit: int = PAGE_SIZE) -> list[AuditEntry]:
    items = AuditModel.by_day.query(day, scan_index_forward=False, limit=limit)
    return [_entry(i) for i in items]
