"""Customer link rules: token entropy, hash-only storage key, expiry defaults, states, redaction."""

import base64
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import links as rules
from chalicelib.domain.links import (
    DEFAULT_EXPIRY,
    Link,
    LinkExpired,
    LinkRevoked,
    LinkUnknown,
    LinkWrongScope,
    Scope,
)
from chalicelib.domain.portal_labels import _TABLE, from_accept_language, labels, status_label

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def _link(token: str, scope: Scope = Scope.CARD_UPDATE, **changes: object) -> Link:
    link = Link(
        token_hash=rules.hash_token(token),
        scope=scope,
        customer_id="c1",
        subject_type="customer",
        subject_id="c1",
        created_at=NOW,
        expires_at=NOW + timedelta(days=14),
        created_by="u1",
    )
    return replace(link, **changes)  # type: ignore[arg-type]


def test_a_token_carries_256_random_bits_in_a_url_safe_form() -> None:
    tokens = {rules.new_token()[0] for _ in range(200)}
    assert len(tokens) == 200
    for token in list(tokens)[:20]:
        assert len(token) == 43 and rules.well_formed(token)
        raw = base64.urlsafe_b64decode(token + "=")
        assert len(raw) * 8 == 256 >= 128


def test_only_the_sha256_of_the_token_is_the_stored_key() -> None:
    token, stored = rules.new_token()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored and len(stored) == 64


@pytest.mark.parametrize(
    ("scope", "days"),
    [(Scope.PORTAL, 30), (Scope.INVOICE_PAYMENT, 7), (Scope.CARD_UPDATE, 14)],
)
def test_default_expiries(scope: Scope, days: int) -> None:
    assert DEFAULT_EXPIRY[scope] == timedelta(days=days)
    assert rules.expiry(scope, NOW) == NOW + timedelta(days=days)


def test_every_scope_has_an_expiry_a_subject_and_a_page_and_a_lifetime_can_be_chosen() -> None:
    assert set(DEFAULT_EXPIRY) == set(rules.SUBJECT_TYPE) == set(rules.PAGE) == set(Scope)
    assert rules.expiry(Scope.PORTAL, NOW, timedelta(hours=2)) == NOW + timedelta(hours=2)
    with pytest.raises(Exception, match="valid for some time"):
        rules.expiry(Scope.PORTAL, NOW, timedelta(0))


def test_states_revoked_wins_over_expired_and_expiry_is_exclusive() -> None:
    token = rules.new_token()[0]
    link = _link(token)
    assert link.state(NOW) == "active"
    assert link.state(link.expires_at - timedelta(seconds=1)) == "active"
    assert link.state(link.expires_at) == "expired"
    revoked = replace(link, revoked_at=NOW)
    assert revoked.state(NOW) == "revoked"
    assert revoked.state(link.expires_at + timedelta(days=1)) == "revoked"


def test_check_names_why_a_link_does_not_open() -> None:
    token = rules.new_token()[0]
    link = _link(token)
    assert rules.check(link, token, [Scope.CARD_UPDATE], NOW) == link
    with pytest.raises(LinkUnknown):
        rules.check(None, token, [Scope.CARD_UPDATE], NOW)
    with pytest.raises(LinkUnknown):
        rules.check(link, rules.new_token()[0], [Scope.CARD_UPDATE], NOW)  # another token's record
    with pytest.raises(LinkWrongScope) as wrong:
        rules.check(link, token, [Scope.INVOICE_PAYMENT], NOW)
    assert wrong.value.status == 404
    with pytest.raises(LinkExpired) as expired:
        rules.check(link, token, [Scope.CARD_UPDATE], link.expires_at)
    assert expired.value.status == 410 and expired.value.link == link
    with pytest.raises(LinkRevoked) as revoked:
        rules.check(replace(link, revoked_at=NOW), token, [Scope.CARD_UPDATE], NOW)
    assert revoked.value.status == 410


def test_the_hash_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return a == b

    monkeypatch.setattr(rules.hmac, "compare_digest", spy)
    token = rules.new_token()[0]
    rules.check(_link(token), token, [Scope.CARD_UPDATE], NOW)
    assert calls == [(rules.hash_token(token), rules.hash_token(token))]


def test_last_use_is_written_at_most_once_a_minute() -> None:
    link = _link(rules.new_token()[0])
    assert link.needs_touch(NOW)
    used = replace(link, last_used_at=NOW)
    assert not used.needs_touch(NOW + timedelta(seconds=59))
    assert used.needs_touch(NOW + timedelta(seconds=60))


def test_malformed_tokens_are_refused_without_a_lookup() -> None:
    token = rules.new_token()[0]
    for bad in ("", "short", token + "x", token[:-1] + "/", token[:-1] + "=", " " + token[1:]):
        assert not rules.well_formed(bad), bad


def test_portal_paths_are_redacted_for_logs() -> None:
    token = rules.new_token()[0]
    line = f'"GET /portal/{token}/card?x=1 HTTP/1.1" 200 and /portal/{token}'
    redacted = rules.redact(line)
    assert token not in redacted
    assert redacted == '"GET /portal/[token]/card?x=1 HTTP/1.1" 200 and /portal/[token]'
    assert rules.path(Scope.INVOICE_PAYMENT, token) == f"/portal/{token}/pay"


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("jane.doe@example.com", "j•••@e•••.com"),
        ("a@b.co.uk", "a•••@b•••.uk"),
        ("x@localhost", "x•••@l•••"),
        ("nonsense", "•••"),
        ("", "•••"),
    ],
)
def test_the_address_on_file_is_shown_masked(email: str, masked: str) -> None:
    assert rules.mask_email(email) == masked


def test_the_customer_actor_names_the_customer() -> None:
    actor = rules.customer_actor("c9")
    assert (actor.id, actor.label) == ("customer:c9", "customer via link")


def test_portal_words_exist_in_every_language_and_fall_back_to_english() -> None:
    for name, words in _TABLE.items():
        assert len(words) == 5 and all(w.strip() for w in words), name
        placeholders = [sorted(p.split("}")[0] for p in w.split("{")[1:]) for w in words]
        assert all(p == placeholders[0] for p in placeholders), name  # same {fields} in each language
    assert labels("sk")["card_title"] == "Platobná karta"
    assert labels("de")["card_title"] == labels("en")["card_title"] == "Payment card"
    assert status_label("part paid", "fr") == "payée en partie"
    assert from_accept_language("de-DE,fr;q=0.8,en;q=0.5") == "fr"
    assert from_accept_language(None) == "en"
