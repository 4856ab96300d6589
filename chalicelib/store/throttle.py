"""Counters in fixed windows, expired by DynamoDB TTL."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.store.models import ThrottleModel


def read(key: str) -> int:
    try:
        return int(ThrottleModel.get(key).hits)
    except DoesNotExist:
        return 0


def increment(key: str, expires_epoch: int) -> int:
    """Atomic add: concurrent failures all count."""
    item = ThrottleModel(key=key)
    item.update(
        actions=[
            ThrottleModel.hits.add(1),
            ThrottleModel.expires_at.set(datetime.fromtimestamp(expires_epoch, UTC)),
        ]
    )
    return int(item.hits)
