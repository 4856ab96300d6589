"""Running a scheduled job: every run recorded with its start, end, result and counts."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.domain.ids import new_id
from chalicelib.domain.jobs import JobRun
from chalicelib.store import job_runs

log = logging.getLogger(__name__)

JobFunction = Callable[[datetime], dict[str, Any]]


def run_job(
    name: str, work: JobFunction, *, at: datetime, trigger: str, clock: Callable[[], datetime]
) -> JobRun:
    """`at` is the instant the job acts as of (the CLI's --at); `clock` times the run itself."""
    run = job_runs.start(name, new_id(), trigger, at, clock())
    try:
        counts = work(at)
    except Exception as error:  # a job's failure is recorded and shown, not lost in a log
        log.exception("job %s failed", name)
        detail = "".join(traceback.format_exception_only(error)).strip()
        return job_runs.finish(run, clock(), "error", {}, detail)
    return job_runs.finish(run, clock(), "ok", counts, None)
