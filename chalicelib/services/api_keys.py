"""Issuing, revoking and checking API keys for integrations."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain import api_keys as rules
from chalicelib.domain.api_keys import ApiKey
from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import NotFound, Unauthorized, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.roles import ApiScope
from chalicelib.store import api_keys


def issue_key(name: str, scopes: list[str], *, actor: Actor, now: datetime) -> tuple[ApiKey, str]:
    """Returns the key and its token: the token is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("name is required", field="name")
    key_id = new_id()
    token, secret_hash = rules.new_token(key_id)
    key = ApiKey(
        id=key_id,
        name=name[:100],
        secret_hash=secret_hash,
        scopes=ApiScope.parse_many(scopes),
        created_by=actor.id,
        created_at=now,
    )
    shown = {"name": key.name, "scopes": sorted(s.value for s in key.scopes)}
    api_keys.create(key, actor.entry("api_key", key_id, "api_key.created", now, after=shown))
    return key, token


def revoke_key(key_id: str, *, actor: Actor, now: datetime) -> ApiKey:
    key = api_keys.get(key_id)
    if key.revoked:
        return key
    entry = actor.entry("api_key", key_id, "api_key.revoked", now, {"revoked": False}, {"revoked": True})
    api_keys.revoke(key_id, now, entry)
    return replace(key, revoked_at=now)


def authenticate(authorization: str | None, scope: ApiScope | None, now: datetime) -> ApiKey:
    """Checks an `Authorization: Bearer <token>` header, and the scope a route needs if any."""
    if not authorization:
        raise Unauthorized("an API key is required: send Authorization: Bearer <key>")
    kind, _, token = authorization.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be: Bearer <key>")
    key_id, secret = rules.split_token(token.strip())
    try:
        key = api_keys.get(key_id)
    except NotFound:
        raise Unauthorized("the API key is not valid") from None
    rules.check(key, secret, scope)
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 3600:
        api_keys.touch(key_id, now)  # at most hourly: keeps a hot key from costing a write per call
    return key
