"""Relationships, interactions and follow-up tasks over JSON, through the same services as the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.lookups import ref
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint, string_fields

if TYPE_CHECKING:
    from chalicelib.domain.interactions import Interaction, Task
    from chalicelib.domain.relationships import Relationship

# The services and stores are imported inside the handlers: every API module is imported at
# cold start, and only the route that runs needs them.
TASK_FIELDS = ("title", "assignee_id", "due_date")
INTERACTION_KINDS = ("call", "letter", "email", "meeting", "visit_report")  # domain.interactions.KINDS
_TASK_INPUT: dict[str, Any] = {
    "type": "object",
    "required": list(TASK_FIELDS),
    "properties": {
        "title": {"type": "string", "maxLength": 200},
        "assignee_id": {"type": "string", "description": "an active staff member's id"},
        "due_date": {"type": "string", "format": "date"},
    },
}
RELATIONSHIP_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["other_id", "kind"],
    "properties": {
        "other_id": {"type": "string"},
        "kind": {"type": "string", "examples": ["spouse", "parent", "manager", "colleague"]},
        "note": {"type": "string", "maxLength": 500},
    },
}
INTERACTION_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["subject", "kind", "title"],
    "properties": {
        "subject": {"type": "string", "examples": ["customer#<id>", "person#<id>"]},
        "kind": {"type": "string", "enum": list(INTERACTION_KINDS)},
        "title": {"type": "string", "maxLength": 200},
        "notes": {"type": "string"},
        "at": {"type": "string", "format": "date-time", "description": "default now; never in the future"},
        "tasks": {"type": "array", "items": _TASK_INPUT},
    },
}
TASK: dict[str, Any] = {
    "type": "object",
    "properties": {
        name: {"type": "string"}
        for name in ("id", "interaction_id", "subject", "title", "assignee_id", "due_date", "status")
    }
    | {"overdue": {"type": "boolean"}, "done_at": {"type": ["string", "null"]}},
}
# The API parses every POST body as JSON, so these bodiless actions take an empty object.
EMPTY_BODY: dict[str, Any] = {"type": "object", "description": "send {}"}
TASK_LIST: dict[str, Any] = {"type": "object", "properties": {"items": {"type": "array", "items": TASK}}}


def relationship_json(relationship: Relationship, names: dict[str, str]) -> dict[str, Any]:
    return {
        **relationship.fields(),
        "label": relationship.label,
        "other_name": names.get(relationship.other_id),
    }


def task_json(task: Task, ctx: ApiContext) -> dict[str, Any]:
    return {
        "id": task.id,
        "interaction_id": task.interaction_id,
        **task.fields(),
        "overdue": task.is_overdue(ctx.now.date()),
        "created_at": task.created_at.isoformat(),
        "done_at": task.done_at.isoformat() if task.done_at else None,
    }


def interaction_json(interaction: Interaction, its_tasks: list[Task], ctx: ApiContext) -> dict[str, Any]:
    return {
        "id": interaction.id,
        **interaction.fields(),
        "staff_id": interaction.staff_id,
        "tasks": [task_json(t, ctx) for t in its_tasks],
    }


def _live_person(person_id: str) -> str:
    from chalicelib.store import subjects

    """A person in the path that does not exist (or was merged away) is a 404, not a bad field."""
    if not subjects.exists(ref("person", person_id)):
        raise NotFound(f"no person {person_id}", field="person_id")
    return person_id


@endpoint(
    "/people/{person_id}/relationships",
    "GET",
    summary="A person's relationships, both directions",
    scope=ApiScope.ACTIVITY_READ,
)
def list_relationships(ctx: ApiContext, person_id: str) -> dict[str, Any]:
    from chalicelib.store import relationships, subjects

    rows = relationships.of_person(_live_person(person_id))
    names = subjects.person_names([r.other_id for r in rows]) if rows else {}
    return {"items": [relationship_json(r, names) for r in sorted(rows, key=lambda r: (r.kind, r.other_id))]}


@endpoint(
    "/people/{person_id}/relationships",
    "POST",
    summary="Relate two people; the other person gets the inverse link in the same write",
    scope=ApiScope.ACTIVITY_WRITE,
    request_schema=RELATIONSHIP_INPUT,
    status=201,
)
def post_relationship(ctx: ApiContext, person_id: str) -> dict[str, Any]:
    from chalicelib.services import manage_relationships
    from chalicelib.store import subjects

    data = string_fields(ctx.body, ("other_id", "kind", "note"))
    added = manage_relationships.add_relationship(
        _live_person(person_id),
        data.get("other_id", ""),
        data.get("kind", ""),
        data.get("note", ""),
        actor=ctx.actor,
        now=ctx.now,
    )
    return relationship_json(added, subjects.person_names([added.other_id]))


@endpoint(
    "/people/{person_id}/relationships/{other_id}/{kind}",
    "DELETE",
    summary="Remove a relationship (both directions)",
    scope=ApiScope.ACTIVITY_WRITE,
)
def delete_relationship(ctx: ApiContext, person_id: str, other_id: str, kind: str) -> dict[str, Any]:
    from chalicelib.services import manage_relationships

    manage_relationships.remove_relationship(person_id, other_id, kind, actor=ctx.actor, now=ctx.now)
    return {"person_id": person_id, "other_id": other_id, "kind": kind, "removed": True}


@endpoint(
    "/interactions",
    "GET",
    summary="A customer's or person's interactions, newest first, each with its follow-up tasks",
    scope=ApiScope.ACTIVITY_READ,
    query=(("subject", "customer#<id> or person#<id> (URL-encode # as %23)"),),
)
def list_interactions(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import interactions, subjects, tasks

    subject = ctx.query.get("subject", "").strip()
    if not subject:
        raise ValidationError("ask for ?subject=customer%23<id> or person%23<id>", field="subject")
    if not subjects.exists(subject):
        raise NotFound(f"no customer or person {subject}", field="subject")
    by_interaction: dict[str, list[Task]] = {}
    for task in tasks.for_subject(subject):
        by_interaction.setdefault(task.interaction_id or "", []).append(task)
    return {
        "items": [
            interaction_json(i, by_interaction.get(i.id, []), ctx) for i in interactions.for_subject(subject)
        ]
    }


def _task_forms(raw: object) -> list[dict[str, str]]:
    """Every task checked before anything is written; errors name the task: tasks[1].due_date."""
    from chalicelib.domain.interactions import validate_task
    from chalicelib.services.log_interaction import require_assignee

    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationError("tasks must be a list of objects", field="tasks")
    forms = []
    for index, task in enumerate(raw):
        where = f"tasks[{index}]"
        if not isinstance(task, dict):
            raise ValidationError(f"{where} must be an object", field=where)
        try:
            form = string_fields(task, TASK_FIELDS)
            require_assignee(validate_task(form)["assignee_id"], "assignee_id")
        except ValidationError as error:
            raise ValidationError(f"{where}: {error.message}", field=f"{where}.{error.field}") from None
        forms.append(form)
    return forms


@endpoint(
    "/interactions",
    "POST",
    summary="Log a call, letter, email, meeting or visit report, with optional follow-up tasks",
    scope=ApiScope.ACTIVITY_WRITE,
    request_schema=INTERACTION_INPUT,
    status=201,
)
def post_interaction(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.log_interaction import log_interaction

    data = string_fields(ctx.body, ("subject", "kind", "title", "notes", "at"))
    forms = _task_forms(ctx.body.get("tasks"))
    interaction, created = log_interaction(data.get("subject", ""), data, forms, actor=ctx.actor, now=ctx.now)
    return interaction_json(interaction, created, ctx)


@endpoint(
    "/tasks",
    "GET",
    summary="Open tasks of one assignee by due date, or everyone's overdue tasks",
    scope=ApiScope.ACTIVITY_READ,
    response_schema=TASK_LIST,
    query=(
        ("assignee_id", "staff id: their open tasks"),
        ("overdue", "1: open tasks due before today (UTC)"),
    ),
)
def list_tasks(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import staff, tasks

    if ctx.query.get("overdue") in ("1", "true"):
        return {"items": [task_json(t, ctx) for t in tasks.overdue(ctx.now.date())]}
    assignee_id = ctx.query.get("assignee_id", "").strip()
    if not assignee_id:
        raise ValidationError("ask for ?assignee_id=<staff id> or ?overdue=1", field="assignee_id")
    staff.get(assignee_id)  # an unknown assignee is a 404, not an empty list
    return {"items": [task_json(t, ctx) for t in tasks.open_for(assignee_id)]}


@endpoint(
    "/tasks/{task_id}/complete",
    "POST",
    summary="Mark a task done (body {}; 409 if it is done already)",
    scope=ApiScope.ACTIVITY_WRITE,
    request_schema=EMPTY_BODY,
    response_schema=TASK,
)
def complete_task(ctx: ApiContext, task_id: str) -> dict[str, Any]:
    from chalicelib.services import manage_tasks

    return task_json(manage_tasks.complete_task(task_id, actor=ctx.actor, now=ctx.now), ctx)


@endpoint(
    "/tasks/{task_id}/reopen",
    "POST",
    summary="Open a done task again (body {}; 409 if it is open)",
    scope=ApiScope.ACTIVITY_WRITE,
    request_schema=EMPTY_BODY,
    response_schema=TASK,
)
def reopen_task(ctx: ApiContext, task_id: str) -> dict[str, Any]:
    from chalicelib.services import manage_tasks

    return task_json(manage_tasks.reopen_task(task_id, actor=ctx.actor, now=ctx.now), ctx)
