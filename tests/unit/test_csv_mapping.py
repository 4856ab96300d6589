"""Column mapping: suggestions from header names in several languages, saved-mapping keys, apply."""

from __future__ import annotations

import pytest

from chalicelib.domain.csv_mapping import FIELDS, apply, check_mapping, column_of, header_key, suggest
from chalicelib.domain.errors import ValidationError


@pytest.mark.parametrize(
    ("entity", "column", "target"),
    [
        ("customers", "Name", "name"),
        ("customers", "Název", "name"),
        ("customers", "Názov", "name"),
        ("customers", "Наименование", "name"),
        ("customers", "Назва", "name"),
        ("customers", "nom", "name"),
        ("customers", "E-mail", "email"),
        ("customers", "EMAIL", "email"),
        ("customers", "Телефон", "phone"),
        ("customers", "IČO", "tax_id"),
        ("customers", "VAT number", "tax_id"),
        ("customers", "External_ID", "external_id"),
        ("customers", "Poznámka", "notes"),
        ("customers", "Customer code", "code"),
        ("people", "Customer code", "customer_code"),
        ("people", "Prénom", "first_name"),
        ("people", "Фамилия", "last_name"),
        ("products", "SKU", "code"),
        ("products", "Description", "specification"),
        ("items", "Serial number", "serial"),
        ("items", "S/N", "serial"),
        ("items", "Customer code", "owner_code"),
        ("items", "Install date", "install_date"),
        ("customers", "Favourite colour", ""),
        ("customers", "serial", ""),
    ],
)
def test_suggests_a_field_from_the_header_name(entity: str, column: str, target: str) -> None:
    assert suggest(entity, [column])[column] == target


def test_each_field_is_suggested_once_and_every_field_name_maps_to_itself() -> None:
    assert suggest("customers", ["Name", "nom", "Email"]) == {"Name": "name", "nom": "", "Email": "email"}
    for entity, fields in FIELDS.items():
        assert suggest(entity, list(fields)) == {f: f for f in fields}


def test_header_key_ignores_case_accents_and_spacing_but_not_order() -> None:
    assert header_key(["Název", "E-mail"]) == header_key(["nazev ", "e_mail"])
    assert header_key(["Název", "E-mail"]) != header_key(["E-mail", "Název"])
    assert len(header_key(["a"])) == 32


def test_check_mapping() -> None:
    header = ["Firma", "Mail", "Extra"]
    assert check_mapping("customers", header, {"Firma": "name", "Mail": "email"}) == {
        "Firma": "name", "Mail": "email", "Extra": ""
    }
    with pytest.raises(ValidationError, match="'colour' is not a field of customers") as caught:
        check_mapping("customers", header, {"Firma": "colour"})
    assert caught.value.field == "Firma"
    with pytest.raises(ValidationError, match="'Firma' and 'Mail' are both mapped to name"):
        check_mapping("customers", header, {"Firma": "name", "Mail": "name"})
    with pytest.raises(ValidationError, match="at least one column"):
        check_mapping("customers", header, {})
    with pytest.raises(ValidationError, match="cannot import 'invoices'") as caught:
        check_mapping("invoices", header, {})
    assert caught.value.field == "entity"


def test_apply_keeps_mapped_columns_stripped_and_column_of_finds_the_source() -> None:
    mapping = {"Firma": "name", "Mail": "email", "Extra": ""}
    row = {"Firma": " Acme ", "Mail": "a@b.c", "Extra": "x"}
    assert apply(mapping, row) == {"name": "Acme", "email": "a@b.c"}
    assert apply(mapping, {"Firma": "Acme"}) == {"name": "Acme", "email": ""}
    assert column_of(mapping, "email") == "Mail"
    assert column_of(mapping, "phone") == "phone"
