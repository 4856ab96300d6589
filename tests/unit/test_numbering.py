"""Invoice number formats: one sequence field, dates from the issue day, nothing else to inject."""

from datetime import date

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.numbering import check_format, format_number


@pytest.mark.parametrize(
    ("fmt", "seq", "expected"),
    [
        ("INV-{YYYY}-{seq:06}", 42, "INV-2027-000042"),
        ("{YY}{MM}/{seq}", 7, "2703/7"),
        ("CN-{seq:4}", 12345, "CN-12345"),
    ],
)
def test_numbers_are_filled_from_the_format(fmt: str, seq: int, expected: str) -> None:
    assert format_number(check_format(fmt), seq, date(2027, 3, 9)) == expected


@pytest.mark.parametrize(
    "fmt", ["INV-{YYYY}", "{seq}-{seq}", "INV {seq}", "INV-{seq}<script>", "X" * 41 + "{seq}"]
)
def test_bad_formats_are_refused_naming_the_field(fmt: str) -> None:
    with pytest.raises(ValidationError) as error:
        check_format(fmt)
    assert error.value.field == "format"
