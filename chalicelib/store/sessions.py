"""Server-side staff sessions: the cookie holds only a signed session id."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactGet

from chalicelib.domain.staff import StaffUser
from chalicelib.store import staff
from chalicelib.store.base import connection
from chalicelib.store.models import SessionModel, StaffModel


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


def get_with_user(
    session_id: str, user_id: str
) -> tuple[tuple[str, datetime, datetime] | None, StaffUser | None]:
    """The session and its staff member in one TransactGetItems: every admin page needs both."""
    with TransactGet(connection=connection()) as transaction:
        session_future = transaction.get(SessionModel, session_id)
        user_future = transaction.get(StaffModel, user_id)
    try:
        session = session_future.get()
        found = (session.user_id, session.created_at, session.expires_at)
    except SessionModel.DoesNotExist:
        found = None
    try:
        user = staff.to_user(user_future.get())
    except StaffModel.DoesNotExist:
        user = None
    return found, user
