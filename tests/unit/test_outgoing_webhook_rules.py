"""Outgoing webhooks, the pure part: which audit entries become which events, the signature a receiver
can check with nothing but HMAC-SHA256, the retry schedule, and what staff may register."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import outgoing_webhooks as rules
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.outgoing_webhooks import Attempt

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
SECRET = "whsec_test_secret"


def _entry(entity: str, action: str, before=None, after=None, actor: str = "u1") -> AuditEntry:
    entity_type, _, entity_id = entity.partition("#")
    return AuditEntry(
        entity_type, entity_id, action, actor, NOW, before, after, key="2027-03-01T12:00:00.000000Z#ab"
    )


# Events of audit entries


@pytest.mark.parametrize(
    ("entity", "action", "before", "after", "expected"),
    [
        ("contract#c1", "contract.created", None, {"status": "draft"}, "contract.created"),
        ("contract#c2", "contract.split_off", None, {"status": "active"}, "contract.created"),
        ("contract#c1", "contract.activate", {"status": "draft"}, {"status": "active"}, "contract.activated"),
        ("contract#c1", "contract.suspend", {"status": "active"}, {}, "contract.suspended"),
        ("contract#c1", "contract.resume", {"status": "suspended"}, {}, "contract.resumed"),
        ("contract#c1", "contract.cancel", {"status": "active"}, {}, "contract.cancelled"),
        ("contract#c1", "contract.expire", {"status": "active"}, {}, "contract.expired"),
        ("contract#c1", "contract.renewed", {"status": "active"}, {}, "contract.renewed"),
        ("contract#c1", "contract.reminded", {"status": "active"}, {}, "contract.renewal_reminder"),
        ("contract#c1", "contract.billed", {"status": "active"}, {}, "contract.billed"),
        ("contract#c1", "contract.price", {"status": "active"}, {}, "contract.updated"),
        ("contract#c1", "contract.lines_moved_out", {"status": "active"}, {}, "contract.updated"),
        ("invoice#i1", "invoice.issued", None, {"kind": "invoice"}, "invoice.issued"),
        ("invoice#i1", "credit_note.issued", None, {"kind": "credit_note"}, "credit_note.issued"),
        ("invoice#i1", "proforma.issued", None, {"kind": "proforma"}, "proforma.issued"),
        ("invoice#i1", "invoice.paid", {"open_minor": 100}, {"open_minor": 0}, "invoice.paid"),
        ("invoice#i1", "invoice.paid", {"open_minor": 100}, {"open_minor": 40}, "invoice.partially_paid"),
        ("invoice#i1", "invoice.payment_reversed", {}, {"open_minor": 100}, "invoice.payment_reversed"),
        ("invoice#i1", "invoice.drafted", None, {}, None),
        ("invoice#i1", "invoice.draft_edited", {}, {}, None),
        ("invoice#i1", "invoice.draft_deleted", {}, None, None),
        ("payment#p1", "payment.recorded", None, {}, "payment.recorded"),
        ("payment#p1", "payment.bounced", {}, {}, "payment.bounced"),
        ("payment#p1", "payment.refunded", {}, {}, "payment.refunded"),
        ("payment#p1", "payment.disputed", {}, {}, "payment.disputed"),
        ("payment#p1", "payment.card", None, {"method": "card"}, "payment.recorded"),
        ("payment#p1", "payment.chargeback_won", {}, {}, "payment.chargeback_won"),  # unlisted: its own name
        ("invoice#i1", "invoice.card_declined", {}, {}, "invoice.payment_failed"),
        (
            "contract#c1",
            "contract.dunning",
            {"dunning": "ok"},
            {"dunning": "past_due"},
            "contract.dunning_changed",
        ),
        ("customer#k1", "contract.dunning", {}, {}, None),  # dunning of a customer without a contract
        ("customer#k1", "card.saved", None, {}, None),
        ("customer#k1", "customer.created", None, {}, None),
        ("staff#s1", "staff.created", None, {}, None),
        ("webhook_endpoint#w1", "webhook_endpoint.created", None, {}, None),
    ],
)
def test_audit_actions_map_to_public_event_types(entity, action, before, after, expected) -> None:
    assert rules.event_type_of(_entry(entity, action, before, after)) == expected


def test_an_event_carries_the_change_and_an_id_that_is_the_same_every_time_it_is_read() -> None:
    entry = _entry("contract#c1", "contract.suspend", {"status": "active"}, {"status": "suspended"}, "api:k1")
    event = rules.event_of(entry, {"customer_id": "cu1", "number": "C-1"})
    assert event is not None
    body = json.loads(event.body())
    assert body == {
        "id": event.id,
        "type": "contract.suspended",
        "created": int(NOW.timestamp()),
        "data": {
            "object": "contract",
            "id": "c1",
            "action": "contract.suspend",
            "source": "api",
            "before": {"status": "active"},
            "after": {"status": "suspended"},
            "customer_id": "cu1",
            "number": "C-1",
        },
    }
    assert rules.event_of(entry).id == event.id
    other = AuditEntry("contract", "c1", "contract.suspend", "u1", NOW, key="2027-03-01T12:00:00.000000Z#cd")
    assert rules.event_of(other).id != event.id
    assert rules.delivery_id("we_1", event.id) == rules.delivery_id("we_1", event.id)
    assert rules.delivery_id("we_1", event.id) != rules.delivery_id("we_2", event.id)


def test_each_invoice_of_a_billing_run_gets_its_own_issued_event() -> None:
    entry = _entry("contract#c1", "contract.billed", {"status": "active"}, {}, "job:run_billing")
    one = rules.issued_invoice_event(entry, {"id": "c1:2027-03-01", "number": "INV-1"})
    two = rules.issued_invoice_event(entry, {"id": "c1:2027-04-01", "number": "INV-2"})
    assert (one.type, one.data["object"], one.data["id"], one.data["source"]) == (
        "invoice.issued",
        "invoice",
        "c1:2027-03-01",
        "job",
    )
    assert one.id != two.id != rules.event_of(entry).id


@pytest.mark.parametrize(
    ("chosen", "event_type", "wanted"),
    [
        (("*",), "payment.refunded", True),
        (("invoice.paid",), "invoice.paid", True),
        (("invoice.paid",), "invoice.partially_paid", False),
        (("contract.*",), "contract.suspended", True),
        (("contract.*",), "invoice.issued", False),
        (("payment.recorded",), "webhook.test", True),  # a test event goes wherever staff send it
    ],
)
def test_an_endpoint_gets_only_the_types_it_chose(chosen, event_type, wanted) -> None:
    assert rules.subscribed(chosen, event_type) is wanted


# Signatures


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_with_the_secret() -> None:
    body = b'{"id":"evt_1","type":"invoice.paid"}'
    header = rules.signature_header((SECRET,), 1_800_000_000, body)
    # What the README tells receivers to do, with nothing but the standard library:
    parts = dict(p.split("=", 1) for p in header.split(","))
    expected = hmac.new(SECRET.encode(), b"1800000000." + body, hashlib.sha256).hexdigest()
    assert parts == {"t": "1800000000", "v1": expected}


def test_verify_accepts_the_right_signature_and_refuses_tampering_other_secrets_and_stale_ones() -> None:
    body = b'{"id":"evt_1"}'
    header = rules.signature_header((SECRET,), int(NOW.timestamp()), body)
    assert rules.verify(header, body, SECRET, NOW)
    assert rules.verify(header, body, SECRET, NOW + timedelta(minutes=4))
    assert not rules.verify(header, body + b" ", SECRET, NOW)
    assert not rules.verify(header, body, "whsec_other", NOW)
    assert not rules.verify(header, body, SECRET, NOW + timedelta(minutes=6))
    assert not rules.verify("v1=" + header.split("v1=")[1], body, SECRET, NOW)  # no timestamp
    assert not rules.verify("t=abc,v1=00", body, SECRET, NOW)


def test_during_a_rotation_both_secrets_sign_until_the_old_one_runs_out() -> None:
    endpoint = rules.Endpoint(
        "we_1",
        "https://x.example",
        "",
        ("*",),
        "whsec_new",
        True,
        NOW,
        NOW,
        2,
        "whsec_old",
        NOW + timedelta(hours=1),
    )
    assert endpoint.secrets_at(NOW) == ("whsec_new", "whsec_old")
    assert endpoint.secrets_at(NOW + timedelta(hours=1)) == ("whsec_new",)
    header = rules.signature_header(endpoint.secrets_at(NOW), int(NOW.timestamp()), b"{}")
    assert header.count("v1=") == 2
    assert rules.verify(header, b"{}", "whsec_old", NOW) and rules.verify(header, b"{}", "whsec_new", NOW)


# The retry schedule


def _failed(at: datetime, manual: bool = False) -> Attempt:
    return Attempt(at=at, status_code=500, excerpt="oops", manual=manual)


def test_failures_are_retried_after_1m_5m_30m_2h_8h_24h_then_the_delivery_has_failed() -> None:
    event = rules.ping_event("we_1", NOW)
    delivery = rules.new_delivery("we_1", event, NOW)
    assert (delivery.status, delivery.next_at, delivery.tries) == ("pending", NOW, 0)
    waits = []
    at = NOW
    for _ in range(6):
        delivery = rules.after_attempt(delivery, _failed(at))
        assert delivery.status == "pending"
        waits.append(delivery.next_at - at)
        at = delivery.next_at
    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=8),
        timedelta(hours=24),
    ]
    delivery = rules.after_attempt(delivery, _failed(at))
    assert (delivery.status, delivery.next_at, delivery.tries) == ("failed", None, 7)
    assert delivery.note == "failed after 7 attempts" and len(delivery.attempts) == 7


def test_a_2xx_delivers_and_anything_else_is_a_failure() -> None:
    delivery = rules.new_delivery("we_1", rules.ping_event("we_1", NOW), NOW)
    for code in (None, 199, 301, 404, 500):
        assert not Attempt(NOW, code).ok
    done = rules.after_attempt(delivery, Attempt(NOW, 204))
    assert (done.status, done.next_at, done.delivered_at) == ("delivered", None, NOW)
    assert Attempt(NOW, 302).outcome == "HTTP 302 (redirects are not followed)"


def test_a_manual_redelivery_that_fails_leaves_the_schedule_alone() -> None:
    delivery = rules.after_attempt(
        rules.new_delivery("we_1", rules.ping_event("we_1", NOW), NOW), _failed(NOW)
    )
    again = rules.after_attempt(delivery, _failed(NOW + timedelta(seconds=20), manual=True))
    assert (again.status, again.next_at, again.tries, len(again.attempts)) == (
        "pending",
        delivery.next_at,
        1,
        2,
    )
    failed = rules.after_attempt(
        rules.new_delivery("we_1", rules.ping_event("we_1", NOW), NOW, max_tries=1), _failed(NOW)
    )
    assert failed.status == "failed"  # a test event is tried once
    assert rules.after_attempt(failed, Attempt(NOW, 200, manual=True)).status == "delivered"


def test_the_log_keeps_the_latest_attempts() -> None:
    delivery = rules.new_delivery("we_1", rules.ping_event("we_1", NOW), NOW)
    for minute in range(30):
        delivery = rules.after_attempt(delivery, _failed(NOW + timedelta(minutes=minute), manual=True))
    assert len(delivery.attempts) == rules.MAX_LOGGED_ATTEMPTS
    assert delivery.attempts[-1].at == NOW + timedelta(minutes=29)


# What staff may register


@pytest.mark.parametrize(
    ("url", "allow_http", "message"),
    [
        ("", False, "url is required"),
        ("ftp://example.com/x", False, "must start with https://"),
        ("https://", False, "must start with https://"),
        ("http://example.com/hook", False, "must use https"),
        ("https://example.com/a b", False, "single URL"),
        ("https://example.com:99999/x", False, "not a valid URL"),
        ("https://example.com/x#frag", False, "fragment"),
        ("https://127.0.0.1/hook", False, "public address"),
        ("https://10.1.2.3/hook", False, "public address"),
        ("https://169.254.169.254/latest", False, "public address"),
        ("https://localhost:8443/hook", False, "public address"),
        ("https://[::1]/hook", False, "public address"),
    ],
)
def test_bad_urls_are_refused_naming_the_field(url: str, allow_http: bool, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as error:
        rules.check_url(url, allow_http=allow_http)
    assert error.value.field == "url"


def test_good_urls_pass_and_http_to_loopback_only_where_allowed() -> None:
    assert rules.check_url(" https://hooks.example.com/crm?x=1 ", allow_http=False) == (
        "https://hooks.example.com/crm?x=1"
    )
    assert rules.check_url("http://127.0.0.1:9000/hook", allow_http=True) == "http://127.0.0.1:9000/hook"


def test_event_types_are_checked_against_the_list() -> None:
    assert rules.parse_event_types(["invoice.paid", "contract.*", "invoice.paid"]) == (
        "contract.*",
        "invoice.paid",
    )
    assert rules.parse_event_types(["invoice.paid", "*"]) == ("*",)
    with pytest.raises(ValidationError, match="unknown event type 'invoice.exploded'") as error:
        rules.parse_event_types(["invoice.exploded"])
    assert error.value.field == "event_types"
    with pytest.raises(ValidationError, match="at least one"):
        rules.parse_event_types(["", " "])


def test_secrets_are_long_random_and_prefixed() -> None:
    one, two = rules.new_secret(), rules.new_secret()
    assert one.startswith("whsec_") and len(one) >= 40 and one != two


def test_the_readme_verification_code_accepts_our_signature_and_refuses_a_changed_body() -> None:
    import re
    import time
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Outgoing webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the README's own example
    body = b'{"id":"evt_1","type":"invoice.paid"}'
    header = rules.signature_header(("whsec_new", "whsec_old"), int(time.time()), body)
    assert namespace["verify"](header, body, "whsec_new") and namespace["verify"](header, body, "whsec_old")
    assert not namespace["verify"](header, body + b" ", "whsec_new")
    assert not namespace["verify"](header, body, "whsec_other")
    stale = rules.signature_header(("whsec_new",), int(time.time()) - 600, body)
    assert not namespace["verify"](stale, body, "whsec_new")
