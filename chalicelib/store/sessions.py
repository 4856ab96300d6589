"""Server-side staff sessions: the cookie holds only a signed session id."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.store.models import SessionModel


def create(session_id: str, user_id: str, now: datetime, expires_at: datetime) -> None:
    SessionModel(id=session_id, user_id=user_id, created_at=now, expires_at=expires_at).save(
        condition=SessionModel.id.does_not_exist()
    )


def get(session_id: str) -> tuple[str, datetime, datetime] | None:
    """(user id, created at, expires at), or None when there is no such session."""
    try:
        item = SessionModel.get(session_id)
    except DoesNotExist:
        return None
    return item.user_id, item.created_at, item.expires_at


def delete(session_id: str) -> None:
    SessionModel(id=session_id).delete()
