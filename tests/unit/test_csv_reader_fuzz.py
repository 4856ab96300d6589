"""Properties of the CSV reader: garbage only ever gives a ValidationError; written tables read back."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.csv_reader import read_csv
from chalicelib.domain.errors import ValidationError

SPECIAL = ['"', ",", ";", "\t", "\n", "\r\n", " ", "'", "-", "1", "0,5"]
CYRILLIC_LETTERS = "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя"
WESTERN_WORDS = ["Müller", "Straße", "Café", "Zoë", "naïve", "Ångström", "garçon", "Dupont", "Señor",
                 "Øresund",
                 "Crème", "brûlée", "Œuvre", "Smith", "façade", "déjà", "Göteborg", "Ärzte", "München"]


@given(st.binary(max_size=400))
@settings(max_examples=400)
def test_arbitrary_bytes_give_a_table_or_a_validation_error(data: bytes) -> None:
    try:
        read_csv(data)
    except ValidationError as error:
        assert error.field == "file"


CSV_BYTES = [b"a", b",", b";", b"\t", b'"', b"\n", b"\r", b"\xd0", b"\xe9", b"\xff", b" "]


@given(st.lists(st.sampled_from(CSV_BYTES), max_size=120).map(b"".join))
@settings(max_examples=400)
def test_csv_shaped_garbage_gives_a_table_or_a_validation_error(data: bytes) -> None:
    try:
        table = read_csv(data)
    except ValidationError:
        return
    assert table.header and table.rows


def _cells(word: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    part = st.one_of(word, st.sampled_from(SPECIAL))
    return st.lists(part, max_size=6).map(" ".join)


HEADER_NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9 _]{0,10}[A-Za-z0-9_]", fullmatch=True)
CYRILLIC_WORD = st.text(alphabet=CYRILLIC_LETTERS, min_size=1, max_size=8)
WESTERN_WORD = st.one_of(st.sampled_from(WESTERN_WORDS), st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True))

# cp1251 is for Cyrillic text, cp1252 for Western text, UTF-8 for any of it.
def _cell_for(encoding: str) -> st.SearchStrategy[str]:
    if encoding == "cp1251":
        return _cells(CYRILLIC_WORD)
    if encoding == "cp1252":
        return _cells(WESTERN_WORD)
    return _cells(st.one_of(CYRILLIC_WORD, WESTERN_WORD, st.text(max_size=5).filter(_printable)))


def _printable(text: str) -> bool:
    return all(c.isprintable() or c in "\r\n\t" for c in text) and "\ufeff" not in text


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, str, list[str], list[list[str]]]:
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "cp1252"]))
    cell = _cell_for(encoding)
    header = draw(st.lists(HEADER_NAME, min_size=2, max_size=5, unique_by=str.casefold))
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), min_size=1, max_size=6))
    rows = [r for r in rows if any(v.strip() for v in r)] or [["x"] * len(header)]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    return encoding, delimiter, header, rows


@given(tables())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_tables_written_by_csv_writer_read_back_identically(
    case: tuple[str, str, list[str], list[list[str]]],
) -> None:
    encoding, delimiter, header, rows = case
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    table = read_csv(out.getvalue().encode(encoding))
    assert table.delimiter == delimiter
    assert table.header == header
    assert [list(r.values.values()) for r in table.rows] == rows
    assert all(r.error is None for r in table.rows)
    text = out.getvalue()
    if encoding in ("cp1251", "cp1252") and not text.isascii():
        assert table.encoding == encoding
    if encoding == "utf-8-sig":
        assert table.encoding == "utf-8-sig"
