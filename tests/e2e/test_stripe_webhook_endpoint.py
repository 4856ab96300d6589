"""POST /webhooks/stripe: signature over the raw body, every event stored once by id, replays and
concurrent deliveries change nothing, a failing handler gets a 500 and a later delivery processes the
event; the admin event log; and real signed deliveries from localstripe.

Events are hand-written in the current API shape and signed with Stripe's algorithm (HMAC-SHA256 of
"<t>.<body>" with the endpoint secret, header "t=<t>,v1=<hex>"), written out here rather than taken
from the stripe library the endpoint verifies with.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from chalicelib.domain.errors import NotFound
from chalicelib.domain.stripe_event_log import Status, new_event
from chalicelib.store import stripe_events as store
from tests.browser_client import Browser

SECRET = "whsec_test_" + "0123456789abcdef" * 2
URL = "/webhooks/stripe"
# Tests whose events reach the real handlers after the part under test use a type no handler knows:
# they then only rely on unknown types being "ignored".
UNHANDLED = "crm.test.never_handled"


def payment_intent_event(
    event_type: str = "payment_intent.succeeded", *, event_id: str = "", note: str = "", created: int = 0
) -> dict[str, Any]:
    """An event as Stripe's current API sends it, its data.object a PaymentIntent."""
    created = created or int(time.time())
    intent = "pi_3Q" + secrets.token_hex(8)
    return {
        "id": event_id or "evt_3Q" + secrets.token_hex(10),
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": created,
        "data": {
            "object": {
                "id": intent,
                "object": "payment_intent",
                "amount": 12900,
                "amount_capturable": 0,
                "amount_received": 12900,
                "capture_method": "automatic_async",
                "confirmation_method": "automatic",
                "created": created - 2,
                "currency": "eur",
                "customer": "cus_Qx" + secrets.token_hex(6),
                "description": None,
                "last_payment_error": None,
                "latest_charge": "ch_3Q" + secrets.token_hex(8),
                "livemode": False,
                "metadata": {"crm_invoice": "inv-test", "crm_attempt": "inv-test#1", "note": note},
                "off_session": True,
                "payment_method": "pm_1Q" + secrets.token_hex(8),
                "payment_method_types": ["card"],
                "status": "succeeded",
            }
        },
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": "inv-test#1"},
        "type": event_type,
    }


def signature(body: bytes, secret: str = SECRET, at: int | None = None) -> str:
    timestamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def body_of(event: dict[str, Any]) -> bytes:
    return json.dumps(event, indent=2).encode()  # Stripe's own bodies are indented too


