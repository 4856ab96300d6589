"""CSV import (S2): upload, map columns, preview with per-row validation, run in chunks, report errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.adapters.blobs import BlobStore
from chalicelib.adapters.queue import Queue
from chalicelib.domain import csv_mapping
from chalicelib.domain.audit import Actor
from chalicelib.domain.csv_reader import CsvTable, Row, read_csv
from chalicelib.domain.errors import DomainError, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.imports import ImportJob, RowError, check_upload, error_csv, safe_filename
from chalicelib.services.importers import importer_for
from chalicelib.services.importers.base import Candidate, Importer, RunContext
from chalicelib.store import imports
from chalicelib.store.bulk import BulkWriter

CHUNK = 500  # rows per progress update and per audit record
PREVIEW_ROWS = 50
RUN_MESSAGE = "import.run"


@dataclass(frozen=True)
class PreviewRow:
    number: int
    values: dict[str, str]
    error: RowError | None


@dataclass(frozen=True)
class Preview:
    job: ImportJob
    rows: list[PreviewRow]  # the first PREVIEW_ROWS rows
    valid: int  # over the whole file
    invalid: int


def upload(
    entity: str, filename: str, data: bytes, *, blobs: BlobStore, actor: Actor, now: datetime
) -> ImportJob:
    """Reads the file at once, so a file without a header or in a wrong encoding is refused here."""
    csv_mapping.fields_of(entity)
    name = safe_filename(filename)
    check_upload(name, data)
    table = read_csv(data)
    mapping = imports.saved_mapping(entity, csv_mapping.header_key(table.header))
    if mapping is None or set(mapping) != set(table.header):
        mapping = csv_mapping.suggest(entity, table.header)
    import_id = new_id()
    job = ImportJob(
        id=import_id,
        entity=entity,
        filename=name,
        blob_key=f"imports/{import_id}/{name}",
        encoding=table.encoding,
        delimiter=table.delimiter,
        header=table.header,
        mapping=mapping,
        status="uploaded",
        created_by=actor.id,
        created_by_label=actor.label,
        created_at=now,
        total_rows=len(table.rows),
    )
    blobs.put(job.blob_key, data, "text/csv")
    return imports.create(job)


def choose_mapping(import_id: str, mapping: dict[str, str], *, now: datetime) -> ImportJob:
    """Checks and keeps the mapping, and remembers it for the next file with the same header."""
    job = imports.get(import_id)
    checked = csv_mapping.check_mapping(job.entity, job.header, mapping)
    imports.save_mapping(job.entity, csv_mapping.header_key(job.header), checked, now)
    return imports.set_mapping(import_id, checked)


def _check(importer: Importer, mapping: dict[str, str], row: Row) -> Candidate | RowError:
    if row.error:
        return RowError(row.number, "", row.error)
    mapped = csv_mapping.apply(mapping, row.values)
    try:
        value = importer.validate(mapped)
    except ValidationError as error:
        return RowError(row.number, csv_mapping.column_of(mapping, error.field or ""), error.message)
    return Candidate(row=row.number, value=value, fields=frozenset(mapped))


def preview(import_id: str, *, blobs: BlobStore, limit: int = PREVIEW_ROWS) -> Preview:
    job = imports.get(import_id)
    table = read_csv(blobs.get(job.blob_key))
    importer = importer_for(job.entity)
    shown: list[PreviewRow] = []
    invalid = 0
    for index, row in enumerate(table.rows):
        checked = _check(importer, job.mapping, row)
        error = checked if isinstance(checked, RowError) else None
        invalid += error is not None
        if index < limit:
            shown.append(PreviewRow(row.number, row.values, error))
    return Preview(job=job, rows=shown, valid=len(table.rows) - invalid, invalid=invalid)


def start(import_id: str, *, queue: Queue) -> ImportJob:
    """Queues the run: a worker (SQS on AWS, a thread or inline locally) calls run()."""
    job = imports.get(import_id)
    csv_mapping.check_mapping(job.entity, job.header, job.mapping)
    if job.status in ("queued", "running"):
        return job
    imports.set_status(import_id, "queued")
    # A second run must look for records the first one wrote by their derived ids, too.
    queue.send_batch([{"type": RUN_MESSAGE, "import_id": import_id, "rerun": job.status != "uploaded"}])
    return imports.get(import_id)


def run(
    import_id: str, *, blobs: BlobStore, clock: Callable[[], datetime], rerun: bool | None = None
) -> ImportJob:
    """Writes every valid row, chunk by chunk; a second run of the same import repairs the first."""
    job = imports.get(import_id)
    if rerun is None:
        rerun = job.status in ("running", "done", "failed") or job.processed_rows > 0
    imports.start_run(import_id)
    try:
        table = read_csv(blobs.get(job.blob_key))
        failed = _write_rows(job, table, rerun, clock)
    except DomainError as error:
        return imports.finish(import_id, status="failed", errors_blob_key=None, errors=[], now=clock(),
                              error=error.message)
    except Exception as error:
        imports.finish(import_id, status="failed", errors_blob_key=None, errors=[], now=clock(),
                       error=f"the import stopped unexpectedly ({type(error).__name__}); run it again")
        raise
    key = None
    if failed:
        key = f"imports/{import_id}/errors.csv"
        blobs.put(key, error_csv(table.header, table.delimiter, failed), "text/csv")
    return imports.finish(import_id, status="done", errors_blob_key=key, errors=[e for _, e in failed],
                          now=clock())


def _write_rows(
    job: ImportJob, table: CsvTable, rerun: bool, clock: Callable[[], datetime]
) -> list[tuple[dict[str, str], RowError]]:
    importer = importer_for(job.entity)
    mapping = csv_mapping.check_mapping(job.entity, job.header, job.mapping)
    failed: list[tuple[dict[str, str], RowError]] = []
    counts = {"processed": 0, "written": 0, "created": 0, "updated": 0, "failed": 0}
    actor = Actor(job.created_by, job.created_by_label)
    with BulkWriter() as writer:
        for first in range(0, len(table.rows), CHUNK):
            ctx = RunContext(import_id=job.id, actor=actor, now=clock(), writer=writer, rerun=rerun)
            chunk = table.rows[first : first + CHUNK]
            chunk_failed = _write_chunk(importer, mapping, chunk, ctx, counts)
            failed += chunk_failed
            counts["processed"] += len(chunk)
            counts["failed"] += len(chunk_failed)
            imports.record_progress(job.id, **counts)
    return failed


def _write_chunk(
    importer: Importer, mapping: dict[str, str], chunk: list[Row], ctx: RunContext, counts: dict[str, int]
) -> list[tuple[dict[str, str], RowError]]:
    values = {row.number: row.values for row in chunk}
    errors: list[RowError] = []
    candidates: list[Candidate] = []
    for row in chunk:
        checked = _check(importer, mapping, row)
        (errors if isinstance(checked, RowError) else candidates).append(checked)  # type: ignore[arg-type]
    found = importer.find_existing(candidates, ctx) if candidates else []
    keep: list[tuple[Candidate, str | None]] = []
    for candidate, match in zip(candidates, found, strict=True):
        if isinstance(match, ValidationError):
            errors.append(_row_error(mapping, candidate.row, match))
        else:
            keep.append((candidate, match))
    result = importer.write_batch([c for c, _ in keep], [m for _, m in keep], ctx) if keep else None
    if result:
        errors += [_row_error(mapping, row, error) for row, error in result.errors.items()]
        counts["written"] += len(keep) - len(result.errors)
        counts["created"] += len(result.created)
        counts["updated"] += len(result.updated)
    return [(values[e.row], e) for e in sorted(errors, key=lambda e: e.row)]


def _row_error(mapping: dict[str, str], row: int, error: ValidationError) -> RowError:
    return RowError(row, csv_mapping.column_of(mapping, error.field or ""), error.message)


def error_file(import_id: str, *, blobs: BlobStore) -> tuple[str, bytes]:
    job = imports.get(import_id)
    if not job.errors_blob_key:
        raise ValidationError("this import has no errors to download", field="import_id")
    stem = job.filename.rsplit(".", 1)[0]
    return f"{stem}-errors.csv", blobs.get(job.errors_blob_key)

