"""Staff sign-in, session lookup and sign-out, with throttling of failed attempts."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from chalicelib.domain.errors import TooManyRequests, Unauthorized
from chalicelib.domain.passwords import verify_password
from chalicelib.domain.staff import StaffUser
from chalicelib.domain.throttle import LOGIN_PER_ADDRESS, LOGIN_PER_EMAIL, ThrottlePolicy
from chalicelib.store import sessions, staff, throttle

SESSION_LIFETIME = timedelta(hours=12)
WRONG_CREDENTIALS = "wrong email or password"


class SessionExpired(Unauthorized):
    code = "session_expired"


def _throttle_keys(email: str, address: str, now: datetime) -> list[tuple[str, ThrottlePolicy]]:
    return [
        (f"login:email:{email}:{LOGIN_PER_EMAIL.window(now)}", LOGIN_PER_EMAIL),
        (f"login:addr:{address}:{LOGIN_PER_ADDRESS.window(now)}", LOGIN_PER_ADDRESS),
    ]


def sign_in(email: str, password: str, address: str, now: datetime) -> tuple[StaffUser, str]:
    """Returns the user and a new session id; raises Unauthorized or TooManyRequests."""
    email = (email or "").strip().lower()
    keys = _throttle_keys(email, address, now)
    for key, policy in keys:
        if policy.is_locked(throttle.read(key)):
            minutes = -(-policy.seconds_left(now) // 60)
            raise TooManyRequests(
                f"too many failed sign-ins: try again in {minutes} minutes",
                retry_after=policy.seconds_left(now),
            )
    user = staff.find_by_email(email) if email else None
    valid = verify_password(user.password_hash if user else None, password or "")
    if not valid or user is None or not user.active:
        for key, policy in keys:
            throttle.increment(key, policy.window_end(now))
        raise Unauthorized(WRONG_CREDENTIALS)
    # The user id travels in the (signed) session id so a page reads session and user in one request.
    session_id = f"{user.id}.{secrets.token_urlsafe(32)}"
    sessions.create(session_id, user.id, now, now + SESSION_LIFETIME)
    return user, session_id


def current_user(session_id: str, now: datetime) -> StaffUser:
    user_id, dot, _random = session_id.partition(".")
    if not dot or not user_id:
        raise SessionExpired("please sign in")
    found, user = sessions.get_with_user(session_id, user_id)
    if found is None or user is None or found[0] != user_id:
        raise SessionExpired("please sign in")
    _user_id, _created, expires_at = found
    if expires_at <= now:
        sessions.delete(session_id)
        raise SessionExpired("your session has expired: please sign in again")
    if not user.active:
        raise SessionExpired("this account has been deactivated")
    return user


def sign_out(session_id: str) -> None:
    sessions.delete(session_id)
