"""Line tables on forms (invoices, purchase orders): one row of inputs per line, named
line-<row>-<field>, and a few blank rows to add more."""

from __future__ import annotations

import re

BLANK_ROWS = 3
_ROW = re.compile(r"^line-(\d{1,3})-(\w+)$")


def typed_table(form: dict[str, str], fields: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows as typed, in row order, every field present; a row left wholly blank is not a line."""
    rows: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        match = _ROW.match(name)
        if match and match[2] in fields:
            rows.setdefault(int(match[1]), dict.fromkeys(fields, ""))[match[2]] = value.strip()
    return [row for _i, row in sorted(rows.items()) if any(row.values())]


def with_blank_rows(rows: list[dict[str, str]], fields: tuple[str, ...]) -> list[dict[str, str]]:
    return rows + [dict.fromkeys(fields, "") for _ in range(BLANK_ROWS)]
