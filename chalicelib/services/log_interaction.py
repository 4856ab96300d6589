"""Logging a call, letter, meeting... with optional follow-up tasks, in one audited change."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.interactions import OPEN, Interaction, Task, validate_interaction, validate_task
from chalicelib.store import interactions, staff, subjects


def require_assignee(assignee_id: str, field: str) -> str:
    if not assignee_id.strip():
        raise ValidationError("a task needs an assignee", field=field)
    try:
        user = staff.get(assignee_id)
    except NotFound:
        raise ValidationError(f"{field}: no staff member {assignee_id}", field=field) from None
    if not user.active:
        raise ValidationError(f"{user.name} is deactivated and cannot be assigned tasks", field=field)
    return user.id


def log_interaction(
    subject: str,
    data: dict[str, str],
    task_forms: list[dict[str, str]] | None = None,
    *,
    actor: Actor,
    now: datetime,
) -> tuple[Interaction, list[Task]]:
    """Everything is validated before the one write: bad input stores nothing."""
    fields = validate_interaction(data, now)
    subject = subjects.require(subject, field="subject")
    interaction = Interaction(
        id=new_id(),
        subject=subject,
        kind=fields.kind,
        at=fields.at,
        title=fields.title,
        notes=fields.notes,
        staff_id=actor.id,
    )
    tasks = []
    for form in task_forms or []:
        try:
            task_fields = validate_task(form)
            assignee = require_assignee(task_fields["assignee_id"], "assignee_id")
        except ValidationError as error:
            # The log form names its task fields task_title, task_assignee_id, task_due_date.
            raise ValidationError(f"follow-up task: {error.message}", field=f"task_{error.field}") from None
        tasks.append(
            Task(
                id=new_id(),
                interaction_id=interaction.id,
                subject=subject,
                title=task_fields["title"],
                assignee_id=assignee,
                due_date=task_fields["due_date"],
                status=OPEN,
                created_at=now,
            )
        )
    after = {**interaction.fields(), "tasks": [t.fields() for t in tasks]}
    entry = actor.entry("interaction", interaction.id, "interaction.logged", now, after=after)
    interactions.create(interaction, tasks, entry)
    return interaction, tasks
