"""CSV reading: encodings, delimiters, quoting, row numbers, header problems, limits, decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.domain.csv_reader import NOT_CSV, parse_decimal, read_csv
from chalicelib.domain.errors import ValidationError

CYRILLIC = "Наименование;Телефон\nООО «Ромашка»;+7 495 123\nКиїв Сервіс;+380 44 1\n"
WESTERN = "Name;Notes\nMüller GmbH;Straße 5\nCafé Zoë;À bientôt, œuvre\n"


@pytest.mark.parametrize(
    ("data", "encoding", "first_name"),
    [
        (b"Name,Email\nAcme,a@b.c\n", "utf-8", "Acme"),
        ("\ufeffName,Email\nŽilina s.r.o.,a@b.c\n".encode(), "utf-8-sig", "Žilina s.r.o."),
        ("Name,Email\nКиїв,a@b.c\n".encode(), "utf-8", "Київ"),
        (CYRILLIC.encode("cp1251"), "cp1251", "ООО «Ромашка»"),
        (WESTERN.encode("cp1252"), "cp1252", "Müller GmbH"),
        ("Name\nÉcole à Paris\n".encode("cp1252"), "cp1252", "École à Paris"),
    ],
)
def test_detects_the_encoding(data: bytes, encoding: str, first_name: str) -> None:
    table = read_csv(data)
    assert table.encoding == encoding
    assert table.rows[0].values[table.header[0]] == first_name


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "Name,Email\nAcme,a@b.c\n".encode("utf-16"),
        "Name,Email\nAcme,a@b.c\n".encode("utf-16-le"),
        b"Name,Email\n\x01\x02\x03,x\n",
        b"\xef\xbb\xbfName\n\xff\xfe\n",
    ],
    ids=["png", "utf-16-bom", "utf-16-no-bom", "control-bytes", "bad-utf-8-after-bom"],
)
def test_refuses_what_is_not_text(data: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        read_csv(data)
    assert caught.value.message == NOT_CSV
    assert caught.value.field == "file"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("name,email\nA,a@b.c\n", ","),
        ("name;email\nA;a@b.c\n", ";"),
        ("name\temail\nA\ta@b.c\n", "\t"),
        ('"name;x",email\n"A;B",a@b.c\n', ","),
        ("name;notes\nA;one, two, three\nB;four, five\n", ";"),
        ("name\nAcme\n", ","),
    ],
)
def test_detects_the_delimiter(text: str, delimiter: str) -> None:
    assert read_csv(text.encode()).delimiter == delimiter


def test_quoted_fields_keep_line_breaks_and_delimiters_and_rows_keep_their_line_numbers() -> None:
    text = 'name;notes;amount\nAcme;"first line\nsecond; line\nthird ""quoted""";"1 234,50"\n\nBeta;plain;2\n'
    table = read_csv(text.encode())
    assert [r.number for r in table.rows] == [2, 6]
    assert table.rows[0].values["notes"] == 'first line\nsecond; line\nthird "quoted"'
    assert parse_decimal(table.rows[0].values["amount"]) == Decimal("1234.50")
    assert table.rows[1].values == {"name": "Beta", "notes": "plain", "amount": "2"}


def test_crlf_line_ends_count_as_one_line() -> None:
    table = read_csv(b'name,notes\r\nA,"x\r\ny"\r\nB,z\r\n')
    assert [(r.number, r.values["notes"]) for r in table.rows] == [(2, "x\r\ny"), (4, "z")]


def test_ragged_rows_are_reported_per_row_not_fatal() -> None:
    table = read_csv(b"name,email,phone\nA,a@b.c,1\nB,b@b.c\nC,c@b.c,3,extra\nD,d@b.c,4,,\n")
    errors = {r.number: r.error for r in table.rows}
    assert errors[2] is None
    assert errors[3] == "the row has 2 values but the header has 3 columns"
    assert errors[4] == "the row has 4 values but the header has 3 columns"
    assert errors[5] is None  # trailing empty cells are harmless
    assert table.rows[1].values["phone"] == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\r\n  \n", "the file is empty"),
        (b"name,email\n", "the file has a header row but no data rows"),
        (b"Acme,acme@example.com,SK\nBeta,b@example.com,CZ\n", "looks like a value: add a header row"),
        (b"123,456\n1,2\n", "'123' looks like a value"),
        (b"name,,email\nA,,a@b.c\n", "column 2 of the header row has no name"),
        (b"name,Email,email\nA,a,b\n", "names the column 'email' twice (columns 2 and 3)"),
        (b'name,notes\nA,"never closed\n' + b"x" * 140_000 + b"\n", "row 2: field larger than field limit"),
    ],
)
def test_header_and_structure_problems_name_the_problem(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        read_csv(data)
    assert message in caught.value.message
    assert caught.value.field == "file"


def test_size_and_row_limits() -> None:
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        read_csv(b"name\n" + b"a\n" * 600_000, max_bytes=1024 * 1024)
    with pytest.raises(ValidationError, match="more than 3 rows: split it"):
        read_csv(b"name\na\nb\nc\nd\n", max_rows=3)
    assert len(read_csv(b"name\na\nb\nc\n", max_rows=3).rows) == 3


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,50", "1234.50"),
        ("1\u00a0234,5", "1234.5"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1'234.5", "1234.5"),
        ("-3,5", "-3.5"),
        ("42", "42"),
        ("1.234.567", "1234567"),
        ("0,07", "0.07"),
    ],
)
def test_parse_decimal(text: str, value: str) -> None:
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3.4.5", "1e5", "--1", "12 EUR"])
def test_parse_decimal_refuses_non_numbers(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a number") as caught:
        parse_decimal(text, field="price")
    assert caught.value.field == "price"
