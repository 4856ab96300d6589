"""Scheduled jobs: what a run records, and when a schedule fires next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class JobRun:
    job: str
    key: str
    run_id: str
    trigger: str  # schedule | manual | cli
    at: datetime
    started_at: datetime
    finished_at: datetime | None = None
    result: str = "running"
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class Every:
    """A fixed-rate schedule, aligned to the epoch so every runner agrees on the slots."""

    minutes: int

    def next_after(self, now: datetime) -> datetime:
        step = timedelta(minutes=self.minutes)
        epoch = datetime(1970, 1, 1, tzinfo=now.tzinfo)
        slots = (now - epoch) // step + 1
        return epoch + slots * step
