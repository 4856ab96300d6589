"""Interactions (C7): calls, letters, emails, meetings and visit reports on a customer or person,
each with optional follow-up tasks that someone must do by a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from chalicelib.domain.errors import ValidationError

KINDS = ("call", "letter", "email", "meeting", "visit_report")
MAX_TITLE = 200
MAX_NOTES = 10_000
OPEN = "open"
DONE = "done"


@dataclass(frozen=True)
class Interaction:
    id: str
    subject: str
    kind: str
    at: datetime
    title: str
    notes: str
    staff_id: str

    def fields(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "title": self.title,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Task:
    id: str
    interaction_id: str | None
    subject: str
    title: str
    assignee_id: str
    due_date: str  # ISO date
    status: str
    created_at: datetime
    done_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date < today.isoformat()

    def fields(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "title": self.title,
            "assignee_id": self.assignee_id,
            "due_date": self.due_date,
            "status": self.status,
        }


def _text(data: dict[str, str], name: str, *, required: bool, limit: int, label: str | None = None) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise ValidationError(f"{label or name} is required", field=name)
    if len(value) > limit:
        raise ValidationError(f"{label or name} must be at most {limit} characters", field=name)
    return value


@dataclass(frozen=True)
class InteractionInput:
    kind: str
    title: str
    notes: str
    at: datetime


def validate_interaction(data: dict[str, str], now: datetime) -> InteractionInput:
    """kind, title, notes and when it happened (default: now; never in the future)."""
    kind = (data.get("kind") or "").strip().lower()
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", field="kind")
    title = _text(data, "title", required=True, limit=MAX_TITLE)
    notes = _text(data, "notes", required=False, limit=MAX_NOTES)
    return InteractionInput(kind, title, notes, parse_instant(data.get("at") or "", now))


def parse_instant(value: str, now: datetime) -> datetime:
    """A datetime-local value such as 2026-11-20T14:30 (read as UTC), or one with an offset."""
    text = value.strip()
    if not text:
        return now
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a date and time such as 2026-11-20T14:30", field="at"
        ) from None
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    if at > now:
        raise ValidationError("an interaction cannot be logged in the future", field="at")
    return at


def parse_due_date(value: str, *, field: str = "due_date") -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError("a task needs a due date", field=field)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValidationError(f"{text!r} is not a date such as 2026-12-01", field=field) from None


def validate_task(data: dict[str, str], *, prefix: str = "") -> dict[str, str]:
    """title, assignee_id (a staff id: the service checks it exists) and due_date."""
    title = _text(data, f"{prefix}title", required=True, limit=MAX_TITLE, label="task title")
    assignee = (data.get(f"{prefix}assignee_id") or "").strip()
    if not assignee:
        raise ValidationError("a task needs an assignee", field=f"{prefix}assignee_id")
    due = parse_due_date(data.get(f"{prefix}due_date") or "", field=f"{prefix}due_date")
    return {"title": title, "assignee_id": assignee, "due_date": due}


def wants_task(data: dict[str, str], prefix: str = "task_") -> bool:
    """The log form's optional task: a title or a due date filled in means one is wanted (the
    assignee is a drop-down that always sends a value)."""
    return any((data.get(f"{prefix}{name}") or "").strip() for name in ("title", "due_date"))
