"""Completing, reopening and reassigning follow-up tasks, each audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Conflict
from chalicelib.domain.interactions import DONE, OPEN, Task
from chalicelib.services.log_interaction import require_assignee
from chalicelib.store import tasks


def _save(before: Task, after: Task, action: str, actor: Actor, now: datetime) -> Task:
    entry = actor.entry("task", before.id, action, now, before.fields(), after.fields())
    return tasks.replace(before, after, entry)


def complete_task(task_id: str, *, actor: Actor, now: datetime) -> Task:
    before = tasks.get(task_id)
    if not before.is_open:
        raise Conflict("this task is already done")
    return _save(before, replace(before, status=DONE, done_at=now), "task.completed", actor, now)


def reopen_task(task_id: str, *, actor: Actor, now: datetime) -> Task:
    before = tasks.get(task_id)
    if before.is_open:
        raise Conflict("this task is already open")
    return _save(before, replace(before, status=OPEN, done_at=None), "task.reopened", actor, now)


def reassign_task(task_id: str, assignee_id: str, *, actor: Actor, now: datetime) -> Task:
    before = tasks.get(task_id)
    if not before.is_open:
        raise Conflict("a done task cannot be reassigned; reopen it first")
    assignee = require_assignee((assignee_id or "").strip(), "assignee_id")
    if assignee == before.assignee_id:
        return before
    return _save(before, replace(before, assignee_id=assignee), "task.reassigned", actor, now)
