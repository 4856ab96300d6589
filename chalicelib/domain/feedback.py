"""Feedback on a service visit (B3): a rating from 1 to 5 and an optional comment, once per visit.

A feedback link's subject names the visit: "<contract id>|<visit key>", the visit key being
"<due date>#<item id>" (how store.visits keys a contract's visits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.domain.errors import Conflict, ValidationError

RATINGS = (1, 2, 3, 4, 5)
LOW_RATING = 2  # this or less: staff are told at once
MAX_COMMENT = 2000
_VISIT_KEY = re.compile(r"^(\d{4}-\d{2}-\d{2})#([A-Za-z0-9_-]{1,64})$")
_CONTRACT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class AlreadyRated(Conflict):
    """The visit has its rating already: a second one is refused, the first one stays."""


@dataclass(frozen=True)
class Feedback:
    contract_id: str
    visit_key: str
    customer_id: str
    item_id: str
    rating: int
    comment: str
    created_at: datetime

    @property
    def visit_due(self) -> date:
        return date.fromisoformat(self.visit_key.partition("#")[0])

    @property
    def is_low(self) -> bool:
        return is_low(self.rating)


@dataclass(frozen=True)
class Rating:
    rating: int
    comment: str


def is_low(rating: int) -> bool:
    return rating <= LOW_RATING


def visit_key(due: date, item_id: str) -> str:
    return f"{due.isoformat()}#{item_id}"


def visit_subject(contract_id: str, key: str) -> str:
    """A feedback link's subject id."""
    return f"{contract_id}|{key}"


def parse_visit_subject(subject: str) -> tuple[str, str] | None:
    """(contract id, visit key) of a feedback link's subject; None when it is not one."""
    contract_id, bar, key = (subject or "").partition("|")
    match = _VISIT_KEY.match(key)
    if not bar or not _CONTRACT_ID.match(contract_id) or not match:
        return None
    try:
        date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return contract_id, key


def validate_rating(data: dict[str, Any]) -> Rating:
    """A rating 1-5 (required) and a comment of at most 2000 characters."""
    raw = data.get("rating")
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise ValidationError("rating is required: choose from 1 to 5", field="rating")
    if text not in {str(r) for r in RATINGS}:
        raise ValidationError("rating must be a whole number from 1 to 5", field="rating")
    comment = data.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise ValidationError("comment must be text", field="comment")
    comment = (comment or "").replace("\r\n", "\n").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(f"comment must be at most {MAX_COMMENT} characters", field="comment")
    return Rating(int(text), comment)
