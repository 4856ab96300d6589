import pytest

from chalicelib.domain import lookups


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("+421 2/5555-0101", "00421255550101"),
        ("(044) 555 01 03", "0445550103"),
    ],
)
def test_phone_numbers_written_differently_find_each_other(a: str, b: str) -> None:
    assert lookups.norm_phone(a) == lookups.norm_phone(b)


@pytest.mark.parametrize(
    ("a", "b"), [("sk 2020-123.456", "SK2020123456"), ("ab/12 c", "AB12C"), ("ＡＢ１", "AB1")]
)
def test_codes_ignore_case_spaces_and_punctuation(a: str, b: str) -> None:
    assert lookups.norm_code(a) == lookups.norm_code(b)


def test_empty_values_make_no_key() -> None:
    assert (
        lookups.present(
            lookups.email_key("customer", " "),
            lookups.phone_key("customer", "12"),
            lookups.code_key("customer", "tax", " - "),
        )
        == set()
    )
    assert lookups.email_key("person", " Ann@X.COM ") == "person/email/ann@x.com"
