"""Customer links on DynamoDB Local: create, resolve, expire, revoke, last use, throttling, link URLs."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import links as rules
from chalicelib.domain.audit import SYSTEM, Actor
from chalicelib.domain.errors import NotFound, TooManyRequests, ValidationError
from chalicelib.domain.links import LinkExpired, LinkRevoked, LinkUnknown, LinkWrongScope, Scope
from chalicelib.services import link_mail, manage_links, payment_links
from chalicelib.store import audit, links, mail
from chalicelib.store.models_links import LinkModel
from tests.payment_helpers import store_document
from tests.service.conftest import NOW

STAFF = Actor("u1", "ann@example.com")


def _customer(name: str = "Acme", email: str = "billing@acme.example", locale: str = "en"):
    from chalicelib.services.manage_customers import create_customer

    data = {"name": name, "country": "SK", "currency": "EUR", "email": email, "locale": locale}
    return create_customer(data, actor=SYSTEM, now=NOW)


def _now() -> datetime:
    # Throttle counters expire by DynamoDB TTL, which DynamoDB Local applies by the real clock.
    return datetime.now(UTC)


def test_creating_a_link_stores_its_hash_never_the_token() -> None:
    customer = _customer()
    link, token = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=STAFF, now=NOW)
    [item] = list(LinkModel.scan())
    stored = item.serialize()
    assert item.token_hash == rules.hash_token(token) == link.token_hash
    assert token not in repr(stored)
    assert (item.scope, item.customer_id, item.subject_id) == ("card_update", customer.id, customer.id)
    assert item.expires_at == NOW + timedelta(days=14)
    assert item.purge_at > item.expires_at  # kept after expiry: the expiry page still knows it
    [entry] = audit.for_entity("link", link.id)
    assert (entry.action, entry.actor) == ("link.created", "u1")
    assert token not in repr(entry.after)


def test_the_configured_days_of_a_scope_apply_to_every_link_made_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib import bootstrap

    monkeypatch.setenv("CRM_LINK_DAYS_CARD_UPDATE", "3")
    bootstrap.settings.cache_clear()
    customer = _customer()
    url = payment_links.card_update_url(customer.id, now=NOW, actor=STAFF)  # the dunning emails' links
    token = re.search(r"/portal/([A-Za-z0-9_-]{43})/card", url)
    assert token and links.get(rules.hash_token(token.group(1))).expires_at == NOW + timedelta(days=3)
    made, _token = manage_links.create_link(
        Scope.PORTAL, customer.id, customer_id=customer.id, actor=STAFF, now=NOW
    )
    assert made.expires_at == NOW + timedelta(days=30)  # other scopes keep their default
    monkeypatch.delenv("CRM_LINK_DAYS_CARD_UPDATE")
    bootstrap.settings.cache_clear()


def test_resolve_opens_an_active_link_for_its_scopes_only() -> None:
    customer = _customer()
    link, token = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=STAFF, now=NOW)
    assert (
        manage_links.resolve(token, (Scope.CARD_UPDATE, Scope.PORTAL), now=NOW).token_hash == link.token_hash
    )
    with pytest.raises(LinkWrongScope):
        manage_links.resolve(token, Scope.INVOICE_PAYMENT, now=NOW)
    with pytest.raises(LinkUnknown):
        manage_links.resolve(rules.new_token()[0], Scope.CARD_UPDATE, now=NOW)
    with pytest.raises(LinkUnknown):
        manage_links.resolve("not-a-token", Scope.CARD_UPDATE, now=NOW)


def test_an_expired_link_says_so_and_still_names_its_customer() -> None:
    customer = _customer()
    link, token = manage_links.customer_link(
        Scope.INVOICE_PAYMENT, customer.id, actor=STAFF, now=NOW - timedelta(days=8)
    )
    assert link.expires_at == NOW - timedelta(days=1)
    with pytest.raises(LinkExpired) as expired:
        manage_links.resolve(token, Scope.INVOICE_PAYMENT, now=NOW)
    assert expired.value.link is not None and expired.value.link.customer_id == customer.id
    assert (
        manage_links.resolve(token, Scope.INVOICE_PAYMENT, now=NOW - timedelta(days=2)).scope
        == Scope.INVOICE_PAYMENT
    )


def test_revoking_withdraws_the_link_once_and_is_audited() -> None:
    customer, other = _customer(), _customer("Other Ltd", "x@other.example")
    link, token = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=STAFF, now=NOW)
    with pytest.raises(NotFound):
        manage_links.revoke_link(link.token_hash, customer_id=other.id, actor=STAFF, now=NOW)
    manage_links.resolve(token, Scope.CARD_UPDATE, now=NOW)  # still open: the wrong customer changed nothing
    revoked = manage_links.revoke_link(link.token_hash, customer_id=customer.id, actor=STAFF, now=NOW)
    assert revoked.revoked_at == NOW
    again = manage_links.revoke_link(
        link.token_hash, customer_id=customer.id, actor=STAFF, now=NOW + timedelta(hours=1)
    )
    assert again.revoked_at == NOW
    with pytest.raises(LinkRevoked):
        manage_links.resolve(token, Scope.CARD_UPDATE, now=NOW)
    actions = [e.action for e in audit.for_entity("link", link.id)]
    assert sorted(actions) == ["link.created", "link.revoked"]
    with pytest.raises(NotFound):
        manage_links.revoke_link("0" * 64, customer_id=customer.id, actor=STAFF, now=NOW)


def test_last_use_is_recorded_at_most_once_a_minute() -> None:
    customer = _customer()
    link, token = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=STAFF, now=NOW)
    assert links.get(link.token_hash).last_used_at is None
    manage_links.resolve(token, Scope.CARD_UPDATE, now=NOW + timedelta(seconds=5))
    assert links.get(link.token_hash).last_used_at == NOW + timedelta(seconds=5)
    manage_links.resolve(token, Scope.CARD_UPDATE, now=NOW + timedelta(seconds=50))
    assert links.get(link.token_hash).last_used_at == NOW + timedelta(seconds=5)  # no write within the minute
    manage_links.resolve(token, Scope.CARD_UPDATE, now=NOW + timedelta(seconds=70))
    assert links.get(link.token_hash).last_used_at == NOW + timedelta(seconds=70)


def test_a_customers_links_are_listed_newest_first_and_only_theirs() -> None:
    customer, other = _customer(), _customer("Other Ltd", "x@other.example")
    first, _ = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=STAFF, now=NOW)
    second, _ = manage_links.customer_link(
        Scope.PORTAL, customer.id, actor=STAFF, now=NOW + timedelta(minutes=1)
    )
    manage_links.customer_link(Scope.CARD_UPDATE, other.id, actor=STAFF, now=NOW)
    assert [link.token_hash for link in manage_links.of_customer(customer.id)] == [
        second.token_hash,
        first.token_hash,
    ]


def test_unknown_tokens_from_one_address_are_throttled_even_before_a_valid_one() -> None:
    now = _now()
    customer = _customer()
    _link, token = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=STAFF, now=now)
    policy = rules.BAD_TOKENS_PER_ADDRESS
    for _ in range(policy.max_failures):
        with pytest.raises(LinkUnknown):
            manage_links.resolve(rules.new_token()[0], Scope.CARD_UPDATE, now=now, address="198.51.100.7")
    with pytest.raises(TooManyRequests) as locked:
        manage_links.resolve(token, Scope.CARD_UPDATE, now=now, address="198.51.100.7")
    assert 0 < locked.value.retry_after <= policy.window_seconds
    # Another address, and expired or wrong-scope links (real tokens), are not affected.
    assert (
        manage_links.resolve(token, Scope.CARD_UPDATE, now=now, address="203.0.113.9").customer_id
        == customer.id
    )


def test_real_tokens_on_the_wrong_page_do_not_count_as_guesses() -> None:
    now = _now()
    customer = _customer()
    _link, token = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=STAFF, now=now)
    for _ in range(rules.BAD_TOKENS_PER_ADDRESS.max_failures + 2):
        with pytest.raises(LinkWrongScope):
            manage_links.resolve(token, Scope.INVOICE_PAYMENT, now=now, address="198.51.100.8")
    assert manage_links.resolve(token, Scope.CARD_UPDATE, now=now, address="198.51.100.8")


def test_pay_url_links_one_issued_invoice_of_its_customer() -> None:
    customer = _customer()
    invoice = store_document(customer.id, total=4200)
    url = payment_links.pay_url(invoice.id, now=NOW, actor=SYSTEM)
    found = re.fullmatch(r"http://testserver/portal/([A-Za-z0-9_-]{43})/pay", url)
    assert found, url
    token = found.group(1)
    link = manage_links.resolve(token, Scope.INVOICE_PAYMENT, now=NOW)
    assert (link.subject_type, link.subject_id, link.customer_id) == ("invoice", invoice.id, customer.id)
    assert link.expires_at == NOW + timedelta(days=7)
    draft = store_document(customer.id, status="draft")
    with pytest.raises(ValidationError):
        payment_links.pay_url(draft.id, now=NOW, actor=SYSTEM)
    with pytest.raises(NotFound):
        payment_links.pay_url("nope", now=NOW, actor=SYSTEM)


def test_card_update_url_is_a_card_link_of_the_customer() -> None:
    customer = _customer()
    url = payment_links.card_update_url(customer.id, now=NOW, actor=SYSTEM)
    assert url.startswith("http://testserver/portal/") and url.endswith("/card")
    token = url.split("/")[-2]
    link = manage_links.resolve(token, Scope.CARD_UPDATE, now=NOW)
    assert (link.customer_id, link.expires_at) == (customer.id, NOW + timedelta(days=14))
    with pytest.raises(NotFound):
        payment_links.card_update_url("nope", now=NOW, actor=SYSTEM)


def test_a_fresh_link_goes_to_the_address_on_file_a_few_times_an_hour_at_most() -> None:
    now = _now()
    customer = _customer(locale="sk")
    old, _ = manage_links.customer_link(
        Scope.CARD_UPDATE, customer.id, actor=STAFF, now=now - timedelta(days=20)
    )
    masked = link_mail.send_fresh_link(old, now=now)
    assert masked == "b•••@a•••.example"
    [message] = mail.recent()
    assert message.to == "billing@acme.example"
    assert "Váš nový odkaz" in message.subject  # in the customer's language
    token = message.text.split("http://testserver/portal/")[1].split("/")[0]
    fresh = manage_links.resolve(token, Scope.CARD_UPDATE, now=now)
    assert (fresh.customer_id, fresh.created_by) == (customer.id, f"customer:{customer.id}")
    for _ in range(rules.RENEWALS_PER_LINK.max_failures - 1):
        link_mail.send_fresh_link(old, now=now)
    with pytest.raises(TooManyRequests):
        link_mail.send_fresh_link(old, now=now)
    assert len(mail.recent()) == rules.RENEWALS_PER_LINK.max_failures


def test_no_fresh_link_for_a_revoked_or_still_active_link_or_without_an_address() -> None:
    customer = _customer()
    active, _ = manage_links.customer_link(Scope.CARD_UPDATE, customer.id, actor=STAFF, now=NOW)
    with pytest.raises(Exception, match="still works"):
        link_mail.send_fresh_link(active, now=NOW)
    revoked = manage_links.revoke_link(active.token_hash, customer_id=customer.id, actor=STAFF, now=NOW)
    with pytest.raises(LinkRevoked):
        link_mail.send_fresh_link(revoked, now=NOW + timedelta(days=30))
    silent = _customer("Quiet Ltd", email="")
    old, _ = manage_links.customer_link(
        Scope.CARD_UPDATE, silent.id, actor=STAFF, now=NOW - timedelta(days=20)
    )
    with pytest.raises(ValidationError) as no_email:
        link_mail.send_fresh_link(old, now=NOW)
    assert no_email.value.field == link_mail.NO_EMAIL
    assert mail.recent() == []


def test_staff_send_a_card_update_link_to_the_customers_address() -> None:
    customer = _customer()
    link = link_mail.send_card_update_link(customer.id, actor=STAFF, now=NOW)
    [message] = mail.recent()
    assert message.to == customer.email
    assert link.scope == Scope.CARD_UPDATE
    assert "/card" in message.text and "Save your payment card" in message.subject
    silent = _customer("Quiet Ltd", email="")
    with pytest.raises(ValidationError, match="no email address"):
        link_mail.send_card_update_link(silent.id, actor=STAFF, now=NOW)
