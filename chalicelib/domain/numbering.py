"""Invoice numbers (X3, S15): a series' format, e.g. INV-{YYYY}-{seq:06}, filled with its next number."""

from __future__ import annotations

import re
from datetime import date

from chalicelib.domain.errors import ValidationError

_FIELD = re.compile(r"\{(YYYY|YY|MM|seq(?::0?(\d))?)\}")
_ALLOWED = re.compile(r"^[A-Za-z0-9/_.#-]*$")
_SERIES_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,19}$")


def check_series_id(series_id: str, field: str = "id") -> str:
    series_id = series_id.strip().lower()
    if not _SERIES_ID.match(series_id):
        raise ValidationError("a series code is 1-20 lower-case letters, digits or -", field=field)
    return series_id


def check_format(fmt: str) -> str:
    """A format has exactly one {seq} (optionally zero-padded, {seq:06}); the rest is literal or a date."""
    fmt = fmt.strip()
    if len(fmt) > 40:
        raise ValidationError("a number format has at most 40 characters", field="format")
    fields = _FIELD.findall(fmt)
    if sum(1 for name, _width in fields if name.startswith("seq")) != 1:
        raise ValidationError(
            "a number format needs exactly one {seq}, e.g. INV-{YYYY}-{seq:06}", field="format"
        )
    if not _ALLOWED.match(_FIELD.sub("", fmt)):
        raise ValidationError(
            "a number format may hold letters, digits and - / _ . # around its fields", field="format"
        )
    return fmt


def format_number(fmt: str, seq: int, issued: date) -> str:
    def fill(match: re.Match[str]) -> str:
        name, width = match.group(1), match.group(2)
        if name == "YYYY":
            return f"{issued.year:04d}"
        if name == "YY":
            return f"{issued.year % 100:02d}"
        if name == "MM":
            return f"{issued.month:02d}"
        return f"{seq:0{int(width)}d}" if width else str(seq)

    return _FIELD.sub(fill, fmt)
