"""API keys for integrations: only a hash of the secret is stored."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.api_keys import ApiKey
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.roles import ApiScope
from chalicelib.store import audit
from chalicelib.store.base import transaction
from chalicelib.store.models import ApiKeyModel


def _key(item: ApiKeyModel) -> ApiKey:
    return ApiKey(
        id=item.id,
        name=item.name,
        secret_hash=item.secret_hash,
        scopes=frozenset(ApiScope(s) for s in item.scopes),
        created_by=item.created_by,
        created_at=item.created_at,
        revoked_at=item.revoked_at,
        last_used_at=item.last_used_at,
    )


def create(key: ApiKey, entry: AuditEntry) -> None:
    item = ApiKeyModel(
        id=key.id,
        name=key.name,
        secret_hash=key.secret_hash,
        scopes={s.value for s in key.scopes},
        created_by=key.created_by,
        created_at=key.created_at,
    )
    with transaction() as t:
        t.save(item, condition=ApiKeyModel.id.does_not_exist())
        t.save(audit.to_item(entry))


def get(key_id: str) -> ApiKey:
    try:
        return _key(ApiKeyModel.get(key_id))
    except DoesNotExist:
        raise NotFound(f"no API key {key_id}") from None


def list_all() -> list[ApiKey]:
    # A handful of integration keys: a scan is the complete, cheap listing.
    return sorted((_key(i) for i in ApiKeyModel.scan()), key=lambda k: k.created_at, reverse=True)


def revoke(key_id: str, at: datetime, entry: AuditEntry) -> None:
    with transaction() as t:
        t.update(
            ApiKeyModel(id=key_id),
            actions=[ApiKeyModel.revoked_at.set(at)],
            condition=ApiKeyModel.id.exists(),
        )
        t.save(audit.to_item(entry))


def touch(key_id: str, at: datetime) -> None:
    """Last use, for staff to see stale keys. Not audited: it is not a change of the key."""
    ApiKeyModel(id=key_id).update(actions=[ApiKeyModel.last_used_at.set(at)])
