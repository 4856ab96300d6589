from datetime import UTC, datetime

import pytest

from chalicelib.domain.clock import parse_instant
from chalicelib.domain.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-01T00:00Z", datetime(2027, 1, 1, tzinfo=UTC)),
        ("2027-01-01T00:00:00+02:00", datetime(2026, 12, 31, 22, tzinfo=UTC)),
        ("2024-02-29", datetime(2024, 2, 29, tzinfo=UTC)),
        (" 2026-03-29T01:30-07:00 ", datetime(2026, 3, 29, 8, 30, tzinfo=UTC)),
    ],
)
def test_instants_people_type_are_read_as_utc(text: str, expected: datetime) -> None:
    assert parse_instant(text) == expected


@pytest.mark.parametrize("text", ["2027-01-01T00:00", "next tuesday", "2023-02-29", ""])
def test_ambiguous_or_invalid_instants_are_refused_with_the_field(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_instant(text, field="at")
    assert error.value.field == "at"
