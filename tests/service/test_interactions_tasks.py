"""Interactions with follow-up tasks in DynamoDB Local: one write, open-task indexes, overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.domain.audit import SYSTEM, Actor
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.lookups import ref, uses_key
from chalicelib.services import manage_tasks
from chalicelib.services.log_interaction import log_interaction
from chalicelib.services.manage_staff import create_staff
from chalicelib.store import audit, interactions, records, tasks
from chalicelib.store.models_activity import InteractionModel, TaskModel
from tests.activity_helpers import make_customer, make_person
from tests.service.conftest import NOW

TODAY = NOW.date()


def _staff(name: str) -> Actor:
    user = create_staff(
        email=f"{name}@example.com", name=name.title(), role="sales", password=None, actor=SYSTEM, now=NOW
    )
    return Actor(user.id, user.email)


def _task(title: str, assignee: Actor, due: date) -> dict[str, str]:
    return {"title": title, "assignee_id": assignee.id, "due_date": due.isoformat()}


def test_an_interaction_and_its_tasks_are_written_together() -> None:
    ann, bob = _staff("ann"), _staff("bob")
    subject = make_customer()
    interaction, created = log_interaction(
        subject,
        {"kind": "call", "title": "Renewal call", "notes": "wants a quote"},
        [_task("Send quote", bob, TODAY + timedelta(days=2)), _task("Call back", ann, TODAY)],
        actor=ann,
        now=NOW,
    )
    assert interactions.for_subject(subject) == [interaction]
    assert {t.title for t in tasks.for_subject(subject)} == {"Send quote", "Call back"}
    assert all(t.interaction_id == interaction.id for t in created)
    uses = set(records.refs(uses_key(subject)))
    assert uses == {ref("interaction", interaction.id)} | {ref("task", t.id) for t in created}
    (entry,) = audit.for_entity("interaction", interaction.id)
    assert entry.action == "interaction.logged" and len(entry.after["tasks"]) == 2  # type: ignore[index]


def test_timeline_is_newest_first_and_works_for_people() -> None:
    ann = _staff("ann")
    subject = ref("person", make_person("Novak"))
    log_interaction(subject, {"kind": "letter", "title": "old", "at": "2026-11-01T10:00"}, actor=ann, now=NOW)
    log_interaction(subject, {"kind": "meeting", "title": "new"}, actor=ann, now=NOW)
    assert [i.title for i in interactions.for_subject(subject)] == ["new", "old"]


@pytest.mark.parametrize(
    ("subject_kind", "data", "task", "field"),
    [
        ("customer", {"kind": "call", "title": ""}, None, "title"),
        ("customer", {"kind": "chat", "title": "x"}, None, "kind"),
        ("unknown", {"kind": "call", "title": "x"}, None, "subject"),
        (
            "customer",
            {"kind": "call", "title": "x"},
            {"title": "t", "due_date": "2026-12-01"},
            "task_assignee_id",
        ),
        (
            "customer",
            {"kind": "call", "title": "x"},
            {"title": "t", "assignee_id": "ghost", "due_date": "2026-12-01"},
            "task_assignee_id",
        ),
        (
            "customer",
            {"kind": "call", "title": "x"},
            {"title": "t", "assignee_id": "ME", "due_date": "soon"},
            "task_due_date",
        ),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    subject_kind: str, data: dict[str, str], task: dict[str, str] | None, field: str
) -> None:
    ann = _staff("ann")
    subject = make_customer() if subject_kind == "customer" else "customer#nope"
    forms = [{k: (ann.id if v == "ME" else v) for k, v in task.items()}] if task else []
    with pytest.raises(ValidationError) as error:
        log_interaction(subject, data, forms, actor=ann, now=NOW)
    assert error.value.field == field
    assert list(InteractionModel.scan()) == [] and list(TaskModel.scan()) == []
    assert records.refs(uses_key(subject)) == []


def test_open_views_sort_by_due_date_and_done_tasks_leave_them() -> None:
    ann, bob = _staff("ann"), _staff("bob")
    subject = make_customer()
    _, created = log_interaction(
        subject,
        {"kind": "visit_report", "title": "Site visit"},
        [
            _task("later", ann, TODAY + timedelta(days=5)),
            _task("late", ann, TODAY - timedelta(days=3)),
            _task("today", ann, TODAY),
            _task("bob's late one", bob, TODAY - timedelta(days=1)),
        ],
        actor=ann,
        now=NOW,
    )
    by_title = {t.title: t for t in created}
    assert [t.title for t in tasks.open_for(ann.id)] == ["late", "today", "later"]
    assert [t.title for t in tasks.overdue(TODAY)] == ["late", "bob's late one"]

    manage_tasks.complete_task(by_title["late"].id, actor=ann, now=NOW)
    assert [t.title for t in tasks.open_for(ann.id)] == ["today", "later"]
    assert [t.title for t in tasks.overdue(TODAY)] == ["bob's late one"]
    stored = TaskModel.get(by_title["late"].id)
    assert (stored.status, stored.open_assignee, stored.open_flag, stored.done_at) == (
        "done",
        None,
        None,
        NOW,
    )
    with pytest.raises(Conflict, match="already done"):
        manage_tasks.complete_task(by_title["late"].id, actor=ann, now=NOW)

    manage_tasks.reopen_task(by_title["late"].id, actor=ann, now=NOW)
    assert [t.title for t in tasks.overdue(TODAY)] == ["late", "bob's late one"]

    manage_tasks.reassign_task(by_title["late"].id, bob.id, actor=ann, now=NOW)
    assert [t.title for t in tasks.open_for(bob.id)] == ["late", "bob's late one"]
    assert [t.title for t in tasks.open_for(ann.id)] == ["today", "later"]
    actions = [e.action for e in audit.for_entity("task", by_title["late"].id)]
    assert sorted(actions) == ["task.completed", "task.reassigned", "task.reopened"]


def test_reassigning_to_nobody_or_a_stranger_is_refused() -> None:
    ann = _staff("ann")
    _, (task,) = log_interaction(
        make_customer(), {"kind": "call", "title": "x"}, [_task("t", ann, TODAY)], actor=ann, now=NOW
    )
    for assignee in ("", "ghost"):
        with pytest.raises(ValidationError) as error:
            manage_tasks.reassign_task(task.id, assignee, actor=ann, now=NOW)
        assert error.value.field == "assignee_id"
    assert tasks.get(task.id).assignee_id == ann.id
