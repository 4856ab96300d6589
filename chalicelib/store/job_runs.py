"""Job runs: start, end, result and counts, listed newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.ids import time_ordered_key
from chalicelib.domain.jobs import JobRun
from chalicelib.store.models import JobRunModel


def _run(item: JobRunModel) -> JobRun:
    return JobRun(
        job=item.job,
        key=item.started_key,
        run_id=item.run_id,
        trigger=item.trigger,
        at=item.at,
        started_at=item.started_at,
        finished_at=item.finished_at,
        result=item.result,
        counts=item.counts or {},
        error=item.error,
    )


def start(job: str, run_id: str, trigger: str, at: datetime, started_at: datetime) -> JobRun:
    item = JobRunModel(
        job=job,
        started_key=time_ordered_key(started_at),
        run_id=run_id,
        trigger=trigger,
        at=at,
        started_at=started_at,
    )
    item.save()
    return _run(item)


def finish(
    run: JobRun, finished_at: datetime, result: str, counts: dict[str, Any], error: str | None
) -> JobRun:
    item = JobRunModel(job=run.job, started_key=run.key)
    item.update(
        actions=[
            JobRunModel.finished_at.set(finished_at),
            JobRunModel.result.set(result),
            JobRunModel.counts.set(counts),
            JobRunModel.error.set(error) if error else JobRunModel.error.remove(),
        ]
    )
    return _run(item)


def recent(limit: int = 50) -> list[JobRun]:
    return [_run(i) for i in JobRunModel.recent.query("runs", scan_index_forward=False, limit=limit)]


def for_job(job: str, limit: int = 50) -> list[JobRun]:
    return [_run(i) for i in JobRunModel.query(job, scan_index_forward=False, limit=limit)]
