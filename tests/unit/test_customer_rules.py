import pytest

from chalicelib.domain.customer import sort_name, validate_customer_fields
from chalicelib.domain.errors import ValidationError

VALID = {"name": "Acme", "country": "sk", "currency": "eur", "locale": "sk", "timezone": "Europe/Bratislava"}


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Élan Vital", "elan vital"),
        ("  ACME   Facilities ", "acme facilities"),
        ("ТОВ «Київ Сервіс»", "тов «киів сервіс»"),
        ("Straße GmbH", "strasse gmbh"),
        ("Žilina Servis", "zilina servis"),
    ],
)
def test_names_fold_case_and_accents_for_search(name: str, key: str) -> None:
    assert sort_name(name) == key


def test_codes_are_normalised_to_upper_case() -> None:
    fields = validate_customer_fields(VALID)
    assert (fields["country"], fields["currency"]) == ("SK", "EUR")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"country": "Slovakia"}, "country"),
        ({"currency": "euro"}, "currency"),
        ({"locale": "de"}, "locale"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"email": "not-an-email"}, "email"),
        ({"phone": "call me maybe"}, "phone"),
    ],
)
def test_each_bad_field_is_named(change: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_customer_fields({**VALID, **change})
    assert error.value.field == field
