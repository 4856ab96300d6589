"""Follow-up tasks. While a task is open it carries open_assignee and open_flag, which put it
in the sparse "open" indexes; completing it removes both, so done tasks drop out of them."""

from __future__ import annotations

from datetime import date

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.interactions import OPEN, Task
from chalicelib.domain.lookups import ref, uses_key
from chalicelib.store.models_activity import TaskModel
from chalicelib.store.records import Change, commit

CHANGED = "this task was changed meanwhile: reload and try again"


def task_from(item: TaskModel) -> Task:
    return Task(
        id=item.id,
        interaction_id=item.interaction_id,
        subject=item.subject,
        title=item.title,
        assignee_id=item.assignee_id,
        due_date=item.due_date,
        status=item.status,
        created_at=item.created_at,
        done_at=item.done_at,
    )


def item_of(task: Task) -> TaskModel:
    is_open = task.status == OPEN
    return TaskModel(
        id=task.id,
        interaction_id=task.interaction_id,
        subject=task.subject,
        title=task.title,
        assignee_id=task.assignee_id,
        due_date=task.due_date,
        status=task.status,
        open_assignee=task.assignee_id if is_open else None,
        open_flag=OPEN if is_open else None,
        created_at=task.created_at,
        done_at=task.done_at,
    )


def add_to(change: Change, task: Task) -> Change:
    """A new task inside someone's change (an interaction with its follow-ups)."""
    change.save(item_of(task), TaskModel.id.does_not_exist())
    return change.lookups(ref("task", task.id), [], [uses_key(task.subject)])


def get(task_id: str) -> Task:
    try:
        return task_from(TaskModel.get(task_id))
    except DoesNotExist:
        raise NotFound(f"no task {task_id}") from None


def open_for(assignee_id: str, limit: int = 500) -> list[Task]:
    """Sorted by due date, earliest first."""
    return [task_from(i) for i in TaskModel.open_by_assignee.query(assignee_id, limit=limit)]


def overdue(today: date, limit: int = 500) -> list[Task]:
    """Open tasks due before `today`, earliest first."""
    condition = TaskModel.due_date < today.isoformat()
    return [
        task_from(i) for i in TaskModel.open_by_due.query(OPEN, range_key_condition=condition, limit=limit)
    ]


def for_subject(subject: str, limit: int = 500) -> list[Task]:
    return [task_from(i) for i in TaskModel.by_subject.query(subject, limit=limit)]


def replace(before: Task, after: Task, entry: AuditEntry) -> Task:
    """Saves `after` only if the stored task still has `before`'s status and assignee."""
    condition = (TaskModel.status == before.status) & (TaskModel.assignee_id == before.assignee_id)
    change = Change(audit=entry, conflict_message=CHANGED).save(item_of(after), condition)
    commit(change)
    return after
