"""CSV imports (S2): the state of one import, its row errors, and the error CSV users download."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.errors import ValidationError

STATUSES = ("uploaded", "queued", "running", "done", "failed")
ERROR_COLUMNS = ("error row", "error column", "error reason")
MAX_ERROR_SAMPLE = 200  # shown on the result page; the error CSV has them all


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class ImportJob:
    id: str
    entity: str
    filename: str
    blob_key: str
    encoding: str
    delimiter: str
    header: list[str]
    mapping: dict[str, str]
    status: str
    created_by: str
    created_by_label: str
    created_at: datetime
    total_rows: int = 0
    processed_rows: int = 0
    written_rows: int = 0
    created_rows: int = 0
    updated_rows: int = 0
    failed_rows: int = 0
    errors_blob_key: str | None = None
    error_sample: list[RowError] = field(default_factory=list)
    error: str | None = None
    finished_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def percent(self) -> int:
        return 100 if not self.total_rows else min(100, self.processed_rows * 100 // self.total_rows)


def safe_filename(name: str) -> str:
    """The last path segment, without characters that blob keys and headers refuse."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    cleaned = re.sub(r"[^\w.\- ]", "_", base).strip(". ") or "upload.csv"
    return cleaned[:100]


def check_upload(filename: str, data: bytes) -> None:
    if not data:
        raise ValidationError("choose a CSV file to upload", field="file")
    if not filename.lower().endswith((".csv", ".txt", ".tsv")):
        raise ValidationError("the file must be a .csv, .tsv or .txt file", field="file")


def row_id(import_id: str, row_number: int) -> str:
    """Id for a record a row creates: the same on a re-run of this import, so a retry never duplicates."""
    return hashlib.sha256(f"{import_id}:{row_number}".encode()).hexdigest()[:16]


def error_csv(
    header: list[str], delimiter: str, rows: list[tuple[dict[str, str], RowError]]
) -> bytes:
    """The failed rows as they were, plus where and why: fix them in a spreadsheet and import again."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([*header, *ERROR_COLUMNS])
    for values, error in rows:
        writer.writerow([*(values.get(c, "") for c in header), error.row, error.column, error.reason])
    return out.getvalue().encode("utf-8-sig")  # a BOM so Excel reads it as UTF-8
