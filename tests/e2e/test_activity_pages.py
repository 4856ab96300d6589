"""Documents, relationships, interactions and tasks through the admin pages, as staff use them."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.domain.documents import MAX_DOCUMENT_BYTES
from chalicelib.store.models_activity import DocumentModel, InteractionModel, TaskModel
from tests.activity_helpers import PDF, make_customer, make_person
from tests.browser_client import Browser


def _multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]]) -> tuple[str, bytes]:
    boundary = "----crm" + secrets.token_hex(8)
    chunks: list[bytes] = []
    for name, value in fields:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, content_type, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        chunks.append(head.encode() + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(chunks)


def upload(
    browser: Browser,
    owner: str,
    filename: str,
    data: bytes,
    content_type: str = "application/pdf",
    fields: list[tuple[str, str]] | None = None,
    content_length: int | None = None,
    form_owner: str | None = None,
) -> Any:
    """Posts the upload form of the documents page like a browser does (multipart, page's CSRF token)."""
    browser.get(f"/admin/documents?owner={quote(owner, safe='')}")
    pairs = [("csrf_token", browser.csrf()), ("owner", form_owner or owner), *(fields or [])]
    multipart_type, body = _multipart(pairs, [("file", filename, content_type, data)])
    headers = browser._headers({"Content-Type": multipart_type})
    headers["Content-Length"] = str(content_length if content_length is not None else len(body))
    response = browser.client.http.post("/admin/documents", body=body, headers=headers)
    browser._keep_cookies(response)
    return response


def _blob_files(store: Path) -> list[Path]:
    return [p for p in (store / "blobs" / "documents").rglob("*") if p.is_file()]


def _nothing_stored(store: Path) -> bool:
    return list(DocumentModel.scan()) == [] and _blob_files(store) == []


def _signed_in(app_client: Any, make_staff: Any, role: str) -> Browser:
    make_staff(role)
    other = Browser(app_client)
    assert other.sign_in(f"{role}@example.com").status_code == 303
    return other


def test_a_pdf_uploaded_through_the_page_downloads_byte_identical(admin: Browser, store: Path) -> None:
    owner = make_customer("Acme")
    response = upload(admin, owner, "Nabídka 2026.pdf", PDF, fields=[("kind", "agreement")])
    assert response.status_code == 303
    listing = admin.get(response.headers["Location"]).body.decode()
    assert "Document uploaded." in listing and "Nabídka 2026.pdf" in listing
    document_id = re.search(r'href="/admin/documents/([0-9a-f]+)"', listing).group(1)  # type: ignore[union-attr]
    assert "agreement" in admin.get(f"/admin/documents/{document_id}").body.decode()
    download = admin.get(f"/admin/documents/{document_id}/download", headers={"Accept": "*/*"})
    assert download.status_code == 200 and download.body == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert "Nab%C3%ADdka%202026.pdf" in download.headers["Content-Disposition"]
    assert [p.read_bytes() for p in _blob_files(store)] == [PDF]


def test_with_the_binary_types_of_api_gateway_uploads_and_downloads_keep_their_bytes(
    admin: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app
    from chalicelib.web.uploads import BINARY_TYPES

    # With app.api.binary_types extended by BINARY_TYPES, API Gateway base64-encodes the upload body;
    # chalice's local gateway only does so on an exact Content-Type match, so it is told to here.
    monkeypatch.setattr(app.app.api, "binary_types", [*app.app.api.binary_types, *BINARY_TYPES])
    converter = admin.client.http._local_gateway.event_converter
    monkeypatch.setattr(converter, "_is_binary", lambda h: h.get("content-type", "").startswith("multipart/"))
    owner = make_customer()
    assert upload(admin, owner, "scan.pdf", PDF).status_code == 303
    (item,) = DocumentModel.scan()
    download = admin.get(f"/admin/documents/{item.id}/download", headers={"Accept": "application/pdf"})
    assert download.status_code == 200 and download.body == PDF
    assert download.headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("declared_only", [True, False])
def test_an_oversize_upload_is_a_413_naming_the_limit_and_stores_nothing(
    admin: Browser, store: Path, declared_only: bool
) -> None:
    owner = make_customer()
    if declared_only:  # refused on Content-Length alone, before the body is read
        response = upload(admin, owner, "big.pdf", PDF, content_length=11 * 1024 * 1024)
    else:
        response = upload(admin, owner, "big.pdf", PDF + b"0" * (11 * 1024 * 1024))
    assert response.status_code == 413
    assert "10 MiB" in response.body.decode()
    assert _nothing_stored(store)


def test_a_file_just_over_the_limit_is_refused_by_name(admin: Browser, store: Path) -> None:
    owner = make_customer()
    response = upload(admin, owner, "edge.pdf", PDF + b"0" * MAX_DOCUMENT_BYTES)
    assert response.status_code == 413
    assert "edge.pdf is larger than the 10 MiB limit" in response.body.decode()
    assert _nothing_stored(store)


@pytest.mark.parametrize(
    ("filename", "content_type", "data"),
    [
        ("setup.exe", "application/x-msdownload", b"MZ\x90\x00\x03"),
        ("invoice.pdf", "application/pdf", b"MZ\x90\x00 pretending to be a pdf"),
    ],
)
def test_a_forbidden_or_fake_file_is_a_400_naming_the_file(
    admin: Browser, store: Path, filename: str, content_type: str, data: bytes
) -> None:
    owner = make_customer()
    response = upload(admin, owner, filename, data, content_type)
    assert response.status_code == 400
    assert filename in response.body.decode() and 'role="alert"' in response.body.decode()
    assert _nothing_stored(store)


def test_an_upload_for_an_unknown_owner_is_a_400_naming_the_field(admin: Browser, store: Path) -> None:
    response = upload(admin, make_customer(), "a.pdf", PDF, form_owner="customer#nope")
    assert response.status_code == 400 and "owner" in response.body.decode()
    assert admin.get("/admin/documents?owner=customer%23nope").status_code == 400
    assert _nothing_stored(store)


def test_a_document_restricted_to_admin_and_billing_is_hidden_from_sales(
    admin: Browser, app_client: Any, make_staff: Any
) -> None:
    owner = make_customer()
    restricted = [("view_roles", "admin"), ("view_roles", "billing")]
    assert upload(admin, owner, "salaries.pdf", PDF, fields=restricted).status_code == 303
    assert upload(admin, owner, "brochure.pdf", PDF).status_code == 303
    ids = {i.filename: i.id for i in DocumentModel.scan()}

    sales = _signed_in(app_client, make_staff, "sales")
    listing = sales.get(f"/admin/documents?owner={quote(owner, safe='')}").body.decode()
    assert "brochure.pdf" in listing and "salaries.pdf" not in listing
    download = sales.get(f"/admin/documents/{ids['salaries.pdf']}/download", headers={"Accept": "*/*"})
    assert download.status_code == 403 and download.body != PDF
    assert sales.get(f"/admin/documents/{ids['salaries.pdf']}").status_code == 403

    billing = _signed_in(app_client, make_staff, "billing")
    assert "salaries.pdf" in billing.get(f"/admin/documents?owner={quote(owner, safe='')}").body.decode()
    download = billing.get(f"/admin/documents/{ids['salaries.pdf']}/download", headers={"Accept": "*/*"})
    assert download.status_code == 200 and download.body == PDF


def test_a_relationship_added_on_one_person_shows_on_both(admin: Browser) -> None:
    ann, bob = make_person("Novak", "Ann"), make_person("Kral", "Bob")
    page = admin.get(f"/admin/people/{ann}/relationships")
    assert page.status_code == 200 and "Kral" in page.body.decode()  # Bob is offered in the picker
    response = admin.post(
        f"/admin/people/{ann}/relationships", {"kind": "emergency_contact", "other_id": bob}
    )
    assert response.status_code == 303
    ann_page = admin.get(f"/admin/people/{ann}/relationships").body.decode()
    bob_page = admin.get(f"/admin/people/{bob}/relationships").body.decode()
    assert re.search(r"<td>emergency contact</td>\s*<td><a [^>]*>Bob Kral</a>", ann_page)
    assert re.search(r"<td>is emergency contact of</td>\s*<td><a [^>]*>Ann Novak</a>", bob_page)

    again = admin.post(f"/admin/people/{ann}/relationships", {"kind": "emergency_contact", "other_id": bob})
    assert again.status_code == 409 and "already have this relationship" in again.body.decode()
    itself = admin.post(f"/admin/people/{ann}/relationships", {"kind": "spouse", "other_id": ann})
    assert itself.status_code == 400 and "cannot be related to themselves" in itself.body.decode()

    admin.get(f"/admin/people/{bob}/relationships")
    removed = admin.post(
        f"/admin/people/{bob}/relationships/remove", {"kind": "has_emergency_contact", "other_id": ann}
    )
    assert removed.status_code == 303
    assert "No relationships yet." in admin.get(f"/admin/people/{ann}/relationships").body.decode()


def test_relationships_of_an_unknown_person_are_a_400_naming_the_field(admin: Browser) -> None:
    response = admin.get("/admin/people/nobody/relationships")
    assert response.status_code == 400 and "person_id" in response.body.decode()


def _log(admin: Browser, subject: str, data: dict[str, str]) -> Any:
    admin.get(f"/admin/interactions?subject={quote(subject, safe='')}")
    return admin.post("/admin/interactions", {"subject": subject, **data})


def test_logging_with_a_task_then_overdue_and_done(admin: Browser, app_client: Any, make_staff: Any) -> None:
    customer = make_customer("Acme")
    today = datetime.now(UTC).date()
    me = re.search(
        r'<option value="([0-9a-f]+)" selected>',
        admin.get(f"/admin/interactions?subject={quote(customer, safe='')}").body.decode(),
    )
    assert me is not None  # the assignee defaults to the signed-in user
    response = _log(
        admin,
        customer,
        {
            "kind": "call",
            "title": "Renewal call",
            "notes": "asked for a discount",
            "task_title": "Send the quote",
            "task_assignee_id": me.group(1),
            "task_due_date": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 303
    timeline = admin.get(response.headers["Location"]).body.decode()
    assert "Renewal call" in timeline and "Send the quote" in timeline and "overdue" in timeline
    _log(
        admin,
        customer,
        {
            "kind": "meeting",
            "title": "Kick-off",
            "task_title": "Later one",
            "task_assignee_id": me.group(1),
            "task_due_date": (today + timedelta(days=3)).isoformat(),
        },
    )

    mine = admin.get("/admin/tasks").body.decode()
    assert mine.index("Send the quote") < mine.index("Later one")  # sorted by due date
    overdue = admin.get("/admin/tasks?view=overdue").body.decode()
    assert "Send the quote" in overdue and "Later one" not in overdue and "Acme" in overdue

    task_id = next(t.id for t in TaskModel.scan() if t.title == "Send the quote")
    assert admin.post(f"/admin/tasks/{task_id}/complete", {"view": "overdue"}).status_code == 303
    assert "Send the quote" not in admin.get("/admin/tasks?view=overdue").body.decode()
    assert "Send the quote" not in admin.get("/admin/tasks").body.decode()
    timeline = admin.get(f"/admin/interactions?subject={quote(customer, safe='')}").body.decode()
    assert '<span class="tag ok">done</span>' in timeline

    viewer = _signed_in(app_client, make_staff, "viewer")
    assert viewer.get("/admin/tasks").status_code == 403
    nav = re.search(r"<nav>(.*?)</nav>", admin.get("/admin").body.decode(), re.S).group(1)  # type: ignore[union-attr]
    assert 'href="/admin/tasks"' in nav


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"kind": "call", "title": ""}, "title is required"),
        ({"kind": "call", "title": "x", "task_title": "t", "task_due_date": "soon"}, "task_due_date"),
    ],
)
def test_bad_interaction_input_is_a_400_naming_the_field_and_stores_nothing(
    admin: Browser, data: dict[str, str], says: str
) -> None:
    customer = make_customer()
    response = _log(admin, customer, data)
    assert response.status_code == 400 and says in response.body.decode().replace("&#39;", "'")
    assert list(InteractionModel.scan()) == [] and list(TaskModel.scan()) == []


def test_an_unknown_subject_is_a_400_naming_the_field(admin: Browser) -> None:
    customer = make_customer()
    admin.get(f"/admin/interactions?subject={quote(customer, safe='')}")
    response = admin.post("/admin/interactions", {"subject": "person#ghost", "kind": "call", "title": "x"})
    assert response.status_code == 400 and "subject" in response.body.decode()
    assert admin.get("/admin/interactions?subject=customer%23ghost").status_code == 400
    assert list(InteractionModel.scan()) == []
