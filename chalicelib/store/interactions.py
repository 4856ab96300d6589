"""Interactions, listed per subject newest first; logged together with their follow-up tasks."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.interactions import Interaction, Task
from chalicelib.domain.lookups import ref, uses_key
from chalicelib.store import tasks as task_store
from chalicelib.store.models_activity import InteractionModel
from chalicelib.store.records import Change, commit


def _interaction(item: InteractionModel) -> Interaction:
    return Interaction(
        id=item.id,
        subject=item.subject,
        kind=item.kind,
        at=item.at,
        title=item.title,
        notes=item.notes,
        staff_id=item.staff_id,
    )


def _item(interaction: Interaction) -> InteractionModel:
    return InteractionModel(
        id=interaction.id,
        subject=interaction.subject,
        kind=interaction.kind,
        at=interaction.at,
        title=interaction.title,
        notes=interaction.notes,
        staff_id=interaction.staff_id,
    )


def get(interaction_id: str) -> Interaction:
    try:
        return _interaction(InteractionModel.get(interaction_id))
    except DoesNotExist:
        raise NotFound(f"no interaction {interaction_id}") from None


def for_subject(subject: str, limit: int = 200) -> list[Interaction]:
    """Newest first."""
    query = InteractionModel.by_subject.query(subject, scan_index_forward=False, limit=limit)
    return [_interaction(i) for i in query]


def create(interaction: Interaction, tasks: list[Task], entry: AuditEntry) -> Interaction:
    """The interaction and every follow-up task in one transaction: all of them or none."""
    change = Change(audit=entry).save(_item(interaction), InteractionModel.id.does_not_exist())
    change.lookups(ref("interaction", interaction.id), [], [uses_key(interaction.subject)])
    for task in tasks:
        task_store.add_to(change, task)
    commit(change)
    return interaction
