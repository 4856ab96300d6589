"""Uploading documents, changing who may see them, deleting them: each change audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.adapters.blobs import BlobStore
from chalicelib.domain import documents as rules
from chalicelib.domain.audit import Actor
from chalicelib.domain.documents import Document
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.ids import new_id
from chalicelib.domain.roles import Role
from chalicelib.store import documents, subjects


def upload_document(
    *,
    owner: str,
    filename: str,
    declared_type: str,
    data: bytes,
    kind: str = "other",
    view_roles: list[str] | None = None,
    download_roles: list[str] | None = None,
    blobs: BlobStore,
    actor: Actor,
    now: datetime,
) -> Document:
    """Validates everything before anything is written: a refused file leaves no record and no blob."""
    owner = subjects.require(owner, field="owner")
    name, content_type = rules.check_file(filename, declared_type, data)
    view, download = rules.rights(view_roles, download_roles)
    document_id = new_id()
    document = Document(
        id=document_id,
        owner=owner,
        filename=name,
        content_type=content_type,
        size=len(data),
        blob_key=rules.blob_key(document_id, name),
        kind=rules.parse_kind(kind, content_type),
        view_roles=view,
        download_roles=download,
        uploaded_by=actor.id,
        created_at=now,
    )
    entry = actor.entry("document", document_id, "document.uploaded", now, after=document.fields())
    return documents.create(document, data, blobs, entry)


def change_rights(
    document_id: str,
    *,
    view_roles: list[str] | None,
    download_roles: list[str] | None,
    kind: str | None = None,
    actor: Actor,
    now: datetime,
) -> Document:
    before = documents.get(document_id)
    view, download = rules.rights(view_roles, download_roles)
    new_kind = rules.parse_kind(kind, before.content_type) if kind is not None else before.kind
    after = replace(before, view_roles=view, download_roles=download, kind=new_kind)
    if after == before:
        return before
    entry = actor.entry(
        "document", document_id, "document.rights_changed", now, before.fields(), after.fields()
    )
    return documents.update(before, after, entry)


def delete_document(document_id: str, *, blobs: BlobStore, actor: Actor, now: datetime) -> None:
    document = documents.get(document_id)
    entry = actor.entry("document", document_id, "document.deleted", now, before=document.fields())
    documents.delete(document, blobs, entry)


def visible_documents(owner: str, role: Role) -> list[Document]:
    """A document the role may not view is not listed at all."""
    return [d for d in documents.for_owner(owner) if d.may_view(role)]


def read_for_download(document_id: str, role: Role, blobs: BlobStore) -> tuple[Document, bytes]:
    document = documents.get(document_id)
    if not document.may_view(role):
        raise Forbidden("your role may not see this document")
    if not document.may_download(role):
        raise Forbidden(f"your role ({role.value}) may not download {document.filename}")
    return document, blobs.get(document.blob_key)
