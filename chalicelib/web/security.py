"""Signed cookies and CSRF tokens. The secret comes from Settings, passed in by the caller."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie

from itsdangerous import BadSignature, URLSafeSerializer

SESSION_COOKIE = "crm_session"
ANON_COOKIE = "crm_anon"  # binds the sign-in form's CSRF token before there is a session


def sign_session(secret: str, session_id: str) -> str:
    return URLSafeSerializer(secret, salt="session").dumps(session_id)


def unsign_session(secret: str, value: str) -> str | None:
    try:
        session_id = URLSafeSerializer(secret, salt="session").loads(value)
    except BadSignature:
        return None
    return session_id if isinstance(session_id, str) else None


def csrf_token(secret: str, binding: str) -> str:
    """A synchronizer token tied to the session (or the anonymous cookie on the sign-in form)."""
    return hmac.new(secret.encode(), f"csrf:{binding}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: str, binding: str | None, token: str | None) -> bool:
    if not binding or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, binding), token)


def new_anon_value() -> str:
    return secrets.token_urlsafe(24)


def read_cookies(header: str | None) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header or "")
    except Exception:  # a malformed Cookie header means no cookies, not a 500
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def cookie(name: str, value: str, *, secure: bool, max_age: int | None = None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def expired_cookie(name: str, *, secure: bool) -> str:
    return cookie(name, "", secure=secure, max_age=0)
