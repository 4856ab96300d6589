"""Interactions and follow-up tasks: what must be filled in, dates, overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.interactions import (
    DONE,
    OPEN,
    Task,
    validate_interaction,
    validate_task,
    wants_task,
)

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_an_interaction_defaults_to_now_and_reads_local_input_as_utc() -> None:
    fields = validate_interaction({"kind": "call", "title": " Renewal call "}, NOW)
    assert (fields.kind, fields.title, fields.notes, fields.at) == ("call", "Renewal call", "", NOW)
    at = validate_interaction({"kind": "visit_report", "title": "t", "at": "2026-11-20T14:30"}, NOW).at
    assert at == datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    at = validate_interaction({"kind": "meeting", "title": "t", "at": "2026-11-20T14:30+01:00"}, NOW).at
    assert at == datetime(2026, 11, 20, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"kind": "call", "title": "  "}, "title", "title is required"),
        ({"kind": "fax", "title": "x"}, "kind", "kind must be one of"),
        ({"kind": "call", "title": "x" * 201}, "title", "at most 200"),
        ({"kind": "call", "title": "x", "at": "yesterday"}, "at", "'yesterday' is not a date and time"),
        ({"kind": "call", "title": "x", "at": "2026-11-24T00:00"}, "at", "in the future"),
    ],
)
def test_bad_interactions_name_the_field(data: dict[str, str], field: str, says: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_interaction(data, NOW)
    assert error.value.field == field and says in error.value.message


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"assignee_id": "u", "due_date": "2026-12-01"}, "title", "task title is required"),
        ({"title": "t", "due_date": "2026-12-01"}, "assignee_id", "needs an assignee"),
        ({"title": "t", "assignee_id": "u"}, "due_date", "needs a due date"),
        ({"title": "t", "assignee_id": "u", "due_date": "2026-02-30"}, "due_date", "is not a date"),
    ],
)
def test_a_task_needs_title_assignee_and_due_date(data: dict[str, str], field: str, says: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_task(data)
    assert error.value.field == field and says in error.value.message


def test_a_task_is_wanted_only_when_its_title_or_date_is_filled_in() -> None:
    assert not wants_task({"task_assignee_id": "u", "task_title": " "})
    assert wants_task({"task_due_date": "2026-12-01"})
    assert (
        validate_task({"title": "t", "assignee_id": "u", "due_date": "2026-12-01"})["due_date"]
        == "2026-12-01"
    )


def test_overdue_means_open_and_due_before_today() -> None:
    task = Task("t", None, "customer#c", "x", "u", "2026-11-22", OPEN, NOW)
    assert task.is_overdue(date(2026, 11, 23))
    assert not task.is_overdue(date(2026, 11, 22))  # due today is not overdue yet
    done = Task("t", None, "customer#c", "x", "u", "2026-11-01", DONE, NOW, NOW)
    assert not done.is_overdue(date(2026, 11, 23))
