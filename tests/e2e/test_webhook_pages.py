"""The webhook pages: add, edit, disable and rotate endpoints; the delivery log with its attempts,
redelivery and test events against a real receiver; bad input named by field, CSRF, and roles."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.webhook_http import HttpPoster
from chalicelib.domain import outgoing_webhooks as rules
from chalicelib.store import webhooks_out
from chalicelib.store.models import AuditModel
from tests.browser_client import Browser
from tests.webhook_receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def _add(admin: Browser, url: str, types: list[str] | None = None, description: str = "ERP sync"):
    admin.get("/admin/webhooks")
    fields = [("url", url), ("description", description)]
    fields += [("event_types", t) for t in (types if types is not None else ["*"])]
    return admin.post("/admin/webhooks", fields)


def _endpoint_id(response) -> str:
    return response.headers["Location"].split("/admin/webhooks/")[1].split("?")[0]


def test_an_admin_adds_an_endpoint_and_sees_its_secret(admin: Browser, receiver: Receiver) -> None:
    listing = admin.get("/admin/webhooks")
    assert listing.status_code == 200 and 'href="/admin/webhooks"' in listing.body.decode()  # in the nav
    response = _add(admin, receiver.url + "/hook", ["invoice.paid", "contract.*"])
    assert response.status_code == 303, response.body[:400]
    endpoint = webhooks_out.endpoint(_endpoint_id(response))
    assert (endpoint.url, endpoint.description, endpoint.event_types) == (
        receiver.url + "/hook",
        "ERP sync",
        ("contract.*", "invoice.paid"),
    )
    page = admin.get(response.headers["Location"]).body.decode()
    assert "Endpoint added." in page and endpoint.secret in page and "contract.*, invoice.paid" in page
    listing = admin.get("/admin/webhooks").body.decode()
    assert receiver.url + "/hook" in listing and "enabled" in listing


@pytest.mark.parametrize(
    ("url", "types", "words"),
    [
        ("", ["*"], "url is required"),
        ("ftp://example.com/hook", ["*"], "url must start with https://"),
        ("https://example.com/hook", ["invoice.exploded"], "unknown event type &#39;invoice.exploded&#39;"),
        ("https://example.com/hook", [], "choose at least one event type"),
        ("https://example.com/" + "x" * 2100, ["*"], "url must be a single URL"),
    ],
)
def test_bad_input_gets_a_400_naming_the_field_and_adds_nothing(admin: Browser, url, types, words) -> None:
    before = AuditModel.count()
    response = _add(admin, url, types)
    assert response.status_code == 400
    assert words in response.body.decode()
    assert webhooks_out.endpoints() == [] and AuditModel.count() == before


def test_plain_http_is_refused_where_the_setting_does_not_allow_it(admin: Browser, monkeypatch) -> None:
    from chalicelib import bootstrap

    monkeypatch.setenv("CRM_WEBHOOKS_ALLOW_HTTP", "0")
    bootstrap.reset()
    response = _add(admin, "http://example.com/hook")
    assert response.status_code == 400 and "url must use https" in response.body.decode()
    response = _add(admin, "https://127.0.0.1:9/hook")
    assert response.status_code == 400 and "public address" in response.body.decode()
    assert _add(admin, "https://hooks.example.com/crm").status_code == 303


def test_edit_disable_enable_and_rotate(admin: Browser, receiver: Receiver) -> None:
    endpoint_id = _endpoint_id(_add(admin, receiver.url + "/a"))
    admin.get(f"/admin/webhooks/{endpoint_id}")
    response = admin.post(
        f"/admin/webhooks/{endpoint_id}",
        [
            ("url", receiver.url + "/b"),
            ("description", "new"),
            ("event_types", "payment.recorded"),
            ("version", "1"),
        ],
    )
    assert response.status_code == 303
    saved = webhooks_out.endpoint(endpoint_id)
    assert (saved.url, saved.description, saved.event_types, saved.version) == (
        receiver.url + "/b",
        "new",
        ("payment.recorded",),
        2,
    )
    # The same form again (version 1): someone saved meanwhile.
    stale = admin.post(
        f"/admin/webhooks/{endpoint_id}",
        [("url", receiver.url + "/c"), ("event_types", "*"), ("version", "1")],
    )
    assert stale.status_code == 409 and "changed meanwhile" in stale.body.decode()
    bad = admin.post(
        f"/admin/webhooks/{endpoint_id}", [("url", "nope"), ("event_types", "*"), ("version", "2")]
    )
    assert bad.status_code == 400 and "url must start with https://" in bad.body.decode()
    assert webhooks_out.endpoint(endpoint_id).url == receiver.url + "/b"

    admin.get(f"/admin/webhooks/{endpoint_id}")
    assert (
        admin.post(f"/admin/webhooks/{endpoint_id}/enabled", {"enabled": "0", "version": "2"}).status_code
        == 303
    )
    assert not webhooks_out.endpoint(endpoint_id).enabled
    assert "disabled" in admin.get("/admin/webhooks").body.decode()
    admin.get(f"/admin/webhooks/{endpoint_id}")
    assert (
        admin.post(f"/admin/webhooks/{endpoint_id}/enabled", {"enabled": "1", "version": "3"}).status_code
        == 303
    )
    assert webhooks_out.endpoint(endpoint_id).enabled

    old = webhooks_out.endpoint(endpoint_id).secret
    admin.get(f"/admin/webhooks/{endpoint_id}")
    rotated = admin.post(f"/admin/webhooks/{endpoint_id}/rotate", {"keep_old_hours": "24", "version": "4"})
    assert rotated.status_code == 303
    now = webhooks_out.endpoint(endpoint_id)
    assert now.secret != old and now.previous_secret == old
    page = admin.get(f"/admin/webhooks/{endpoint_id}").body.decode()
    assert now.secret in page and old not in page and "The previous secret also signs" in page
    admin.get(f"/admin/webhooks/{endpoint_id}")
    bad_keep = admin.post(f"/admin/webhooks/{endpoint_id}/rotate", {"keep_old_hours": "99", "version": "5"})
    assert bad_keep.status_code == 400 and "keep_old_hours" in bad_keep.body.decode()


def test_the_delivery_log_redeliver_and_test_event(admin: Browser, receiver: Receiver) -> None:
    from chalicelib.services.deliver_webhooks import deliver_webhooks
    from tests.payment_helpers import Billing

    endpoint_id = _endpoint_id(_add(admin, receiver.url + "/hook", ["contract.created"]))
    now = datetime.now(UTC)
    customer = Billing(start=now).customer("Acme")
    receiver.answers = [500]
    deliver_webhooks(now + timedelta(minutes=2), post=HttpPoster(timeout=5, allow_private=True))

    page = admin.get(f"/admin/webhooks/{endpoint_id}").body.decode()
    [delivery] = webhooks_out.of_endpoint(endpoint_id)
    assert "contract.created" in page and "HTTP 500" in page and "pending" in page
    detail = admin.get(f"/admin/webhooks/{endpoint_id}/deliveries/{delivery.id}").body.decode()
    assert delivery.event_id in detail and customer.id in html.unescape(detail) and "answer 500" in detail

    response = admin.post(f"/admin/webhooks/{endpoint_id}/deliveries/{delivery.id}/redeliver", {})
    assert response.status_code == 303
    detail = admin.get(response.headers["Location"]).body.decode()
    assert "Delivery sent again." in detail and "200 delivered" in detail and "redelivered" in detail
    assert webhooks_out.delivery(delivery.id).status == "delivered"
    assert len(receiver.requests) == 2 and receiver.requests[0].body == receiver.requests[1].body
    assert "delivered" in admin.get(f"/admin/webhooks/{endpoint_id}?status=delivered").body.decode()

    admin.get(f"/admin/webhooks/{endpoint_id}")
    tested = admin.post(f"/admin/webhooks/{endpoint_id}/test", {})
    assert tested.status_code == 303
    detail = admin.get(tested.headers["Location"]).body.decode()
    assert "Test event sent." in detail and "webhook.test" in detail and "200 delivered" in detail
    request = receiver.requests[-1]
    secret = webhooks_out.endpoint(endpoint_id).secret
    assert rules.verify(request.headers["X-CRM-Signature"], request.body, secret, datetime.now(UTC))
    # A delivery of another endpoint is not found under this one.
    other = _endpoint_id(_add(admin, receiver.url + "/other"))
    assert admin.get(f"/admin/webhooks/{other}/deliveries/{delivery.id}").status_code == 404


def test_every_form_needs_the_csrf_token(admin: Browser, receiver: Receiver) -> None:
    endpoint_id = _endpoint_id(_add(admin, receiver.url + "/hook"))
    posts = [
        ("/admin/webhooks", {"url": receiver.url + "/x", "event_types": "*"}),
        (f"/admin/webhooks/{endpoint_id}", {"url": receiver.url + "/y", "event_types": "*", "version": "1"}),
        (f"/admin/webhooks/{endpoint_id}/enabled", {"enabled": "0", "version": "1"}),
        (f"/admin/webhooks/{endpoint_id}/rotate", {"keep_old_hours": "0", "version": "1"}),
        (f"/admin/webhooks/{endpoint_id}/test", {}),
    ]
    for path, form in posts:
        for token in (None, "forged"):
            response = admin.post(path, form, csrf=token)
            assert response.status_code == 403, (path, token)
            assert "did not come from this site" in response.body.decode()
    [endpoint] = webhooks_out.endpoints()
    assert (endpoint.url, endpoint.enabled, endpoint.version) == (receiver.url + "/hook", True, 1)
    assert receiver.requests == [] and webhooks_out.of_endpoint(endpoint_id) == []


@pytest.mark.parametrize("role", ["billing", "sales", "service", "viewer"])
def test_other_roles_get_403_and_no_link(browser: Browser, make_staff, role: str) -> None:
    make_staff("admin")
    make_staff(role)
    assert browser.sign_in(f"{role}@example.com").status_code == 303
    assert browser.get("/admin/webhooks").status_code == 403
    home = browser.get("/admin").body.decode()  # (a page with the form token)
    assert "/admin/webhooks" not in home
    response = browser.post("/admin/webhooks", {"url": "https://hooks.example.com/x", "event_types": "*"})
    assert response.status_code == 403
    assert re.search(r"Your role \(\w+\) does not allow this page", response.body.decode())
    assert webhooks_out.endpoints() == []
