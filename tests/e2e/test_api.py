"""The JSON API: keys and scopes, one error format, and an OpenAPI document that covers every route."""

import json
from datetime import UTC, datetime

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key, revoke_key
from chalicelib.store import audit, customers

CUSTOMER = {"name": "Pacific Labs Inc", "country": "US", "currency": "USD", "timezone": "America/Los_Angeles"}


@pytest.fixture
def token(store) -> str:
    _key, token = issue_key(
        "test", ["customers:read", "customers:write"], actor=SYSTEM, now=datetime.now(UTC)
    )
    return token


def call(
    client,
    method: str,
    path: str,
    token: str | None = None,
    body=None,
    content_type: str = "application/json",
):
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = content_type
        body = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.http.request(method, path, headers=headers, body=body or b"")
    payload = json.loads(response.body) if response.body else None
    return response, payload


def assert_error(payload, status: int, code: str, field: str | None = None) -> None:
    assert set(payload) == {"error"}
    assert payload["error"]["status"] == status and payload["error"]["code"] == code
    assert payload["error"]["message"]
    assert payload["error"].get("field") == field


def test_create_read_update_a_customer_with_a_key(app_client, token) -> None:
    response, created = call(app_client, "POST", "/api/v1/customers", token, CUSTOMER)
    assert response.status_code == 201 and created["name"] == "Pacific Labs Inc" and created["locale"] == "en"
    response, fetched = call(app_client, "GET", f"/api/v1/customers/{created['id']}", token)
    assert fetched == created
    response, patched = call(
        app_client,
        "PATCH",
        f"/api/v1/customers/{created['id']}",
        token,
        {"email": "Finance@PacificLabs.example"},
    )
    assert response.status_code == 200 and patched["email"] == "finance@pacificlabs.example"
    entry = audit.for_entity("customer", created["id"])[0]
    assert entry.actor.startswith("api:") and entry.actor_label == "API key test"
    _, page = call(app_client, "GET", "/api/v1/customers?q=pac", token)
    assert [c["id"] for c in page["items"]] == [created["id"]] and page["next"] is None


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "an API key is required"),
        ("Basic abc", "Bearer <key>"),
        ("Bearer nonsense", "malformed"),
        ("Bearer crm_unknown_secret", "not valid"),
    ],
)
def test_requests_without_a_valid_key_get_401(app_client, store, authorization, message) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = app_client.http.get("/api/v1/customers", headers=headers)
    payload = json.loads(response.body)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert_error(payload, 401, "unauthorized")
    assert message in payload["error"]["message"]


def test_a_revoked_key_stops_working_and_a_read_key_cannot_write(app_client, store) -> None:
    read_key, read_token = issue_key("reader", ["customers:read"], actor=SYSTEM, now=datetime.now(UTC))
    assert call(app_client, "GET", "/api/v1/customers", read_token)[0].status_code == 200
    response, payload = call(app_client, "POST", "/api/v1/customers", read_token, CUSTOMER)
    assert_error(payload, 403, "forbidden")
    assert "customers:write" in payload["error"]["message"]
    revoke_key(read_key.id, actor=SYSTEM, now=datetime.now(UTC))
    response, payload = call(app_client, "GET", "/api/v1/customers", read_token)
    assert response.status_code == 401 and "revoked" in payload["error"]["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code", "field"),
    [
        (b"{not json", "application/json", 400, "validation_error", None),
        (b"[1, 2]", "application/json", 400, "validation_error", None),
        (b"name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type", None),
        ({**CUSTOMER, "currency": "dollars"}, "application/json", 400, "validation_error", "currency"),
        ({**CUSTOMER, "name": 42}, "application/json", 400, "validation_error", "name"),
        ({"country": "US", "currency": "USD"}, "application/json", 400, "validation_error", "name"),
    ],
)
def test_bad_bodies_get_a_clear_4xx_and_store_nothing(
    app_client, token, body, content_type, status, code, field
) -> None:
    response, payload = call(app_client, "POST", "/api/v1/customers", token, body, content_type)
    assert response.status_code == status
    assert_error(payload, status, code, field)
    assert customers.page()[0] == []


def test_unknown_record_and_wrong_method_use_the_same_error_format(app_client, token) -> None:
    response, payload = call(app_client, "GET", "/api/v1/customers/nope", token)
    assert_error(payload, 404, "not_found", "id")
    response, payload = call(app_client, "DELETE", "/api/v1/customers", token)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert_error(payload, 405, "method_not_allowed")


def test_an_unexpected_failure_is_a_500_in_the_error_format_without_internals(
    app_client, token, monkeypatch
) -> None:
    from chalicelib.store import customers as store

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(store, "page", explode)
    response, payload = call(app_client, "GET", "/api/v1/customers", token)
    assert response.status_code == 500
    assert_error(payload, 500, "internal_error")
    assert "secret internal detail" not in response.body.decode()


def test_an_unexpected_failure_on_a_page_is_an_html_500(admin, monkeypatch) -> None:
    from chalicelib.store import customers as store

    monkeypatch.setattr(store, "page", lambda *a, **k: 1 / 0)
    response = admin.get("/admin/customers")
    assert response.status_code == 500 and "text/html" in response.headers["Content-Type"]
    assert "ZeroDivisionError" not in response.body.decode()


def test_openapi_document_lists_every_api_route_and_method(app_client) -> None:
    import app

    response = app_client.http.get("/api/v1/openapi.json")
    document = json.loads(response.body)
    assert document["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    routed = {
        (path, method)
        for path, methods in app.app.routes.items()
        if path.startswith("/api/")
        for method in methods
    }
    assert routed == documented
    post = document["paths"]["/api/v1/customers"]["post"]
    assert post["security"] == [{"apiKey": ["customers:write"]}]
    assert "currency" in post["requestBody"]["content"]["application/json"]["schema"]["properties"]


def test_whoami_reports_the_key_and_its_scopes(app_client, token) -> None:
    response, payload = call(app_client, "GET", "/api/v1/whoami", token)
    assert payload["name"] == "test" and payload["scopes"] == ["customers:read", "customers:write"]


def test_customers_are_found_by_exact_keys_and_category_over_the_api(app_client, token) -> None:
    from chalicelib.services.manage_fields import define_category

    define_category("industry", "hospital", "Hospitals", actor=SYSTEM, now=datetime.now(UTC))
    body = {
        **CUSTOMER,
        "email": "ap@pacific.example",
        "phone": "+1 415 555 0105",
        "code": "PL-1",
        "tax_id": "US-99",
        "categories": ["industry:hospital"],
    }
    response, created = call(app_client, "POST", "/api/v1/customers", token, body)
    assert response.status_code == 201 and created["categories"] == ["industry:hospital"]
    for query in (
        "email=AP%40pacific.example",
        "phone=0014155550105",
        "code=pl1",
        "tax=us99",
        "category=industry%3Ahospital",
    ):
        _, found = call(app_client, "GET", f"/api/v1/customers?{query}", token)
        assert [c["id"] for c in found["items"]] == [created["id"]], query
    response, payload = call(
        app_client, "POST", "/api/v1/customers", token, {**body, "code": "PL-2", "categories": "hospital"}
    )
    assert_error(payload, 400, "validation_error", "categories")
    response, payload = call(app_client, "POST", "/api/v1/customers", token, {**body, "email": ""})
    assert response.status_code == 409 and "PL-1" in payload["error"]["message"]
