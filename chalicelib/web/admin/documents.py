"""Documents on a customer or person: list and upload, details and rights, download, delete."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Response

from chalicelib import bootstrap
from chalicelib.domain.documents import KINDS, MAX_DOCUMENT_LABEL, Document
from chalicelib.domain.errors import Forbidden, ValidationError
from chalicelib.domain.roles import Permission, Role
from chalicelib.services import manage_documents
from chalicelib.store import documents
from chalicelib.web.admin.activity_common import pick_subject, subject, values
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page, bp
from chalicelib.web.forms import uploaded_files
from chalicelib.web.responses import redirect

NOTICES = {"uploaded": "Document uploaded.", "rights": "Rights saved.", "deleted": "Document deleted."}


def _list(ctx: PageContext, owner: str, status: int = 200, error: ValidationError | None = None) -> Response:
    owner_subject = subject(owner, field="owner")
    return ctx.render(
        "admin/documents.html",
        status,
        subject=owner_subject,
        documents=manage_documents.visible_documents(owner_subject.ref, ctx.user.role),
        kinds=KINDS,
        roles=list(Role),
        limit=MAX_DOCUMENT_LABEL,
        error=error,
        form=ctx.form if error else {},
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


@admin_page("/documents", permission=Permission.VIEW_CUSTOMERS)
def document_list(ctx: PageContext) -> Response:
    if not ctx.query.get("owner", "").strip():
        return pick_subject(ctx, "Documents", "/documents", "owner")
    return _list(ctx, ctx.query["owner"])


@admin_page("/documents", permission=Permission.UPLOAD_DOCUMENTS, methods=("POST",))
def document_upload(ctx: PageContext) -> Response:
    owner = ctx.form.get("owner", "")
    files = [f for f in uploaded_files(ctx.request) if f.field == "file"]
    try:
        if not files:
            raise ValidationError("choose a file to upload", field="file")
        manage_documents.upload_document(
            owner=owner,
            filename=files[0].filename,
            declared_type=files[0].content_type,
            data=files[0].data,
            kind=ctx.form.get("kind", "other"),
            view_roles=values(ctx.form.get("view_roles")),
            download_roles=values(ctx.form.get("download_roles")),
            blobs=bootstrap.blobs(),
            actor=ctx.actor,
            now=ctx.now,
        )
    except ValidationError as error:
        if error.field == "owner":
            raise
        return _list(ctx, owner, 400, error)
    return redirect(f"{PREFIX}/documents?owner={quote(owner, safe='')}&notice=uploaded")


def _visible(ctx: PageContext, document_id: str) -> Document:
    document = documents.get(document_id)
    if not document.may_view(ctx.user.role):
        raise Forbidden(f"your role ({ctx.user.role.value}) may not see this document")
    return document


def _detail(
    ctx: PageContext, document: Document, status: int = 200, error: ValidationError | None = None
) -> Response:
    return ctx.render(
        "admin/document.html",
        status,
        document=document,
        subject=subject(document.owner, field="owner"),
        may_download=document.may_download(ctx.user.role),
        kinds=KINDS,
        roles=list(Role),
        error=error,
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


@admin_page("/documents/{document_id}", permission=Permission.VIEW_CUSTOMERS)
def document_detail(ctx: PageContext, document_id: str) -> Response:
    return _detail(ctx, _visible(ctx, document_id))


@admin_page("/documents/{document_id}/rights", permission=Permission.UPLOAD_DOCUMENTS, methods=("POST",))
def document_rights(ctx: PageContext, document_id: str) -> Response:
    document = _visible(ctx, document_id)
    try:
        manage_documents.change_rights(
            document_id,
            view_roles=values(ctx.form.get("view_roles")),
            download_roles=values(ctx.form.get("download_roles")),
            kind=ctx.form.get("kind"),
            actor=ctx.actor,
            now=ctx.now,
        )
    except ValidationError as error:
        return _detail(ctx, document, 400, error)
    return redirect(f"{PREFIX}/documents/{document_id}?notice=rights")


@admin_page("/documents/{document_id}/delete", permission=Permission.UPLOAD_DOCUMENTS, methods=("POST",))
def document_delete(ctx: PageContext, document_id: str) -> Response:
    document = _visible(ctx, document_id)
    manage_documents.delete_document(document_id, blobs=bootstrap.blobs(), actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/documents?owner={quote(document.owner, safe='')}&notice=deleted")


@admin_page("/documents/{document_id}/download", permission=Permission.VIEW_CUSTOMERS)
def document_download(ctx: PageContext, document_id: str) -> Response:
    document, data = manage_documents.read_for_download(document_id, ctx.user.role, bootstrap.blobs())
    # A type API Gateway does not treat as binary would be mangled: send those as octet-stream.
    binary_types = bp.current_app.api.binary_types
    content_type = (
        document.content_type if document.content_type in binary_types else "application/octet-stream"
    )
    return Response(
        body=data,
        status_code=200,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(document.filename, safe='')}",
            "Content-Length": str(len(data)),
            "Cache-Control": "private, no-store",
        },
    )