@pytest.fixture
def webhook_secret(store: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    from chalicelib import bootstrap

    monkeypatch.setenv("CRM_STRIPE_WEBHOOK_SECRET", SECRET)
    bootstrap.reset()
    return SECRET


@pytest.fixture
def deliver(app_client: Any, webhook_secret: str) -> Callable[..., Any]:
    def post(
        event: dict[str, Any] | bytes, *, header: str | None = "sign", client: Any = None, **sign: Any
    ) -> Any:
        body = event if isinstance(event, bytes) else body_of(event)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if header == "sign":
            header = signature(body, **sign)
        if header is not None:
            headers["Stripe-Signature"] = header
        return (client or app_client).http.post(URL, body=body, headers=headers)

    return post


@pytest.fixture
def handler_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the calls of the real handlers (services.stripe_events.handle); each still runs."""
    from chalicelib.services import stripe_events

    calls: list[str] = []
    real = stripe_events.handle

    def counting(event: dict[str, Any], *, now: datetime) -> str:
        calls.append(event["id"])
        return real(event, now=now)

    monkeypatch.setattr(stripe_events, "handle", counting)
    return calls


def reply(response: Any) -> dict[str, Any]:
    assert "application/json" in response.headers["Content-Type"]
    return json.loads(response.body)


def nothing_stored(event_id: str) -> bool:
    with pytest.raises(NotFound):
        store.get(event_id)
    return store.recent() == []


# The endpoint


def test_a_signed_event_is_stored_once_with_what_identifies_it(deliver, handler_calls) -> None:
    event = payment_intent_event()
    response = deliver(event)
    assert response.status_code == 200, response.body
    answer = reply(response)
    assert answer["event"] == event["id"] and answer["status"] in ("processed", "ignored")
    stored = store.get(event["id"])
    intent = event["data"]["object"]
    assert stored.status.value == answer["status"] and stored.attempts == 1
    assert (stored.type, stored.object_id, stored.stripe_customer_id) == (
        "payment_intent.succeeded",
        intent["id"],
        intent["customer"],
    )
    assert stored.created == datetime.fromtimestamp(event["created"], UTC) and stored.livemode is False
    assert abs(stored.received_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert stored.payload == event and not stored.payload_truncated
    assert stored.outcome and stored.claim == "" and stored.finished_at is not None
    assert handler_calls == [event["id"]]
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the security headers, as everywhere


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unsigned", "missing_signature"),
        ("wrong secret", "invalid_signature"),
        ("stale", "invalid_signature"),
        ("tampered body", "invalid_signature"),
        ("unreadable header", "invalid_signature"),
        ("signature of another scheme", "invalid_signature"),
        ("not JSON", "invalid_event"),
        ("not an object", "invalid_event"),
        ("no id", "invalid_event"),
        ("not UTF-8", "invalid_body"),
    ],
)
def test_a_request_stripe_did_not_sign_or_that_is_no_event_gets_400_and_changes_nothing(
    deliver, handler_calls, case: str, code: str
) -> None:
    event = payment_intent_event()
    body = body_of(event)
    now = int(time.time())
    sent = {
        "unsigned": lambda: deliver(body, header=None),
        "wrong secret": lambda: deliver(body, secret="whsec_someone_else"),
        "stale": lambda: deliver(body, at=now - 301),
        "tampered body": lambda: deliver(body.replace(b"12900", b"1"), header=signature(body)),
        "unreadable header": lambda: deliver(body, header="garbage"),
        "signature of another scheme": lambda: deliver(body, header=signature(body).replace("v1=", "v0=")),
        "not JSON": lambda: deliver(b"{not json"),
        "not an object": lambda: deliver(b'["evt_1"]'),
        "no id": lambda: deliver(body_of({k: v for k, v in event.items() if k != "id"})),
        "not UTF-8": lambda: deliver(b'{"id": "evt_\xff"}'),
    }[case]
    response = sent()
    assert response.status_code == 400, response.body
    error = reply(response)["error"]
    assert error["code"] == code and error["message"]
    assert nothing_stored(event["id"]) and handler_calls == []


def test_the_messages_say_what_is_wrong(deliver) -> None:
    body = body_of(payment_intent_event())
    assert "missing" in reply(deliver(body, header=None))["error"]["message"]
    assert "300 s old" in reply(deliver(body, at=int(time.time()) - 600))["error"]["message"]
    assert "does not match" in reply(deliver(body, secret="whsec_x"))["error"]["message"]


def test_without_a_configured_secret_no_event_is_accepted(
    app_client, store, monkeypatch, handler_calls
) -> None:
    from chalicelib import bootstrap

    monkeypatch.setenv("CRM_STRIPE_WEBHOOK_SECRET", "")
    bootstrap.reset()
    event = payment_intent_event()
    body = body_of(event)
    for header in (signature(body, secret=""), signature(body, secret=SECRET)):
        response = app_client.http.post(
            URL, body=body, headers={"Content-Type": "application/json", "Stripe-Signature": header}
        )
        assert response.status_code == 400
        error = reply(response)["error"]
        assert error["code"] == "webhook_not_configured" and "CRM_STRIPE_WEBHOOK_SECRET" in error["message"]
    assert nothing_stored(event["id"]) and handler_calls == []


def test_a_replayed_event_is_a_no_op_even_signed_anew(deliver, handler_calls) -> None:
    event = payment_intent_event()
    first = deliver(event)
    assert first.status_code == 200
    stored = store.get(event["id"])
    for at in (None, int(time.time()) - 100):  # Stripe signs each retry with its own timestamp
        again = deliver(event, at=at)
        assert again.status_code == 200 and reply(again) == {"status": "duplicate", "event": event["id"]}
    assert handler_calls == [event["id"]]
    assert store.get(event["id"]) == stored


def test_an_event_type_nobody_handles_is_stored_as_ignored(deliver) -> None:
    event = payment_intent_event(UNHANDLED)
    response = deliver(event)
    assert response.status_code == 200 and reply(response)["status"] == "ignored"
    stored = store.get(event["id"])
    assert stored.status is Status.IGNORED and stored.outcome.startswith("ignored")
    assert [e.id for e in store.recent(status=Status.IGNORED)] == [event["id"]]


@pytest.fixture
def failing_once(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The handlers raise on their first call (a transient failure), then run for real."""
    from chalicelib.services import stripe_events

    calls: list[str] = []
    real = stripe_events.handle

    def flaky(event: dict[str, Any], *, now: datetime) -> str:
        calls.append(event["id"])
        if len(calls) == 1:
            raise RuntimeError("the invoices table did not answer")
        return real(event, now=now)

    monkeypatch.setattr(stripe_events, "handle", flaky)
    return calls


def test_a_failing_handler_gets_500_and_the_next_delivery_processes_the_event(deliver, failing_once) -> None:
    event = payment_intent_event(UNHANDLED)
    response = deliver(event)
    assert response.status_code == 500
    assert reply(response)["error"]["code"] == "event_failed"
    assert "RuntimeError" not in response.body.decode()  # the details stay in the log and the event record
    failed = store.get(event["id"])
    assert failed.status is Status.FAILED and failed.attempts == 1
    assert failed.outcome == "failed: RuntimeError: the invoices table did not answer"
    assert [e.id for e in store.recent(status=Status.FAILED)] == [event["id"]]

    again = deliver(event)  # Stripe sends it again
    assert again.status_code == 200 and reply(again)["status"] in ("processed", "ignored")
    done = store.get(event["id"])
    assert done.done and done.attempts == 2 and not done.outcome.startswith("failed")
    assert failing_once == [event["id"], event["id"]]
    assert store.recent(status=Status.FAILED) == []
    assert reply(deliver(event))["status"] == "duplicate" and len(failing_once) == 2


def test_a_delivery_while_another_one_processes_the_event_changes_nothing(
    deliver, app_client, monkeypatch
) -> None:
    from chalicelib.services import stripe_events

    event = payment_intent_event()
    calls: list[str] = []
    inner: list[Any] = []

    def slow(got: dict[str, Any], *, now: datetime) -> str:
        calls.append(got["id"])
        if len(calls) == 1:  # Stripe's retry arrives while this first delivery is still working
            during = store.get(got["id"])
            inner.append((during.status, deliver(event)))
        return "processed: test"

    monkeypatch.setattr(stripe_events, "handle", slow)
    response = deliver(event)
    assert response.status_code == 200 and reply(response)["status"] == "processed"
    (status_during, second) = inner[0]
    assert status_during is Status.RECEIVED
    assert second.status_code == 409 and reply(second)["status"] == "in_progress"
    assert calls == [event["id"]]
    assert store.get(event["id"]).status is Status.PROCESSED


def test_a_claim_left_by_a_delivery_that_died_is_taken_over_only_once_it_is_stale(
    deliver, handler_calls
) -> None:
    now = datetime.now(UTC)
    fresh, dead = payment_intent_event(UNHANDLED), payment_intent_event(UNHANDLED)
    assert store.claim_new(new_event(fresh, received_at=now - timedelta(minutes=1), claim="a"))
    assert store.claim_new(new_event(dead, received_at=now - timedelta(minutes=6), claim="b"))

    busy = deliver(fresh)
    assert busy.status_code == 409 and reply(busy)["status"] == "in_progress", "Stripe retries a 409"
    assert store.get(fresh["id"]).status is Status.RECEIVED and handler_calls == []

    response = deliver(dead)
    assert response.status_code == 200 and reply(response)["status"] in ("processed", "ignored")
    taken = store.get(dead["id"])
    assert taken.done and taken.attempts == 2 and handler_calls == [dead["id"]]
    # The dead delivery cannot overwrite the result if it wakes up after all.
    assert not store.finish(dead["id"], claim="b", status=Status.FAILED, outcome="late", now=now)
    assert store.get(dead["id"]) == taken


def test_a_huge_event_is_kept_shortened_and_still_processed(deliver, handler_calls) -> None:
    event = payment_intent_event(UNHANDLED)
    lines = [{"id": f"il_{i}", "description": "y" * 100} for i in range(1200)]
    event["data"]["object"]["lines"] = {"object": "list", "data": lines}
    response = deliver(event)
    assert response.status_code == 200
    stored = store.get(event["id"])
    assert stored.payload_truncated and stored.payload["id"] == event["id"]
    assert stored.payload["data"]["object"]["id"] == event["data"]["object"]["id"]
    assert "lines" not in stored.payload["data"]["object"]
    assert stored.payload["crm_truncated"]["original_bytes"] > 64 * 1024
    assert handler_calls == [event["id"]]


def test_only_post_is_routed_and_it_needs_no_session(app_client, webhook_secret) -> None:
    assert app_client.http.get(URL).status_code == 405
    import app

    assert set(app.app.routes[URL]) == {"POST"}  # outside /admin and /api: no session, no API key


# The admin event log


def _event_log(browser: Browser, query: str = "") -> str:
    response = browser.get("/admin/stripe-events" + query)
    assert response.status_code == 200, response.body
    return response.body.decode()


def test_the_admin_page_lists_events_newest_first_by_status_with_their_payload(
    admin: Browser, deliver, failing_once
) -> None:
    failed = payment_intent_event(UNHANDLED, note="<script>alert(1)</script>")
    assert deliver(failed).status_code == 500
    time.sleep(0.01)
    ok = payment_intent_event(UNHANDLED)
    assert deliver(ok).status_code == 200

    page = _event_log(admin)
    assert page.index(ok["id"]) < page.index(failed["id"])  # newest first
    assert UNHANDLED in page and failed["data"]["object"]["id"] in page
    assert "failed: RuntimeError: the invoices table did not answer" in page
    only_failed = _event_log(admin, "?status=failed")
    assert failed["id"] in only_failed and ok["id"] not in only_failed
    assert ok["id"] in _event_log(admin, "?status=ignored")
    assert failed["id"] in _event_log(admin, "?status=nonsense")  # an unknown filter shows all

    detail = admin.get(f"/admin/stripe-events/{failed['id']}").body.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail and "<script>alert(1)" not in detail
    assert '"amount_received": 12900,\n' in html.unescape(detail) and "Process again" in detail  # pretty JSON
    assert "Process again" not in admin.get(f"/admin/stripe-events/{ok['id']}").body.decode()

    response = admin.post(f"/admin/stripe-events/{failed['id']}/process", {})
    again = store.get(failed["id"])
    assert again.done and again.attempts == 2 and failing_once.count(failed["id"]) == 2
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/stripe-events/{failed['id']}?notice={again.status.value}"
    assert "Event processed" in admin.get(response.headers["Location"]).body.decode()

    admin.get(f"/admin/stripe-events/{ok['id']}")
    refused = admin.post(f"/admin/stripe-events/{ok['id']}/process", {})
    assert refused.status_code == 409 and "only a failed event" in refused.body.decode()
    assert store.get(ok["id"]).attempts == 1
    assert admin.get("/admin/stripe-events/evt_missing").status_code == 404
    assert 'href="/admin/stripe-events"' in admin.get("/admin/payments").body.decode()


def test_a_shortened_event_cannot_be_processed_again_from_the_page(
    admin: Browser, deliver, failing_once
) -> None:
    event = payment_intent_event(UNHANDLED)
    event["data"]["object"]["metadata"]["blob"] = "z" * 70_000
    assert deliver(event).status_code == 500
    detail = admin.get(f"/admin/stripe-events/{event['id']}").body.decode()
    assert "Process again" not in detail and "resend the event from the Stripe dashboard" in detail
    refused = admin.post(f"/admin/stripe-events/{event['id']}/process", {})
    assert refused.status_code == 409 and store.get(event["id"]).status is Status.FAILED


@pytest.mark.parametrize("role", ["sales", "viewer", "service"])
def test_roles_without_payment_rights_see_no_event_log(
    role: str, browser: Browser, make_staff, deliver, failing_once
) -> None:
    event = payment_intent_event()
    assert deliver(event).status_code == 500
    make_staff(role)
    assert browser.sign_in(f"{role}@example.com").status_code == 303
    for path in ("/admin/stripe-events", f"/admin/stripe-events/{event['id']}"):
        assert browser.get(path).status_code == 403
    browser.get("/admin")
    assert browser.post(f"/admin/stripe-events/{event['id']}/process", {}).status_code == 403
    assert store.get(event["id"]).status is Status.FAILED and len(failing_once) == 1
    payments_page = browser.get("/admin/payments")
    assert payments_page.status_code != 200 or "/admin/stripe-events" not in payments_page.body.decode()


# Real deliveries from localstripe


class _Forwarder(BaseHTTPRequestHandler):
    """Hands what localstripe posts, body and headers untouched, to the app's test client."""

    server: Any

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "stripe-signature")}
        with self.server.lock:
            response = self.server.client.http.post(self.path.split("?")[0], body=body, headers=headers)
            sent = json.loads(body).get("id")
            self.server.answers.append((self.path, sent, response.status_code, json.loads(response.body)))
        self.send_response(response.status_code)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def forwarder(app_client: Any) -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Forwarder)
    server.client = app_client  # type: ignore[attr-defined]
    server.lock = threading.Lock()  # type: ignore[attr-defined]
    server.answers = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _stripe(base: str, path: str, **form: str) -> dict[str, Any]:
    request = urllib.request.Request(
        base + path,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Authorization": "Bearer sk_test_local"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def _switch_off(base: str, endpoint_id: str) -> None:
    """localstripe cannot forget a webhook: keep it registered for no event at all."""
    data = json.dumps({"url": "http://127.0.0.1:9/off", "secret": "off", "events": []}).encode()
    request = urllib.request.Request(
        f"{base}/_config/webhooks/{endpoint_id}", data=data, headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - loopback


def test_localstripe_delivers_signed_events_that_are_stored_and_a_wrong_secret_is_refused(
    engines, forwarder, webhook_secret, worker_id
) -> None:
    import stack as local_stack  # infra/local, on the path through tests/conftest.py

    base = engines["stripe"]
    port = forwarder.server_address[1]
    right, wrong = (f"test-{worker_id}-{secrets.token_hex(4)}-{n}" for n in ("right", "wrong"))
    local_stack.register_stripe_webhook(base, f"http://127.0.0.1:{port}{URL}", webhook_secret, right)
    local_stack.register_stripe_webhook(base, f"http://127.0.0.1:{port}{URL}?wrong", "whsec_wrong", wrong)
    try:
        customer = _stripe(base, "/v1/customers", name="Webhook Test", email="wh@example.com")
        intent = _stripe(
            base,
            "/v1/payment_intents",
            amount="2500",
            currency="eur",
            customer=customer["id"],
            payment_method="pm_card_visa",
            confirm="true",
        )
        assert intent["status"] == "succeeded"
        deadline = time.monotonic() + 20
        found: list[Any] = []
        while time.monotonic() < deadline and not (found and _answers(forwarder, "?wrong")):
            time.sleep(0.3)
            found = [e for e in store.recent() if e.object_id == intent["id"]]
    finally:
        _switch_off(base, right)
        _switch_off(base, wrong)
    assert found, f"no event for {intent['id']}; answers: {forwarder.answers}"
    [event] = found
    assert event.type == "payment_intent.succeeded" and event.stripe_customer_id == customer["id"]
    assert event.payload["data"]["object"]["id"] == intent["id"] and event.attempts == 1
    assert abs(event.created - datetime.now(UTC)) < timedelta(minutes=1)
    # Its delivery with the right secret got through (200, or 500 if the handlers failed on it) ...
    assert [status for sent, status, _ in _answers(forwarder, URL) if sent == event.id] in ([200], [500])
    # ... and every delivery signed with another secret was refused.
    refused = _answers(forwarder, "?wrong")
    assert refused and all(status == 400 for _, status, _ in refused)
    assert all(body["error"]["code"] == "invalid_signature" for _, _, body in refused)


def _answers(forwarder: Any, path_end: str) -> list[tuple[str, int, dict[str, Any]]]:
    with forwarder.lock:
        return [
            (sent, status, body) for path, sent, status, body in forwarder.answers if path.endswith(path_end)
        ]
