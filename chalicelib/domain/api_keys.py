"""API keys: token format and checking. The token is shown once; only its hash is kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.errors import Forbidden, Unauthorized
from chalicelib.domain.roles import ApiScope

PREFIX = "crm"


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    secret_hash: str
    scopes: frozenset[ApiScope]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def hash_secret(secret: str) -> str:
    # The secret has 256 random bits: a fast hash is enough, unlike a password.
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token(key_id: str) -> tuple[str, str]:
    """(token to show once, hash to store)."""
    secret = secrets.token_urlsafe(32)
    return f"{PREFIX}_{key_id}_{secret}", hash_secret(secret)


def split_token(token: str) -> tuple[str, str]:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        raise Unauthorized("the API key is malformed: expected crm_<id>_<secret>")
    return parts[1], parts[2]


def check(key: ApiKey, secret: str, scope: ApiScope | None) -> None:
    if not hmac.compare_digest(key.secret_hash, hash_secret(secret)):
        raise Unauthorized("the API key is not valid")
    if key.revoked:
        raise Unauthorized("the API key has been revoked")
    if scope is not None and scope not in key.scopes:
        raise Forbidden(f"the API key lacks the scope {scope.value}")
