"""Documents: the record in DynamoDB, the bytes in the blob store, listed per owner by an index."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.blobs import BlobStore
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.documents import Document
from chalicelib.domain.errors import NotFound
from chalicelib.domain.lookups import ref, uses_key
from chalicelib.domain.roles import Role
from chalicelib.store.models_activity import DocumentModel
from chalicelib.store.records import Change, commit


def _document(item: DocumentModel) -> Document:
    return Document(
        id=item.id,
        owner=item.owner,
        filename=item.filename,
        content_type=item.content_type,
        size=int(item.size),
        blob_key=item.blob_key,
        kind=item.kind,
        view_roles=frozenset(Role(r) for r in item.view_roles or ()),
        download_roles=frozenset(Role(r) for r in item.download_roles or ()),
        uploaded_by=item.uploaded_by,
        created_at=item.created_at,
    )


def _item(document: Document) -> DocumentModel:
    return DocumentModel(
        id=document.id,
        owner=document.owner,
        filename=document.filename,
        content_type=document.content_type,
        size=document.size,
        blob_key=document.blob_key,
        kind=document.kind,
        view_roles={r.value for r in document.view_roles},
        download_roles={r.value for r in document.download_roles},
        uploaded_by=document.uploaded_by,
        created_at=document.created_at,
    )


def get(document_id: str) -> Document:
    try:
        return _document(DocumentModel.get(document_id))
    except DoesNotExist:
        raise NotFound(f"no document {document_id}") from None


def for_owner(owner: str, limit: int = 200) -> list[Document]:
    """Newest first."""
    return [_document(i) for i in DocumentModel.by_owner.query(owner, scan_index_forward=False, limit=limit)]


def create(document: Document, data: bytes, blobs: BlobStore, entry: AuditEntry) -> Document:
    """The bytes go first; if the record cannot be written they are removed again."""
    blobs.put(document.blob_key, data, document.content_type)
    change = Change(audit=entry).save(_item(document), DocumentModel.id.does_not_exist())
    change.lookups(ref("document", document.id), [], [uses_key(document.owner)])
    try:
        commit(change)
    except BaseException:
        blobs.delete(document.blob_key)
        raise
    return document


def update(before: Document, after: Document, entry: AuditEntry) -> Document:
    """Changes rights or kind; Conflict if someone else changed the document meanwhile."""
    condition = (DocumentModel.view_roles == {r.value for r in before.view_roles}) & (
        DocumentModel.download_roles == {r.value for r in before.download_roles}
    )
    commit(Change(audit=entry).save(_item(after), DocumentModel.id.exists() & condition))
    return after


def delete(document: Document, blobs: BlobStore, entry: AuditEntry) -> None:
    """The record goes first: a crash in between leaves an unreachable blob, never a dead link."""
    change = Change(audit=entry).delete(_item(document), DocumentModel.id.exists())
    change.lookups(ref("document", document.id), [uses_key(document.owner)], [])
    commit(change)
    blobs.delete(document.blob_key)
