from __future__ import annotations

from datetime import UTC, datetime

import pytest

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _store(store):  # every service test runs on empty tables in DynamoDB Local
    return store
