"""Identifiers: random, URL-safe, sortable by creation time where it helps listing."""

from __future__ import annotations

import secrets
from datetime import datetime


def new_id() -> str:
    return secrets.token_hex(8)


def time_ordered_key(at: datetime) -> str:
    """A range key that sorts by instant and stays unique: 2026-11-23T10:00:00.123456Z#ab12cd34."""
    return f"{iso_utc(at)}#{secrets.token_hex(4)}"


def iso_utc(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    from datetime import UTC

    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
