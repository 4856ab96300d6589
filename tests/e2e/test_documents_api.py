"""Documents over the JSON API: base64 both ways, the upload rules of the page, errors naming the field."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.store import audit, documents
from tests.activity_helpers import PDF, docx, make_customer, make_person
from tests.e2e.test_api import assert_error, call


@pytest.fixture
def key(store) -> tuple[str, str]:
    """(actor of the key, token)."""
    issued, token = issue_key(
        "dms sync", ["documents:read", "documents:write"], actor=SYSTEM, now=datetime.now(UTC)
    )
    return f"api:{issued.id}", token


@pytest.fixture
def token(key) -> str:
    return key[1]


@pytest.fixture
def reader(store) -> str:
    return issue_key("reader", ["documents:read"], actor=SYSTEM, now=datetime.now(UTC))[1]


def _blob_files(store: Path) -> list[Path]:
    folder = store / "blobs" / "documents"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _upload(owner: str, data: bytes = PDF, filename: str = "Zmluva 2026.pdf", **extra: Any) -> dict[str, Any]:
    return {
        "owner": owner,
        "filename": filename,
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(data).decode(),
        **extra,
    }


def test_upload_list_read_content_and_delete(app_client, store, key) -> None:
    actor, token = key
    owner = make_customer()
    body = _upload(owner, kind="agreement", view_roles=["billing"], download_roles=["billing"])
    response, created = call(app_client, "POST", "/api/v1/documents", token, body)
    assert response.status_code == 201, created
    assert created["owner"] == owner and created["filename"] == "Zmluva 2026.pdf"
    assert created["size"] == len(PDF) and created["kind"] == "agreement"
    # Admin is always added, and a key reads as an admin: it sees even a billing-only document.
    assert created["view_roles"] == ["admin", "billing"] and created["uploaded_by"] == actor
    _, listed = call(app_client, "GET", f"/api/v1/documents?owner={quote(owner, safe='')}", token)
    assert [d["id"] for d in listed["items"]] == [created["id"]]
    _, fetched = call(app_client, "GET", f"/api/v1/documents/{created['id']}", token)
    assert fetched == created
    _, content = call(app_client, "GET", f"/api/v1/documents/{created['id']}/content", token)
    assert content["filename"] == "Zmluva 2026.pdf" and content["content_type"] == "application/pdf"
    assert base64.b64decode(content["content_base64"]) == PDF
    assert [p.read_bytes() for p in _blob_files(store)] == [PDF]
    assert audit.for_entity("document", created["id"])[0].actor == actor

    response, deleted = call(app_client, "DELETE", f"/api/v1/documents/{created['id']}", token)
    assert response.status_code == 200 and deleted == {"id": created["id"], "deleted": True}
    assert documents.for_owner(owner) == [] and _blob_files(store) == []
    for path in (f"/api/v1/documents/{created['id']}", f"/api/v1/documents/{created['id']}/content"):
        _, payload = call(app_client, "GET", path, token)
        assert_error(payload, 404, "not_found")
    _, payload = call(app_client, "DELETE", f"/api/v1/documents/{created['id']}", token)
    assert_error(payload, 404, "not_found")


def test_office_files_and_base64_with_line_breaks_are_accepted(app_client, token) -> None:
    owner = f"person#{make_person('Kováč')}"
    encoded = base64.encodebytes(docx()).decode()  # MIME style: a line break every 76 characters
    assert "\n" in encoded
    body = {"owner": owner, "filename": "offer.docx", "content_base64": encoded}
    response, created = call(app_client, "POST", "/api/v1/documents", token, body)
    assert response.status_code == 201, created
    assert created["content_type"].endswith("wordprocessingml.document") and created["kind"] == "other"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": None}, "owner"),
        ({"owner": "customer#nobody"}, "owner"),
        ({"owner": 5}, "owner"),
        ({"filename": ""}, "filename"),
        ({"content_base64": None}, "content_base64"),
        ({"content_base64": "not base64!"}, "content_base64"),
        ({"content_base64": "QUJD="}, "content_base64"),
        ({"filename": "setup.exe"}, "filename"),
        ({"filename": "/../"}, "filename"),
        ({"content_type": "image/png"}, "content_type"),
        ({"content_base64": base64.b64encode(b"MZ\x90\x00 not a pdf").decode()}, "content_base64"),
        ({"kind": "photo"}, "kind"),
        ({"kind": "poster"}, "kind"),
        ({"view_roles": "billing"}, "view_roles"),
        ({"view_roles": ["accountant"]}, "view_roles"),
        ({"view_roles": ["sales"], "download_roles": ["billing"]}, "download_roles"),
    ],
)
def test_bad_uploads_get_a_400_naming_the_field_and_store_nothing(
    app_client, store, key, change, field
) -> None:
    actor, token = key
    owner = make_customer()
    body = {**_upload(owner), **change}
    response, payload = call(app_client, "POST", "/api/v1/documents", token, body)
    assert response.status_code == 400, payload
    assert_error(payload, 400, "validation_error", field)
    assert documents.for_owner(owner) == [] and _blob_files(store) == []
    assert audit.for_actor(actor) == []


def test_a_body_over_the_json_limit_is_refused_naming_the_limit(app_client, store, key) -> None:
    actor, token = key
    owner = make_customer()
    big = PDF + b"\n" * (200 * 1024)  # a valid PDF head, but base64 makes the body over 256 KiB
    response, payload = call(app_client, "POST", "/api/v1/documents", token, _upload(owner, big))
    assert_error(payload, 400, "validation_error")
    assert "256 KiB" in payload["error"]["message"]
    assert documents.for_owner(owner) == [] and _blob_files(store) == [] and audit.for_actor(actor) == []
    summary = call(app_client, "GET", "/api/v1/openapi.json")[1]["paths"]["/api/v1/documents"]["post"]
    assert "256 KiB" in summary["summary"] and "admin" in summary["summary"]


def test_scopes_unknown_owners_and_documents(app_client, store, token, reader) -> None:
    owner = make_customer()
    _, created = call(app_client, "POST", "/api/v1/documents", token, _upload(owner))
    _, payload = call(app_client, "POST", "/api/v1/documents", reader, _upload(owner))
    assert_error(payload, 403, "forbidden")
    assert "documents:write" in payload["error"]["message"]
    _, payload = call(app_client, "DELETE", f"/api/v1/documents/{created['id']}", reader)
    assert_error(payload, 403, "forbidden")
    _, content = call(app_client, "GET", f"/api/v1/documents/{created['id']}/content", reader)
    assert base64.b64decode(content["content_base64"]) == PDF
    customers_key = issue_key("crm", ["customers:read"], actor=SYSTEM, now=datetime.now(UTC))[1]
    _, payload = call(app_client, "GET", f"/api/v1/documents/{created['id']}", customers_key)
    assert_error(payload, 403, "forbidden")
    _, payload = call(app_client, "GET", "/api/v1/documents", reader)
    assert_error(payload, 400, "validation_error", "owner")
    _, payload = call(app_client, "GET", "/api/v1/documents?owner=customer%23nobody", reader)
    assert_error(payload, 404, "not_found", "owner")
    _, payload = call(app_client, "GET", "/api/v1/documents/nope/content", reader)
    assert_error(payload, 404, "not_found")
    assert [d.id for d in documents.for_owner(owner)] == [created["id"]] and len(_blob_files(store)) == 1
