"""Fires the scheduled jobs locally (`chalice local` ignores @schedule), on the same schedules."""

from __future__ import annotations

import logging
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from chalicelib.bootstrap import utcnow  # noqa: E402
from chalicelib.jobs.catalog import JOBS, run  # noqa: E402

log = logging.getLogger("job_runner")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    due = {name: job.schedule.next_after(utcnow()) for name, job in JOBS.items()}
    log.info("jobs: %s", ", ".join(f"{n} next at {t:%H:%M}" for n, t in due.items()))
    while True:
        now = utcnow()
        for name, when in due.items():
            if when <= now:
                result = run(name, at=when, trigger="schedule")
                log.info("%s: %s %s", name, result.result, result.counts)
                due[name] = JOBS[name].schedule.next_after(now)
        time.sleep(max(0.5, min((t - utcnow()).total_seconds() for t in due.values())))


if __name__ == "__main__":
    main()
