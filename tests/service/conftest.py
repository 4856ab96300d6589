from __future__ import annotations

from datetime import UTC, datetime

import pytest

# Near the real clock, not a fixed date: records with a DynamoDB TTL (sessions, throttle counters) are
# deleted by DynamoDB Local when their expiry passes in real time, so "now" must not be long past.
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


@pytest.fixture(autouse=True)
def _store(store):  # every service test runs on empty tables in DynamoDB Local
    return store
