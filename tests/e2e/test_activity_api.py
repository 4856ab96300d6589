"""Relationships, interactions and tasks over the JSON API: the pages' rules, errors naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.store import audit, interactions, relationships, tasks
from tests.activity_helpers import make_customer, make_person
from tests.e2e.test_api import assert_error, call


@pytest.fixture
def key(store) -> tuple[str, str]:
    """(actor of the key, token)."""
    issued, token = issue_key(
        "crm sync", ["activity:read", "activity:write"], actor=SYSTEM, now=datetime.now(UTC)
    )
    return f"api:{issued.id}", token


@pytest.fixture
def token(key) -> str:
    return key[1]


@pytest.fixture
def reader(store) -> str:
    return issue_key("reader", ["activity:read"], actor=SYSTEM, now=datetime.now(UTC))[1]


def _subject_path(subject: str) -> str:
    return f"/api/v1/interactions?subject={quote(subject, safe='')}"


def test_relationships_are_added_listed_from_both_sides_and_removed(app_client, key) -> None:
    actor, token = key
    anna, peter = make_person("Nováková", "Anna"), make_person("Novák", "Peter")
    response, added = call(
        app_client,
        "POST",
        f"/api/v1/people/{anna}/relationships",
        token,
        {"other_id": peter, "kind": "Spouse", "note": "since 2001"},
    )
    assert response.status_code == 201, added
    assert added == {
        "person_id": anna,
        "other_id": peter,
        "kind": "spouse",
        "note": "since 2001",
        "label": "spouse",
        "other_name": "Peter Novák",
    }
    _, from_peter = call(app_client, "GET", f"/api/v1/people/{peter}/relationships", token)
    assert [(r["other_id"], r["kind"], r["other_name"]) for r in from_peter["items"]] == [
        (anna, "spouse", "Anna Nováková")
    ]
    assert audit.for_entity("person", anna)[0].actor == actor
    response, removed = call(
        app_client, "DELETE", f"/api/v1/people/{peter}/relationships/{anna}/spouse", token
    )
    assert response.status_code == 200 and removed["removed"] is True
    assert relationships.of_person(anna) == [] and relationships.of_person(peter) == []
    response, payload = call(
        app_client, "DELETE", f"/api/v1/people/{peter}/relationships/{anna}/spouse", token
    )
    assert_error(payload, 404, "not_found")


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"kind": "spouse"}, 400, "validation_error", "other_id"),
        ({"other_id": "OTHER"}, 400, "validation_error", "kind"),
        ({"other_id": "OTHER", "kind": "best_friend"}, 400, "validation_error", "kind"),
        ({"other_id": "nobody", "kind": "spouse"}, 400, "validation_error", "other_id"),
        ({"other_id": "SELF", "kind": "spouse"}, 400, "validation_error", "other_id"),
        ({"other_id": 42, "kind": "spouse"}, 400, "validation_error", "other_id"),
        ({"other_id": "OTHER", "kind": "spouse", "note": "x" * 501}, 400, "validation_error", "note"),
    ],
)
def test_bad_relationships_get_a_400_naming_the_field_and_store_nothing(
    app_client, token, body, status, code, field
) -> None:
    anna, peter = make_person("Nováková", "Anna"), make_person("Novák", "Peter")
    body = {k: {"OTHER": peter, "SELF": anna}.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    response, payload = call(app_client, "POST", f"/api/v1/people/{anna}/relationships", token, body)
    assert response.status_code == status
    assert_error(payload, status, code, field)
    assert relationships.of_person(anna) == [] and relationships.of_person(peter) == []


def test_relationship_conflicts_unknown_people_and_scopes(app_client, token, reader) -> None:
    anna, peter = make_person("Nováková", "Anna"), make_person("Novák", "Peter")
    path = f"/api/v1/people/{anna}/relationships"
    assert call(app_client, "POST", path, token, {"other_id": peter, "kind": "manager"})[0].status_code == 201
    _, payload = call(app_client, "POST", path, token, {"other_id": peter, "kind": "manager"})
    assert_error(payload, 409, "conflict")
    _, payload = call(app_client, "GET", "/api/v1/people/nobody/relationships", token)
    assert_error(payload, 404, "not_found", "person_id")
    _, payload = call(app_client, "POST", "/api/v1/people/nobody/relationships", token, {"other_id": peter})
    assert_error(payload, 404, "not_found", "person_id")
    _, payload = call(app_client, "POST", path, reader, {"other_id": peter, "kind": "colleague"})
    assert_error(payload, 403, "forbidden")
    assert "activity:write" in payload["error"]["message"]
    _, payload = call(app_client, "DELETE", f"{path}/{peter}/manager", reader)
    assert_error(payload, 403, "forbidden")
    _, listed = call(app_client, "GET", path, reader)
    assert [(r["kind"], r["label"]) for r in listed["items"]] == [("manager", "manager")]
    _, payload = call(app_client, "DELETE", f"{path}/{peter}/nonsense", token)
    assert_error(payload, 400, "validation_error", "kind")


def test_an_interaction_with_a_task_is_logged_listed_and_the_task_completed_and_reopened(
    app_client, key, make_staff
) -> None:
    actor, token = key
    subject = make_customer()
    colleague = make_staff("service")
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    happened = (datetime.now(UTC) - timedelta(days=2)).replace(microsecond=0)
    body: dict[str, Any] = {
        "subject": subject,
        "kind": "call",
        "title": "Asked for a service visit",
        "notes": "Boiler makes noise",
        "at": happened.isoformat().replace("+00:00", "Z"),
        "tasks": [{"title": "Send a technician", "assignee_id": colleague.id, "due_date": yesterday}],
    }
    response, logged = call(app_client, "POST", "/api/v1/interactions", token, body)
    assert response.status_code == 201, logged
    assert logged["kind"] == "call" and logged["at"] == happened.isoformat()
    assert logged["staff_id"] == actor
    [task] = logged["tasks"]
    assert task["status"] == "open" and task["overdue"] is True and task["interaction_id"] == logged["id"]

    _, timeline = call(app_client, "GET", _subject_path(subject), token)
    assert [(i["id"], [t["id"] for t in i["tasks"]]) for i in timeline["items"]] == [
        (logged["id"], [task["id"]])
    ]
    _, mine = call(app_client, "GET", f"/api/v1/tasks?assignee_id={colleague.id}", token)
    assert [t["id"] for t in mine["items"]] == [task["id"]]
    _, overdue = call(app_client, "GET", "/api/v1/tasks?overdue=1", token)
    assert [t["id"] for t in overdue["items"]] == [task["id"]]

    response, done = call(app_client, "POST", f"/api/v1/tasks/{task['id']}/complete", token, {})
    assert response.status_code == 200 and done["status"] == "done" and done["done_at"]
    assert done["overdue"] is False
    _, payload = call(app_client, "POST", f"/api/v1/tasks/{task['id']}/complete", token, {})
    assert_error(payload, 409, "conflict")
    _, overdue = call(app_client, "GET", "/api/v1/tasks?overdue=1", token)
    assert overdue["items"] == []
    _, reopened = call(app_client, "POST", f"/api/v1/tasks/{task['id']}/reopen", token, {})
    assert reopened["status"] == "open" and reopened["done_at"] is None
    assert {"task.completed", "task.reopened"} <= {e.action for e in audit.for_entity("task", task["id"])}


def _future() -> str:
    return (datetime.now(UTC) + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": None}, "subject"),
        ({"subject": "customer#nobody"}, "subject"),
        ({"kind": "fax"}, "kind"),
        ({"title": None}, "title"),
        ({"title": 7}, "title"),
        ({"at": "yesterday"}, "at"),
        ({"at": "FUTURE"}, "at"),
        ({"tasks": {"title": "x"}}, "tasks"),
        ({"tasks": ["call back"]}, "tasks[0]"),
        ({"tasks": [{"title": "Call back", "due_date": "2026-12-01"}]}, "tasks[0].assignee_id"),
        (
            {"tasks": [{"title": "Call back", "assignee_id": "nobody", "due_date": "2026-12-01"}]},
            "tasks[0].assignee_id",
        ),
        (
            {"tasks": [{"title": "Call back", "assignee_id": "STAFF", "due_date": "soon"}]},
            "tasks[0].due_date",
        ),
        ({"tasks": [{"assignee_id": "STAFF", "due_date": "2026-12-01"}]}, "tasks[0].title"),
    ],
)
def test_bad_interactions_get_a_400_naming_the_field_and_store_nothing(
    app_client, token, make_staff, change, field
) -> None:
    subject = make_customer()
    colleague = make_staff("sales")
    body: dict[str, Any] = {
        "subject": subject,
        "kind": "meeting",
        "title": "Yearly review",
        "tasks": [{"title": "Send offer", "assignee_id": colleague.id, "due_date": "2026-12-01"}],
    }
    for name, value in change.items():
        body[name] = _future() if value == "FUTURE" else value
    if isinstance(body["tasks"], list):
        body["tasks"] = [
            {k: colleague.id if v == "STAFF" else v for k, v in t.items()} if isinstance(t, dict) else t
            for t in body["tasks"]
        ]
    response, payload = call(app_client, "POST", "/api/v1/interactions", token, body)
    assert response.status_code == 400, payload
    assert_error(payload, 400, "validation_error", field)
    assert interactions.for_subject(subject) == [] and tasks.for_subject(subject) == []
    assert tasks.open_for(colleague.id) == []


def test_a_later_bad_task_stores_neither_the_interaction_nor_the_good_task(
    app_client, token, make_staff
) -> None:
    subject = make_customer()
    colleague = make_staff("sales")
    good = {"title": "Send offer", "assignee_id": colleague.id, "due_date": "2026-12-01"}
    body = {"subject": subject, "kind": "email", "title": "Offer", "tasks": [good, {**good, "due_date": ""}]}
    _, payload = call(app_client, "POST", "/api/v1/interactions", token, body)
    assert_error(payload, 400, "validation_error", "tasks[1].due_date")
    assert interactions.for_subject(subject) == [] and tasks.open_for(colleague.id) == []


def test_interaction_and_task_lookups_404_400_and_403(app_client, token, reader, make_staff) -> None:
    subject = make_customer()
    _, payload = call(app_client, "GET", "/api/v1/interactions", token)
    assert_error(payload, 400, "validation_error", "subject")
    _, payload = call(app_client, "GET", _subject_path("customer#nobody"), token)
    assert_error(payload, 404, "not_found", "subject")
    _, empty = call(app_client, "GET", _subject_path(subject), reader)
    assert empty == {"items": []}
    _, payload = call(app_client, "GET", "/api/v1/tasks", token)
    assert_error(payload, 400, "validation_error", "assignee_id")
    _, payload = call(app_client, "GET", "/api/v1/tasks?assignee_id=nobody", token)
    assert_error(payload, 404, "not_found")
    for action in ("complete", "reopen"):
        _, payload = call(app_client, "POST", f"/api/v1/tasks/nope/{action}", token, {})
        assert_error(payload, 404, "not_found")
        _, payload = call(app_client, "POST", f"/api/v1/tasks/nope/{action}", reader, {})
        assert_error(payload, 403, "forbidden")
    body = {"subject": subject, "kind": "call", "title": "Hello"}
    _, payload = call(app_client, "POST", "/api/v1/interactions", reader, body)
    assert_error(payload, 403, "forbidden")
    customers_key = issue_key("other", ["customers:read"], actor=SYSTEM, now=datetime.now(UTC))[1]
    _, payload = call(app_client, "GET", _subject_path(subject), customers_key)
    assert_error(payload, 403, "forbidden")
    assert "activity:read" in payload["error"]["message"]
    assert interactions.for_subject(subject) == []


def test_the_schema_lists_the_interaction_kinds_the_domain_accepts() -> None:
    from chalicelib.domain.interactions import KINDS
    from chalicelib.web.api.activity import INTERACTION_INPUT, INTERACTION_KINDS

    assert INTERACTION_KINDS == KINDS and INTERACTION_INPUT["properties"]["kind"]["enum"] == list(KINDS)
