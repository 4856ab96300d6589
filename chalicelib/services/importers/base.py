"""The one small interface every entity importer implements, and what a written batch reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import ValidationError
from chalicelib.store.bulk import BulkWriter


@dataclass(frozen=True)
class Candidate:
    """A validated row: its number in the file, the value the importer made of it, and the fields it set."""

    row: int
    value: Any
    fields: frozenset[str]


@dataclass
class BatchResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: dict[int, ValidationError] = field(default_factory=dict)  # row number -> why it was refused


@dataclass(frozen=True)
class RunContext:
    import_id: str
    actor: Actor
    now: datetime
    writer: BulkWriter
    rerun: bool = False  # an earlier run of this import may have written some rows already


class Importer(Protocol):
    entity: str  # "customers", "people", ... as in csv_mapping.FIELDS

    def validate(self, mapped: dict[str, str]) -> Any:
        """The row's fields checked on their own (no I/O); raises ValidationError(field=<field name>)."""
        ...

    def find_existing(
        self, candidates: list[Candidate], ctx: RunContext
    ) -> list[str | ValidationError | None]:
        """The id of the record each row updates (by external id, then tax id/code/serial), if any.

        Batched: one call per chunk, so lookups cost a few requests per chunk, not one per row.
        """
        ...

    def write_batch(
        self, candidates: list[Candidate], existing: list[str | None], ctx: RunContext
    ) -> BatchResult:
        """Creates or updates the records of one chunk with BatchWriteItem, audited once per chunk."""
        ...
