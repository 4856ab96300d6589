"""Imports: each import's state and progress, and the column mapping saved per file layout."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.errors import NotFound
from chalicelib.domain.imports import MAX_ERROR_SAMPLE, ImportJob, RowError
from chalicelib.store.models_imports import ImportMappingModel, ImportModel

RECENT = 20


def _job(item: ImportModel) -> ImportJob:
    return ImportJob(
        id=item.id,
        entity=item.entity,
        filename=item.filename,
        blob_key=item.blob_key,
        encoding=item.encoding,
        delimiter=item.delimiter,
        header=list(item.header or []),
        mapping=dict(item.mapping or {}),
        status=item.status,
        created_by=item.created_by,
        created_by_label=item.created_by_label or "",
        created_at=item.created_at,
        total_rows=int(item.total_rows or 0),
        processed_rows=int(item.processed_rows or 0),
        written_rows=int(item.written_rows or 0),
        created_rows=int(item.created_rows or 0),
        updated_rows=int(item.updated_rows or 0),
        failed_rows=int(item.failed_rows or 0),
        errors_blob_key=item.errors_blob_key,
        error_sample=[RowError(int(r), str(c), str(m)) for r, c, m in item.error_sample or []],
        error=item.error,
        finished_at=item.finished_at,
    )


def create(job: ImportJob) -> ImportJob:
    ImportModel(
        id=job.id,
        entity=job.entity,
        filename=job.filename,
        blob_key=job.blob_key,
        encoding=job.encoding,
        delimiter=job.delimiter,
        header=job.header,
        mapping=job.mapping,
        status=job.status,
        total_rows=job.total_rows,
        created_by=job.created_by,
        created_by_label=job.created_by_label,
        created_at=job.created_at,
    ).save(condition=ImportModel.id.does_not_exist())
    return job


def get(import_id: str) -> ImportJob:
    try:
        return _job(ImportModel.get(import_id, consistent_read=True))
    except DoesNotExist:
        raise NotFound(f"no import {import_id}", field="import_id") from None


def recent(limit: int = RECENT) -> list[ImportJob]:
    return [_job(i) for i in ImportModel.recent.query("imports", scan_index_forward=False, limit=limit)]


def _update(import_id: str, values: dict[str, Any]) -> ImportJob:
    item = ImportModel(id=import_id)
    actions = [
        getattr(ImportModel, name).remove() if value is None else getattr(ImportModel, name).set(value)
        for name, value in values.items()
    ]
    item.update(actions=actions, condition=ImportModel.id.exists())
    return _job(item)


def set_mapping(import_id: str, mapping: dict[str, str]) -> ImportJob:
    return _update(import_id, {"mapping": mapping})


def set_status(import_id: str, status: str, *, error: str | None = None,
               finished_at: datetime | None = None) -> ImportJob:
    return _update(import_id, {"status": status, "error": error, "finished_at": finished_at})


def start_run(import_id: str) -> ImportJob:
    """Counts start from zero: a re-run repeats the whole file (writes are idempotent upserts)."""
    return _update(import_id, {
        "status": "running", "processed_rows": 0, "written_rows": 0, "created_rows": 0,
        "updated_rows": 0, "failed_rows": 0, "error": None, "finished_at": None,
        "errors_blob_key": None, "error_sample": None,
    })


def record_progress(import_id: str, *, processed: int, written: int, created: int, updated: int,
                    failed: int) -> ImportJob:
    """One UpdateItem per chunk: what the progress bar polls."""
    return _update(import_id, {
        "processed_rows": processed, "written_rows": written, "created_rows": created,
        "updated_rows": updated, "failed_rows": failed,
    })


def finish(import_id: str, *, status: str, errors_blob_key: str | None, errors: list[RowError],
           now: datetime, error: str | None = None) -> ImportJob:
    sample = [[e.row, e.column, e.reason] for e in errors[:MAX_ERROR_SAMPLE]]
    return _update(import_id, {
        "status": status, "errors_blob_key": errors_blob_key, "error_sample": sample or None,
        "finished_at": now, "error": error,
    })


def saved_mapping(entity: str, header_key: str) -> dict[str, str] | None:
    try:
        return dict(ImportMappingModel.get(entity, header_key).mapping)
    except DoesNotExist:
        return None


def save_mapping(entity: str, header_key: str, mapping: dict[str, str], now: datetime) -> None:
    ImportMappingModel(entity=entity, header_key=header_key, mapping=mapping, updated_at=now).save()
