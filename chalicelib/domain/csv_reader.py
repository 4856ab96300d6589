"""Reading uploaded CSV files (S2): encoding and delimiter detection, header checks, numbered rows.

Pure: bytes in, a table or a ValidationError out. Row numbers are the line on which a row
starts in the file (the header is row 1), so a report matches what a spreadsheet shows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from chalicelib.domain.errors import ValidationError

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
DELIMITERS = (",", ";", "\t")
NOT_CSV = "the file is not a CSV in UTF-8, Windows-1251 or Windows-1252"
_SNIFF_SAMPLE = 64 * 1024
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[^\W\d_]+")
_DATA_LIKE = re.compile(r"^[\d\s.,:/+\-]+$|@")


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]
    error: str | None = None  # a ragged row: reported, not fatal


@dataclass(frozen=True)
class CsvTable:
    encoding: str  # utf-8 | utf-8-sig | cp1251 | cp1252
    delimiter: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)


def read_csv(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> CsvTable:
    if len(data) > max_bytes:
        raise ValidationError(f"the file is larger than {max_bytes // (1024 * 1024)} MB", field="file")
    text, encoding = decode(data)
    if not text.strip():
        raise ValidationError("the file is empty", field="file")
    delimiter = detect_delimiter(text)
    header, rows = _parse(text, delimiter, max_rows)
    return CsvTable(encoding=encoding, delimiter=delimiter, header=header, rows=rows)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding); rejects anything that is not text in one of the three encodings."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise ValidationError(NOT_CSV, field="file")  # UTF-16/32 or binary
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _strict(data, "utf-8-sig"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _single_byte(data)
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        raise ValidationError(NOT_CSV, field="file")
    return text, encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ValidationError(NOT_CSV, field="file") from None


def _single_byte(data: bytes) -> tuple[str, str]:
    """Windows-1251 or -1252: Cyrillic words are runs of high bytes; Western words have a few inside."""
    candidates = {}
    for encoding in ("cp1251", "cp1252"):
        with contextlib.suppress(UnicodeDecodeError):
            candidates[encoding] = data.decode(encoding)
    if not candidates:
        raise ValidationError(NOT_CSV, field="file")
    if len(candidates) == 1:
        encoding, text = next(iter(candidates.items()))
        return text, encoding
    score = 0  # letters in pure-Cyrillic words minus letters in words mixing Cyrillic and Latin
    for word in _WORD.findall(candidates["cp1251"]):
        if _CYRILLIC.search(word):
            score += -len(word) if _LATIN.search(word) else len(word)
    encoding = "cp1251" if score > 0 else "cp1252"
    return candidates[encoding], encoding


def _first_line(text: str) -> str:
    """The header record: up to the first line break outside quotes."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:index]
    return text


def _count_outside_quotes(line: str, delimiter: str) -> int:
    return sum(part.count(delimiter) for part in line.split('"')[::2])


def detect_delimiter(text: str) -> str:
    header = _first_line(text.lstrip("\r\n"))
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    present = [d for d in DELIMITERS if counts[d] > 0]
    if len(present) == 1:
        return present[0]
    try:
        sniffed = csv.Sniffer().sniff(text[:_SNIFF_SAMPLE], delimiters="".join(present or DELIMITERS))
        if sniffed.delimiter in (present or DELIMITERS):
            return str(sniffed.delimiter)
    except csv.Error:
        pass
    return max(DELIMITERS, key=lambda d: counts[d]) if present else ","


def _parse(text: str, delimiter: str, max_rows: int) -> tuple[list[str], list[Row]]:
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
    header: list[str] | None = None
    rows: list[Row] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ValidationError(f"row {start}: {error}", field="file") from None
        if not any(cell.strip() for cell in record):
            continue  # a blank line, or a spreadsheet's row of empty cells
        if header is None:
            header = _check_header(record)
            continue
        if len(rows) >= max_rows:
            raise ValidationError(f"the file has more than {max_rows:,} rows: split it", field="file")
        rows.append(_row(start, header, record))
    if header is None:
        raise ValidationError("the file is empty", field="file")
    if not rows:
        raise ValidationError("the file has a header row but no data rows", field="file")
    return header, rows


def _check_header(record: list[str]) -> list[str]:
    names = [cell.strip().lstrip("\ufeff").strip() for cell in record]
    seen: dict[str, int] = {}
    for position, name in enumerate(names, 1):
        if not name:
            raise ValidationError(f"column {position} of the header row has no name", field="file")
        if _DATA_LIKE.search(name):
            raise ValidationError(
                f"the first row must name the columns, but {name!r} looks like a value: add a header row",
                field="file",
            )
        folded = name.casefold()
        if folded in seen:
            raise ValidationError(
                f"the header names the column {name!r} twice (columns {seen[folded]} and {position})",
                field="file",
            )
        seen[folded] = position
    return names


def _row(number: int, header: list[str], record: list[str]) -> Row:
    values = dict(zip(header, record, strict=False))
    error = None
    if len(record) != len(header):
        extra = record[len(header) :]
        if len(record) > len(header) and not any(v.strip() for v in extra):
            pass  # trailing empty cells (a spreadsheet's stray delimiters) are harmless
        else:
            error = f"the row has {len(record)} values but the header has {len(header)} columns"
        values.update({name: "" for name in header[len(record) :]})
    return Row(number=number, values=values, error=error)


def parse_decimal(value: str, *, field: str | None = None) -> Decimal:
    """ "1 234,50", "1.234,50", "1,234.50", "1'234.5", "-3,5" -> Decimal; commas may be decimal points."""
    text = re.sub(r"[\s\u00a0\u202f']", "", value)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "") if text.count(".") != 1 else text.replace(",", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValidationError(f"{value!r} is not a number", field=field)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not a number", field=field) from None
