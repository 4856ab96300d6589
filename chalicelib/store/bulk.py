"""Bulk writes for imports: BatchWriteItem, 25 items per request, a few requests in flight at once.

No conditions and no transaction: a batch is not atomic. Callers order their writes so that an
interrupted run leaves nothing a re-run cannot repair (see services/importers/customers.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from pynamodb.models import Model

BATCH = 25  # BatchWriteItem's maximum
WORKERS = 8  # requests in flight; DynamoDB Local and DynamoDB both take them in parallel

T = TypeVar("T")
R = TypeVar("R")


class BulkWriter:
    """Reuse one writer for a whole import: its threads keep their DynamoDB connections."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bulk-write")
        self.requests = 0
        self._pending: list[Future[None]] = []

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            if kind is None:
                self.flush()
        finally:
            self._pool.shutdown(wait=True)

    def flush(self) -> None:
        """Waits for every write started with write_async; raises the first failure."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def map(self, function: Callable[[T], R], values: Iterable[T]) -> list[R]:
        """Reads side by side (e.g. one Query per row) on the same threads and connections."""
        return list(self._pool.map(function, values))

    def write(self, saves: Sequence[Model] = (), deletes: Sequence[Model] = ()) -> None:
        """Writes everything or raises; items of several tables may be mixed."""
        for future in self.write_async(saves, deletes):
            self._pending.remove(future)
            future.result()

    def write_async(self, saves: Sequence[Model] = (), deletes: Sequence[Model] = ()) -> list[Future[None]]:
        """Starts the writes and returns: the caller goes on preparing the next chunk meanwhile."""
        slices: list[tuple[type[Model], list[Model], list[Model]]] = []
        for model in {type(i) for i in (*saves, *deletes)}:
            own_saves = [i for i in saves if type(i) is model]
            own_deletes = [i for i in deletes if type(i) is model]
            items = [(True, i) for i in own_saves] + [(False, i) for i in own_deletes]
            for start in range(0, len(items), BATCH):
                part = items[start : start + BATCH]
                slices.append((model, [i for s, i in part if s], [i for s, i in part if not s]))
        self.requests += len(slices)
        futures = [self._pool.submit(_write, *s) for s in slices]
        self._pending += futures
        return futures


def _write(model: type[Model], saves: list[Model], deletes: list[Model]) -> None:
    # PynamoDB's batch writer retries unprocessed items with back-off.
    with model.batch_write() as batch:
        for item in saves:
            batch.save(item)
        for item in deletes:
            batch.delete(item)
