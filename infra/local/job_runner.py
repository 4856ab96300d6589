"""Fires the scheduled jobs locally (`chalice local` ignores @schedule), on the same schedules."""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from chalicelib.bootstrap import utcnow  # noqa: E402
from chalicelib.domain.jobs import JobRun  # noqa: E402
from chalicelib.jobs.catalog import JOBS, run  # noqa: E402

log = logging.getLogger("job_runner")

Runner = Callable[..., JobRun]


def first_slots(now: datetime) -> dict[str, datetime]:
    return {name: job.schedule.next_after(now) for name, job in JOBS.items()}


def fire_due(due: dict[str, datetime], now: datetime, runner: Runner = run) -> dict[str, datetime]:
    """Runs every job whose slot has come, as of that slot; returns each job's next slot."""
    following = dict(due)
    for name, slot in due.items():
        if slot <= now:
            result = runner(name, at=slot, trigger="schedule")
            log.info("%s: %s %s", name, result.result, result.counts)
            following[name] = JOBS[name].schedule.next_after(now)
    return following


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    due = first_slots(utcnow())
    log.info("jobs: %s", ", ".join(f"{n} next at {t:%H:%M}" for n, t in due.items()))
    while True:
        due = fire_due(due, utcnow())
        time.sleep(max(0.5, min((t - utcnow()).total_seconds() for t in due.values())))


if __name__ == "__main__":
    main()
