"""Login throttling policy: fixed windows, counted per email and per client address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int
    window_seconds: int

    def window(self, now: datetime) -> int:
        return int(now.timestamp()) // self.window_seconds

    def window_end(self, now: datetime) -> int:
        return (self.window(now) + 1) * self.window_seconds

    def seconds_left(self, now: datetime) -> int:
        return max(1, self.window_end(now) - int(now.timestamp()))

    def is_locked(self, failures: int) -> bool:
        return failures >= self.max_failures


LOGIN_PER_EMAIL = ThrottlePolicy(max_failures=5, window_seconds=15 * 60)
LOGIN_PER_ADDRESS = ThrottlePolicy(max_failures=30, window_seconds=15 * 60)
