"""Invitations: a signed, expiring, single-use link that lets new staff choose a password."""

from __future__ import annotations

from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Unauthorized
from chalicelib.domain.staff import StaffUser
from chalicelib.services import manage_staff
from chalicelib.store import staff

INVITATION_MAX_AGE = 72 * 3600
_SALT = "staff-invitation"


def invitation_token(secret_key: str, user: StaffUser) -> str:
    # The password version makes the token single-use: setting a password bumps it.
    return URLSafeTimedSerializer(secret_key, salt=_SALT).dumps([user.id, user.password_version])


def read_invitation(secret_key: str, token: str) -> StaffUser:
    try:
        user_id, version = URLSafeTimedSerializer(secret_key, salt=_SALT).loads(
            token, max_age=INVITATION_MAX_AGE
        )
    except SignatureExpired:
        raise Unauthorized("this invitation has expired: ask an admin for a new one") from None
    except (BadSignature, ValueError, TypeError):
        raise Unauthorized("this invitation link is not valid") from None
    user = staff.get(str(user_id))
    if user.password_version != version or not user.active:
        raise Unauthorized("this invitation has been used already")
    return user


def accept_invitation(secret_key: str, token: str, password: str, now: datetime) -> StaffUser:
    user = read_invitation(secret_key, token)
    return manage_staff.set_password(user.id, password, actor=Actor(user.id, user.email), now=now)
