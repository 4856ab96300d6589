"""Documents against DynamoDB Local and a blob folder: all or nothing, rights, lookups, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.blobs import BlobNotFound, LocalBlobStore
from chalicelib.domain.audit import Actor
from chalicelib.domain.documents import MAX_DOCUMENT_BYTES, Document, FileTooLarge
from chalicelib.domain.errors import Conflict, Forbidden, ValidationError
from chalicelib.domain.lookups import ref, uses_key
from chalicelib.domain.roles import Role
from chalicelib.services import manage_documents
from chalicelib.store import audit, documents, records
from chalicelib.store.models_activity import DocumentModel
from tests.activity_helpers import PDF, make_customer, make_person
from tests.service.conftest import NOW

ACTOR = Actor("u1", "ann@example.com")


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


def _upload(owner: str, blobs: LocalBlobStore, **kwargs: Any) -> Document:
    args: dict[str, Any] = {"filename": "Offer.pdf", "declared_type": "application/pdf", "data": PDF}
    args.update(kwargs)
    return manage_documents.upload_document(owner=owner, blobs=blobs, actor=ACTOR, now=NOW, **args)


def _nothing_stored(blobs: LocalBlobStore) -> bool:
    folder = blobs.folder / "documents"
    return not list(DocumentModel.scan()) and not any(p.is_file() for p in folder.rglob("*"))


def test_an_upload_stores_record_blob_lookup_and_audit(blobs: LocalBlobStore) -> None:
    owner = make_customer()
    document = manage_documents.upload_document(
        owner=owner,
        filename="Offer.pdf",
        declared_type="application/pdf",
        data=PDF,
        kind="agreement",
        blobs=blobs,
        actor=ACTOR,
        now=NOW,
    )
    assert documents.get(document.id) == document
    assert document.blob_key == f"documents/{document.id}/offer.pdf"
    assert blobs.get(document.blob_key) == PDF
    assert records.refs(uses_key(owner)) == [ref("document", document.id)]
    entries = audit.for_entity("document", document.id)
    assert [(e.action, e.actor, e.after["filename"]) for e in entries] == [  # type: ignore[index]
        ("document.uploaded", "u1", "Offer.pdf")
    ]
    assert [d.id for d in manage_documents.visible_documents(owner, Role.VIEWER)] == [document.id]


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        (
            {"filename": "run.exe", "declared_type": "application/x-msdownload", "data": b"MZ\x90"},
            ValidationError,
            "run.exe",
        ),
        ({"filename": "fake.pdf", "data": b"<html>not a pdf</html>"}, ValidationError, "fake.pdf"),
        ({"data": PDF + b"0" * MAX_DOCUMENT_BYTES}, FileTooLarge, "10 MiB"),
        ({"kind": "photo"}, ValidationError, "must be an image"),
        ({"view_roles": ["owner"]}, ValidationError, "'owner'"),
    ],
)
def test_a_refused_upload_stores_nothing(
    blobs: LocalBlobStore, kwargs: dict[str, object], error: type[Exception], says: str
) -> None:
    owner = make_customer()
    with pytest.raises(error, match=says):
        _upload(owner, blobs, **kwargs)
    assert _nothing_stored(blobs)


def test_an_unknown_owner_is_a_validation_error_naming_the_field(blobs: LocalBlobStore) -> None:
    for owner in ("customer#nope", "person#nope", "invoice#1", ""):
        with pytest.raises(ValidationError) as error:
            _upload(owner, blobs)
        assert error.value.field == "owner"
    assert _nothing_stored(blobs)


def test_documents_on_people_too(blobs: LocalBlobStore) -> None:
    owner = ref("person", make_person("Novak", "Jan"))
    document = _upload(
        owner,
        blobs,
        filename="photo.png",
        declared_type="image/png",
        data=b"\x89PNG\r\n\x1a\n....",
        kind="photo",
    )
    assert [d.id for d in documents.for_owner(owner)] == [document.id]


def test_if_the_record_cannot_be_written_the_blob_is_removed(blobs: LocalBlobStore, monkeypatch) -> None:
    owner = make_customer()

    def failing_commit(change: object) -> None:
        raise Conflict("simulated")

    monkeypatch.setattr(documents, "commit", failing_commit)
    with pytest.raises(Conflict):
        _upload(owner, blobs)
    assert _nothing_stored(blobs)


def test_restricted_documents_are_hidden_and_not_downloadable(blobs: LocalBlobStore) -> None:
    owner = make_customer()
    secret = _upload(owner, blobs, filename="salaries.pdf", view_roles=["admin", "billing"])
    open_one = _upload(owner, blobs, filename="brochure.pdf")
    view_only = _upload(
        owner, blobs, filename="draft.pdf", view_roles=["sales", "billing"], download_roles=["billing"]
    )
    visible = {d.filename for d in manage_documents.visible_documents(owner, Role.SALES)}
    assert visible == {"brochure.pdf", "draft.pdf"}
    with pytest.raises(Forbidden):
        manage_documents.read_for_download(secret.id, Role.SALES, blobs)
    with pytest.raises(Forbidden, match="may not download draft.pdf"):
        manage_documents.read_for_download(view_only.id, Role.SALES, blobs)
    assert manage_documents.read_for_download(secret.id, Role.BILLING, blobs)[1] == PDF
    assert manage_documents.read_for_download(open_one.id, Role.VIEWER, blobs)[1] == PDF


def test_changing_rights_is_audited_and_deleting_removes_record_blob_and_lookup(
    blobs: LocalBlobStore,
) -> None:
    owner = make_customer()
    document = _upload(owner, blobs)
    changed = manage_documents.change_rights(
        document.id, view_roles=["billing"], download_roles=[], actor=ACTOR, now=NOW
    )
    assert changed.view_roles == {Role.ADMIN, Role.BILLING}
    assert documents.get(changed.id).view_roles == {Role.ADMIN, Role.BILLING}
    manage_documents.delete_document(changed.id, blobs=blobs, actor=ACTOR, now=NOW)
    assert _nothing_stored(blobs)
    assert records.refs(uses_key(owner)) == []
    with pytest.raises(BlobNotFound):
        blobs.get(changed.blob_key)
