"""CSV import pages (upload, mapping, preview, progress, result, error CSV) and CSV export."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from chalice import Response

from chalicelib import bootstrap
from chalicelib.domain.csv_mapping import ENTITIES, FIELDS
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.roles import Permission
from chalicelib.store import imports
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.forms import uploaded_files
from chalicelib.web.responses import page, redirect

if TYPE_CHECKING:
    from types import ModuleType


def _pipeline() -> ModuleType:
    # The CSV pipeline (reader, mapping, importers) is ~12 ms of every cold start; only these pages use it.
    from chalicelib.services import import_csv

    return import_csv


def _exporter() -> ModuleType:
    from chalicelib.services import export_csv

    return export_csv


DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "cp1251": "Windows-1251",
    "cp1252": "Windows-1252",
}
NOTICES = {"mapping": "Mapping saved: the preview below uses it.", "started": "Import started."}


def _list(ctx: PageContext, status: int = 200, error: ValidationError | None = None) -> Response:
    return ctx.render(
        "admin/imports.html",
        status,
        jobs=imports.recent(),
        entities=ENTITIES,
        chosen=ctx.form.get("entity", "customers"),
        error=error,
    )


@admin_page("/imports", permission=Permission.IMPORT_DATA)
def import_list(ctx: PageContext) -> Response:
    return _list(ctx)


@admin_page("/imports", permission=Permission.IMPORT_DATA, methods=("POST",))
def import_upload(ctx: PageContext) -> Response:
    files = [f for f in uploaded_files(ctx.request) if f.field == "file"]
    try:
        if not files:
            raise ValidationError("choose a CSV file to upload", field="file")
        job = _pipeline().upload(
            ctx.form.get("entity", ""),
            files[0].filename,
            files[0].data,
            blobs=bootstrap.blobs(),
            actor=ctx.actor,
            now=ctx.now,
        )
    except ValidationError as error:
        return _list(ctx, 400, error)
    return redirect(f"{PREFIX}/imports/{job.id}")


def _detail(
    ctx: PageContext, import_id: str, status: int = 200, error: ValidationError | None = None
) -> Response:
    job = imports.get(import_id)
    preview = _pipeline().preview(import_id, blobs=bootstrap.blobs()) if job.status == "uploaded" else None
    headers = {"Refresh": "2"} if job.running else None
    # While it runs the page reloads itself (Refresh header and meta tag): the progress bar moves.
    return page(
        "admin/import.html",
        status,
        headers,
        ctx=ctx,
        job=job,
        preview=preview,
        fields=FIELDS[job.entity],
        encoding=ENCODING_NAMES.get(job.encoding, job.encoding),
        delimiter=DELIMITER_NAMES.get(job.delimiter, job.delimiter),
        error=error,
        notice=_notice(ctx.query.get("notice", ""), job.status),
    )


def _notice(code: str, status: str) -> str:
    # An import run inline (or quickly) is finished by the time the page shows: "started" would mislead.
    if code == "started" and status in ("done", "failed"):
        return ""
    return NOTICES.get(code, "")


@admin_page("/imports/{import_id}", permission=Permission.IMPORT_DATA)
def import_detail(ctx: PageContext, import_id: str) -> Response:
    return _detail(ctx, import_id)


@admin_page("/imports/{import_id}/mapping", permission=Permission.IMPORT_DATA, methods=("POST",))
def import_mapping(ctx: PageContext, import_id: str) -> Response:
    job = imports.get(import_id)
    mapping = {column: ctx.form.get(f"col_{index}", "") for index, column in enumerate(job.header)}
    try:
        _pipeline().choose_mapping(import_id, mapping, now=ctx.now)
    except ValidationError as error:
        return _detail(ctx, import_id, 400, error)
    return redirect(f"{PREFIX}/imports/{import_id}?notice=mapping")


@admin_page("/imports/{import_id}/run", permission=Permission.IMPORT_DATA, methods=("POST",))
def import_run(ctx: PageContext, import_id: str) -> Response:
    try:
        _pipeline().start(import_id, queue=bootstrap.queue())
    except ValidationError as error:
        return _detail(ctx, import_id, 400, error)
    return redirect(f"{PREFIX}/imports/{import_id}?notice=started")


def _csv(filename: str, data: bytes) -> Response:
    return Response(
        body=data.decode("utf-8"),  # text, so API Gateway needs no binary type for it
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )


@admin_page("/imports/{import_id}/errors.csv", permission=Permission.IMPORT_DATA)
def import_errors(ctx: PageContext, import_id: str) -> Response:
    filename, data = _pipeline().error_file(import_id, blobs=bootstrap.blobs())
    return _csv(filename, data)


@admin_page("/export/{filename}", permission=Permission.EXPORT_DATA)
def export(ctx: PageContext, filename: str) -> Response:
    entity = filename.removesuffix(".csv")
    if not filename.endswith(".csv") or entity not in ENTITIES:
        raise NotFound(f"no export {filename}: try {', '.join(e + '.csv' for e in ENTITIES)}")
    data = _exporter().export(entity, may_view_sensitive=ctx.can(Permission.VIEW_SENSITIVE_FIELDS))
    return _csv(f"{entity}-{ctx.now:%Y-%m-%d}.csv", data)
