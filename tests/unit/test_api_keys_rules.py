from datetime import UTC, datetime

import pytest

from chalicelib.domain import api_keys
from chalicelib.domain.errors import Forbidden, Unauthorized
from chalicelib.domain.roles import ApiScope

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _key(secret_hash: str, revoked: bool = False) -> api_keys.ApiKey:
    return api_keys.ApiKey(
        id="k1",
        name="sync",
        secret_hash=secret_hash,
        scopes=frozenset({ApiScope.CUSTOMERS_READ}),
        created_by="u1",
        created_at=NOW,
        revoked_at=NOW if revoked else None,
    )


def test_token_checks_against_its_stored_hash_only() -> None:
    token, stored = api_keys.new_token("k1")
    key_id, secret = api_keys.split_token(token)
    assert key_id == "k1" and secret not in stored
    api_keys.check(_key(stored), secret, ApiScope.CUSTOMERS_READ)
    with pytest.raises(Unauthorized, match="not valid"):
        api_keys.check(_key(stored), secret + "x", ApiScope.CUSTOMERS_READ)


def test_revoked_key_and_missing_scope_are_refused_differently() -> None:
    token, stored = api_keys.new_token("k1")
    _, secret = api_keys.split_token(token)
    with pytest.raises(Unauthorized, match="revoked"):
        api_keys.check(_key(stored, revoked=True), secret, ApiScope.CUSTOMERS_READ)
    with pytest.raises(Forbidden, match="customers:write"):
        api_keys.check(_key(stored), secret, ApiScope.CUSTOMERS_WRITE)


@pytest.mark.parametrize("token", ["", "crm_", "crm_k1", "abc_k1_secret", "crm__secret"])
def test_malformed_tokens_are_unauthorized(token: str) -> None:
    with pytest.raises(Unauthorized, match="malformed"):
        api_keys.split_token(token)
