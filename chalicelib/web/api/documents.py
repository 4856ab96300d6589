"""Documents over JSON: metadata, content as base64, upload as base64, delete.

An API key has no staff role. A key with documents:read reads documents as an admin would, and
admins are always among a document's view and download roles (domain.documents.parse_roles), so
such a key sees every document: give it only to integrations that may.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from chalicelib import bootstrap
from chalicelib.domain import documents as rules
from chalicelib.domain.documents import Document
from chalicelib.domain.errors import DomainError, Forbidden, NotFound, ValidationError
from chalicelib.domain.roles import ApiScope, Role
from chalicelib.web.api.routing import MAX_BODY_BYTES, ApiContext, endpoint, string_fields

# The documents service and store are imported inside the handlers: every API module is imported
# at cold start, and only the route that runs needs them.
KEY_ROLE = Role.ADMIN  # what a key reads as: see the module docstring
_ROLES: dict[str, Any] = {"type": "array", "items": {"type": "string", "enum": [r.value for r in Role]}}
DOCUMENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        **{
            name: {"type": "string"}
            for name in ("id", "owner", "filename", "content_type", "kind", "uploaded_by", "created_at")
        },
        "size": {"type": "integer"},
        "view_roles": _ROLES,
        "download_roles": _ROLES,
    },
}
DOCUMENT_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["owner", "filename", "content_base64"],
    "properties": {
        "owner": {"type": "string", "examples": ["customer#<id>", "person#<id>"]},
        "filename": {"type": "string", "examples": ["contract.pdf"]},
        "content_type": {"type": "string", "description": "optional; must match the file's extension"},
        "content_base64": {"type": "string", "contentEncoding": "base64"},
        "kind": {"type": "string", "enum": list(rules.KINDS)},
        "view_roles": {**_ROLES, "description": "empty: every role; admin is always added"},
        "download_roles": {**_ROLES, "description": "only roles that may view"},
    },
}
CONTENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "filename": {"type": "string"},
        "content_type": {"type": "string"},
        "content_base64": {"type": "string", "contentEncoding": "base64"},
    },
}
_BODY_LIMIT = f"{MAX_BODY_BYTES // 1024} KiB"


def document_json(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        **document.fields(),
        "uploaded_by": document.uploaded_by,
        "created_at": document.created_at.isoformat(),
    }


def _readable(document_id: str) -> Document:
    from chalicelib.store import documents

    document = documents.get(document_id)
    if not document.may_view(KEY_ROLE):
        raise Forbidden("this document is hidden from API keys")
    return document


@endpoint(
    "/documents",
    "GET",
    summary="A customer's or person's documents, newest first (metadata only). "
    "A documents:read key sees every document, as an admin does",
    scope=ApiScope.DOCUMENTS_READ,
    query=(("owner", "customer#<id> or person#<id> (URL-encode # as %23)"),),
)
def list_documents(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services import manage_documents
    from chalicelib.store import subjects

    owner = ctx.query.get("owner", "").strip()
    if not owner:
        raise ValidationError("ask for ?owner=customer%23<id> or person%23<id>", field="owner")
    if not subjects.exists(owner):
        raise NotFound(f"no customer or person {owner}", field="owner")
    return {"items": [document_json(d) for d in manage_documents.visible_documents(owner, KEY_ROLE)]}


@endpoint(
    "/documents/{document_id}",
    "GET",
    summary="One document's metadata",
    scope=ApiScope.DOCUMENTS_READ,
    response_schema=DOCUMENT,
)
def get_document(ctx: ApiContext, document_id: str) -> dict[str, Any]:
    return document_json(_readable(document_id))


@endpoint(
    "/documents/{document_id}/content",
    "GET",
    summary="A document's bytes, base64 in JSON",
    scope=ApiScope.DOCUMENTS_READ,
    response_schema=CONTENT,
)
def get_document_content(ctx: ApiContext, document_id: str) -> dict[str, Any]:
    from chalicelib.services import manage_documents

    document, data = manage_documents.read_for_download(document_id, KEY_ROLE, bootstrap.blobs())
    return {
        "filename": document.filename,
        "content_type": document.content_type,
        "content_base64": base64.b64encode(data).decode("ascii"),
    }


def _roles(body: dict[str, Any], name: str) -> list[str] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{name} must be a list of role names", field=name)
    return value


def _decoded(text: str) -> bytes:
    try:
        # Line breaks (MIME-style base64) are allowed; any other stray character is not.
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("content_base64 is not valid base64", field="content_base64") from None


def _check_name_and_type(filename: str, declared: str) -> None:
    """What the upload rules say about the name and declared type, named after the API's own fields
    (the page's single "file" field covers all of them)."""
    try:
        name = rules.clean_filename(filename)
    except ValidationError as error:
        raise ValidationError(error.message, field="filename") from None
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in rules.TYPES:
        allowed = ", ".join(sorted({e for e in rules.TYPES if e != "jpeg"}))
        raise ValidationError(
            f"{name}: files of this type are not accepted (allowed: {allowed})", field="filename"
        )
    stored, aliases = rules.TYPES[extension]
    kind = declared.split(";")[0].strip().lower()
    if kind not in rules.GENERIC_TYPES and kind != stored and kind not in aliases:
        raise ValidationError(
            f"{name} was sent as {kind}, which does not match .{extension}", field="content_type"
        )


@endpoint(
    "/documents",
    "POST",
    summary=f"Upload a document as base64 in JSON. The whole body may be at most {_BODY_LIMIT} "
    "(files up to about 190 KiB); upload larger files on the admin Documents page",
    scope=ApiScope.DOCUMENTS_WRITE,
    request_schema=DOCUMENT_INPUT,
    response_schema=DOCUMENT,
    status=201,
)
def post_document(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services import manage_documents

    data = string_fields(ctx.body, ("owner", "filename", "content_type", "content_base64", "kind"))
    for required in ("owner", "filename", "content_base64"):
        if not data.get(required, "").strip():
            raise ValidationError(f"{required} is required", field=required)
    _check_name_and_type(data["filename"], data.get("content_type", ""))
    content = _decoded(data["content_base64"])
    try:
        document = manage_documents.upload_document(
            owner=data["owner"],
            filename=data["filename"],
            declared_type=data.get("content_type", ""),
            data=content,
            kind=data.get("kind") or "other",
            view_roles=_roles(ctx.body, "view_roles"),
            download_roles=_roles(ctx.body, "download_roles"),
            blobs=bootstrap.blobs(),
            actor=ctx.actor,
            now=ctx.now,
        )
    except DomainError as error:
        if error.field != "file":
            raise
        # What is left of the page's "file" errors is about the bytes: empty, too large, not what
        # the extension says. Same status (413 stays 413), the API's field name.
        raise type(error)(error.message, field="content_base64") from None
    return document_json(document)


@endpoint(
    "/documents/{document_id}",
    "DELETE",
    summary="Delete a document and its file",
    scope=ApiScope.DOCUMENTS_WRITE,
)
def delete_document(ctx: ApiContext, document_id: str) -> dict[str, Any]:
    from chalicelib.services import manage_documents

    _readable(document_id)
    manage_documents.delete_document(document_id, blobs=bootstrap.blobs(), actor=ctx.actor, now=ctx.now)
    return {"id": document_id, "deleted": True}
