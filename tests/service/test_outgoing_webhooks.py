"""Outgoing webhooks against DynamoDB Local and a real HTTP receiver on 127.0.0.1: events come from the
audit log of real changes, arrive signed, are retried with backoff as time moves on, never twice for one
endpoint and event however often or concurrently the job runs, and only where they are wanted."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.adapters.webhook_http import HttpPoster
from chalicelib.domain import outgoing_webhooks as rules
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict
from chalicelib.services import deliver_webhooks as job
from chalicelib.services import manage_webhooks
from chalicelib.store import webhooks_out
from chalicelib.store.models_webhooks_out import WebhookDeliveryModel
from tests.payment_helpers import MONTHLY_TOTAL, Billing
from tests.webhook_receiver import Received, Receiver, running_receiver

START = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)  # the billing helper's first day
LATER = START + timedelta(minutes=2)  # the audit log is read a minute behind: START's entries are in
POST = HttpPoster(timeout=5, allow_private=True)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def _endpoint(
    receiver: Receiver, types: str = "*", path: str = "/hook", at: datetime = START - timedelta(hours=1)
):
    return manage_webhooks.create_endpoint(
        {"url": receiver.url + path, "description": "test", "event_types": types},
        allow_http=True,
        actor=SYSTEM,
        now=at,
    )


@pytest.fixture
def billing() -> Billing:
    return Billing(start=START)


def _pay(customer_id: str, invoice_id: str, now: datetime = START):
    from chalicelib.services.record_payment import record_payment

    data = {
        "customer_id": customer_id,
        "amount_minor": MONTHLY_TOTAL,
        "method": "bank_transfer",
        "allocations": [{"invoice_id": invoice_id, "amount_minor": MONTHLY_TOTAL}],
    }
    return record_payment(data, actor=SYSTEM, now=now)


def _verified(request: Received, secret: str, now: datetime) -> bool:
    return rules.verify(request.headers["X-CRM-Signature"], request.body, secret, now)


def test_real_changes_arrive_signed_with_their_data(receiver: Receiver, billing: Billing) -> None:
    endpoint = _endpoint(receiver)
    billed = billing.billed("Acme", START)
    [invoice] = billed.invoices
    _pay(billed.customer.id, invoice.id)

    counts = job.deliver_webhooks(LATER, post=POST)

    assert receiver.types() == [
        "contract.billed",
        "contract.created",
        "invoice.issued",
        "invoice.paid",
        "payment.recorded",
    ]
    assert counts["delivered"] == 5 and counts["sent"] == 5
    for request in receiver.requests:
        assert request.path == "/hook"
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["X-CRM-Event-Id"] == request.json["id"]
        assert request.headers["X-CRM-Event-Type"] == request.json["type"]
        assert _verified(request, endpoint.secret, LATER)
        assert not _verified(request, "whsec_someone_else", LATER)
        assert request.json["created"] == int(START.timestamp())
    by_type = {r.json["type"]: r.json["data"] for r in receiver.requests}
    assert by_type["invoice.issued"]["id"] == invoice.id
    assert by_type["invoice.issued"]["number"] == invoice.number
    assert by_type["invoice.issued"]["customer_id"] == billed.customer.id
    assert by_type["invoice.issued"]["total_minor"] == MONTHLY_TOTAL
    assert by_type["invoice.paid"]["after"]["open_minor"] == 0
    assert by_type["invoice.paid"]["number"] == invoice.number
    assert by_type["contract.created"]["customer_id"] == billed.customer.id
    assert by_type["payment.recorded"]["after"]["amount_minor"] == MONTHLY_TOTAL
    # Logged as delivered, with the receiver's answer.
    log = webhooks_out.of_endpoint(endpoint.id)
    assert {d.status for d in log} == {"delivered"}
    assert log[0].attempts[0].status_code == 200 and "answer 200" in log[0].attempts[0].excerpt


def test_the_log_is_read_a_minute_behind_and_across_midnight(receiver: Receiver, billing: Billing) -> None:
    from chalicelib.services.manage_contracts import change_status
    from chalicelib.store import contracts

    _endpoint(receiver, "contract.suspended,contract.resumed")
    billed = billing.billed("Acme", START)
    contract = contracts.of_customer(billed.customer.id)[0]
    midnight = datetime(2027, 1, 2, tzinfo=UTC)
    suspended = change_status(
        contract.id, "suspend", version=contract.version, actor=SYSTEM, now=midnight - timedelta(seconds=10)
    )
    change_status(
        contract.id, "resume", version=suspended.version, actor=SYSTEM, now=midnight + timedelta(seconds=10)
    )

    job.deliver_webhooks(midnight + timedelta(seconds=30), post=POST)  # reads up to 23:59:30
    assert receiver.types() == []
    job.deliver_webhooks(midnight + timedelta(seconds=65), post=POST)  # up to 00:00:05
    assert receiver.types() == ["contract.suspended"]
    job.deliver_webhooks(midnight + timedelta(seconds=75), post=POST)
    assert [r.json["type"] for r in receiver.requests] == ["contract.suspended", "contract.resumed"]
    assert webhooks_out.cursor() == (midnight + timedelta(seconds=15)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_failure_is_retried_after_the_backoff_with_the_same_event(
    receiver: Receiver, billing: Billing
) -> None:
    endpoint = _endpoint(receiver, "contract.created")
    billing.customer("Acme")
    receiver.answers = [500, 503]

    first = job.deliver_webhooks(LATER, post=POST)
    assert (first["sent"], first["retrying"]) == (1, 1)
    [delivery] = webhooks_out.of_endpoint(endpoint.id)
    assert (delivery.status, delivery.next_at, delivery.tries) == ("pending", LATER + timedelta(minutes=1), 1)
    assert delivery.attempts[0].status_code == 500 and "answer 500" in delivery.attempts[0].excerpt

    assert job.deliver_webhooks(LATER + timedelta(seconds=59), post=POST)["sent"] == 0  # not due yet
    assert len(receiver.requests) == 1
    job.deliver_webhooks(LATER + timedelta(minutes=1), post=POST)  # 503: next in 5 minutes
    assert webhooks_out.delivery(delivery.id).next_at == LATER + timedelta(minutes=6)
    assert job.deliver_webhooks(LATER + timedelta(minutes=5), post=POST)["sent"] == 0
    job.deliver_webhooks(LATER + timedelta(minutes=6), post=POST)

    done = webhooks_out.delivery(delivery.id)
    assert (done.status, done.tries, [a.status_code for a in done.attempts]) == (
        "delivered",
        2,
        [500, 503, 200],
    )
    assert done.delivered_at == LATER + timedelta(minutes=6)
    bodies = {r.body for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(bodies) == 1  # the same event each time
    stamps = [r.headers["X-CRM-Signature"].split(",")[0] for r in receiver.requests]
    assert stamps == [
        f"t={int((LATER + d).timestamp())}"
        for d in (timedelta(0), timedelta(minutes=1), timedelta(minutes=6))
    ]
    assert _verified(receiver.requests[-1], endpoint.secret, LATER + timedelta(minutes=6))


def test_after_the_last_retry_a_delivery_has_failed(receiver: Receiver, billing: Billing) -> None:
    endpoint = _endpoint(receiver, "contract.created")
    billing.customer("Acme")
    receiver.default = 500
    at = LATER
    for _ in range(rules.MAX_TRIES):
        job.deliver_webhooks(at, post=POST)
        found = webhooks_out.of_endpoint(endpoint.id)[0]
        at = found.next_at or at
    assert (found.status, found.tries, found.next_at) == ("failed", 7, None)
    assert len(receiver.requests) == 7
    assert job.deliver_webhooks(at + timedelta(days=3), post=POST)["sent"] == 0
    assert WebhookDeliveryModel.due_index.count("due") == 0


def test_running_the_job_twice_or_at_once_never_sends_twice(receiver: Receiver, billing: Billing) -> None:
    _endpoint(receiver, "contract.created")
    for name in ("Acme", "Bolt", "Cobalt"):
        billing.customer(name)

    assert job.publish(LATER)["deliveries_created"] == 3
    webhooks_out.move_cursor("2027-01-01", LATER)  # can never move back: a rerun from scratch...
    assert webhooks_out.cursor() > "2027-01-01T12"
    with webhooks_out_cursor_reset():
        assert job.publish(LATER)["deliveries_created"] == 0  # ...writes nothing new either
    results: list[dict[str, Any]] = []
    threads = [
        threading.Thread(target=lambda: results.append(job.deliver_webhooks(LATER, post=POST)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert len(receiver.requests) == 3
    assert len({r.json["id"] for r in receiver.requests}) == 3
    assert sum(r["sent"] for r in results) == 3
    assert job.deliver_webhooks(LATER + timedelta(hours=1), post=POST)["sent"] == 0


class webhooks_out_cursor_reset:  # noqa: N801 - used as a context manager
    """Forgets the cursor (as if its item were lost) and puts it back afterwards."""

    def __enter__(self) -> None:
        from chalicelib.store.models_webhooks_out import WebhookCursorModel

        self.saved = webhooks_out.cursor()
        WebhookCursorModel(name=webhooks_out.AUDIT_CURSOR).delete()

    def __exit__(self, *exc: object) -> None:
        assert self.saved is not None
        from chalicelib.store.models_webhooks_out import WebhookCursorModel

        WebhookCursorModel(name=webhooks_out.AUDIT_CURSOR, position=self.saved, updated_at=LATER).save()


def test_event_filters_and_disabled_endpoints(receiver: Receiver, billing: Billing) -> None:
    invoices_only = _endpoint(receiver, "invoice.*", path="/invoices")
    disabled = _endpoint(receiver, "*", path="/off")
    manage_webhooks.set_enabled(disabled.id, {"enabled": "0", "version": "1"}, actor=SYSTEM, now=START)
    payments_only = _endpoint(receiver, "payment.recorded", path="/payments")
    billed = billing.billed("Acme", START)
    _pay(billed.customer.id, billed.invoices[0].id)

    job.deliver_webhooks(LATER, post=POST)

    by_path: dict[str, list[str]] = {}
    for request in receiver.requests:
        by_path.setdefault(request.path, []).append(request.json["type"])
    assert sorted(by_path["/invoices"]) == ["invoice.issued", "invoice.paid"]
    assert by_path["/payments"] == ["payment.recorded"]
    assert "/off" not in by_path
    assert webhooks_out.of_endpoint(disabled.id) == []
    assert len(webhooks_out.of_endpoint(invoices_only.id)) == 2
    assert len(webhooks_out.of_endpoint(payments_only.id)) == 1


def test_an_endpoint_disabled_while_a_delivery_waits_gets_nothing(
    receiver: Receiver, billing: Billing
) -> None:
    endpoint = _endpoint(receiver, "contract.created")
    billing.customer("Acme")
    receiver.answers = [500]
    job.deliver_webhooks(LATER, post=POST)
    manage_webhooks.set_enabled(endpoint.id, {"enabled": "0", "version": "1"}, actor=SYSTEM, now=LATER)

    job.deliver_webhooks(LATER + timedelta(minutes=1), post=POST)

    assert len(receiver.requests) == 1
    [delivery] = webhooks_out.of_endpoint(endpoint.id)
    assert delivery.status == "failed" and "disabled" in delivery.note
    with pytest.raises(Conflict, match="disabled"):
        job.redeliver(delivery.id, now=LATER + timedelta(minutes=2), post=POST)


def test_an_endpoint_gets_only_events_from_after_it_was_added(receiver: Receiver, billing: Billing) -> None:
    _endpoint(receiver, "contract.created", path="/old")  # from before START: it reads from there
    before = billing.customer("Before")
    _endpoint(receiver, "contract.created", path="/new", at=START + timedelta(minutes=30))
    from chalicelib.services.manage_contracts import create_contract
    from chalicelib.services.manage_customers import create_customer

    later = START + timedelta(hours=1)
    customer = create_customer({"name": "After", "country": "SK", "currency": "EUR"}, actor=SYSTEM, now=later)
    create_contract(
        {
            "customer_id": customer.id,
            "template_id": billing.template.id,
            "start_date": later.date().isoformat(),
            "lines": [{"product_id": billing.product.id, "quantity": "1", "unit_price_minor": 3100}],
        },
        actor=SYSTEM,
        now=later,
    )
    job.deliver_webhooks(later + timedelta(minutes=2), post=POST)
    got = sorted((r.path, r.json["data"]["customer_id"]) for r in receiver.requests)
    assert got == sorted([("/old", before.id), ("/old", customer.id), ("/new", customer.id)])


def test_redeliver_and_test_events(receiver: Receiver, billing: Billing) -> None:
    endpoint = _endpoint(receiver, "contract.created")
    billing.customer("Acme")
    job.deliver_webhooks(LATER, post=POST)
    [delivery] = webhooks_out.of_endpoint(endpoint.id)

    again = job.redeliver(delivery.id, now=LATER + timedelta(hours=1), post=POST)

    assert again.status == "delivered" and [a.manual for a in again.attempts] == [False, True]
    assert receiver.requests[0].body == receiver.requests[1].body
    receiver.answers = [500]
    tested = job.send_test(endpoint.id, now=LATER + timedelta(hours=2), post=POST)
    assert (tested.status, tested.event_type, tested.tries) == ("failed", "webhook.test", 1)  # not retried
    assert receiver.requests[-1].json["type"] == "webhook.test"
    assert _verified(receiver.requests[-1], endpoint.secret, LATER + timedelta(hours=2))
    assert job.deliver_webhooks(LATER + timedelta(days=2), post=POST)["sent"] == 0
    assert job.redeliver(tested.id, now=LATER + timedelta(hours=3), post=POST).status == "delivered"


def test_a_rotated_secret_signs_next_to_the_old_one_for_the_time_chosen(
    receiver: Receiver, billing: Billing
) -> None:
    endpoint = _endpoint(receiver, "contract.created")
    rotated = manage_webhooks.rotate_secret(
        endpoint.id, {"keep_old_hours": "24", "version": "1"}, actor=SYSTEM, now=START
    )
    assert rotated.secret != endpoint.secret and webhooks_out.endpoint(endpoint.id).secret == rotated.secret
    billing.customer("Acme")
    job.deliver_webhooks(LATER, post=POST)
    [request] = receiver.requests
    assert _verified(request, rotated.secret, LATER) and _verified(request, endpoint.secret, LATER)
    job.send_test(endpoint.id, now=START + timedelta(hours=25), post=POST)
    assert not _verified(receiver.requests[-1], endpoint.secret, START + timedelta(hours=25))
    with pytest.raises(Conflict):  # the form was loaded before the rotation
        manage_webhooks.rotate_secret(
            endpoint.id, {"keep_old_hours": "0", "version": "1"}, actor=SYSTEM, now=START
        )
    from chalicelib.store import audit

    logged = json.dumps([e.after for e in audit.for_entity("webhook_endpoint", endpoint.id)])
    assert rotated.secret not in logged and endpoint.secret not in logged


def test_redirects_are_not_followed_and_slow_receivers_time_out(receiver: Receiver, billing: Billing) -> None:
    endpoint = _endpoint(receiver, "contract.created")
    receiver.answers = [302]
    tested = job.send_test(endpoint.id, now=LATER, post=POST)
    assert tested.attempts[-1].outcome == "HTTP 302 (redirects are not followed)"
    assert [r.path for r in receiver.requests] == ["/hook"]

    receiver.delay = 2.0
    started = time.monotonic()
    slow = job.send_test(endpoint.id, now=LATER, post=HttpPoster(timeout=0.5, allow_private=True))
    assert time.monotonic() - started < 1.8
    assert slow.status == "failed" and "timed out" in slow.attempts[-1].error
    assert slow.attempts[-1].status_code is None


def test_private_addresses_are_refused_outside_local_development(receiver: Receiver) -> None:
    endpoint = _endpoint(receiver)
    refused = job.send_test(endpoint.id, now=LATER, post=HttpPoster(timeout=2, allow_private=False))
    assert refused.status == "failed" and "private address" in refused.attempts[-1].error
    assert receiver.requests == []


def test_nobody_listening_moves_the_cursor_without_reading(billing: Billing) -> None:
    billing.customer("Acme")
    assert job.deliver_webhooks(LATER, post=POST) == {
        "audit_read": 0,
        "events": 0,
        "deliveries_created": 0,
        "sent": 0,
        "delivered": 0,
        "retrying": 0,
        "failed": 0,
    }
    assert webhooks_out.cursor() == (LATER - job.LAG).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_the_scheduled_job_runs_through_the_catalogue(receiver: Receiver, billing: Billing) -> None:
    from chalicelib.jobs import catalog

    _endpoint(receiver, "contract.created")
    billing.customer("Acme")
    run = catalog.run("deliver_webhooks", at=LATER, trigger="cli")
    assert (run.result, run.counts["delivered"], run.error) == ("ok", 1, None)
    assert catalog.JOBS["deliver_webhooks"].schedule.minutes == 1
    assert receiver.types() == ["contract.created"]
