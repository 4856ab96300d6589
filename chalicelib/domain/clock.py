"""Parsing instants given by people (CLI --at, forms). Pure: no reading of the clock."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.errors import ValidationError


def parse_instant(text: str, *, field: str = "at") -> datetime:
    """Accepts ISO 8601 with a zone (2027-01-01T00:00Z, ...+02:00); a bare date means midnight UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"{text!r} is not an ISO 8601 instant such as 2027-01-01T00:00Z", field=field
        ) from None
    if parsed.tzinfo is None:
        if "T" in value or " " in value:
            raise ValidationError(f"{text!r} needs a time zone, e.g. 2027-01-01T00:00Z", field=field)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
