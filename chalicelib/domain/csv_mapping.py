"""Mapping CSV columns to the fields of each importable entity, suggested from header names."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from chalicelib.domain.errors import ValidationError

# Field names are also the export header: an export can be imported again unchanged.
FIELDS: dict[str, tuple[str, ...]] = {
    "customers": (
        "name", "email", "phone", "country", "currency", "locale", "timezone",
        "code", "tax_id", "external_id", "website", "notes",
    ),
    "people": ("first_name", "last_name", "email", "phone", "external_id", "notes", "customer_code", "role"),
    "products": (
        "code", "name", "kind", "specification", "unit", "vendor", "distributor",
        "stocked", "tax_category", "external_id",
    ),
    "items": (
        "serial", "product_code", "model", "manufacturer_no", "owner_code", "owner_external_id",
        "install_date", "external_id",
    ),
}
ENTITIES = tuple(FIELDS)
IGNORE = ""  # a column mapped to nothing is skipped

# Folded header names (see fold()) that mean a field, beyond the field's own name.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("nazov", "nazev", "naimenovanie", "наименование", "название", "назва", "nom", "company",
             "organisation", "organization", "firma", "company name", "organisation name", "product name"),
    "first_name": ("first name", "given name", "firstname", "prenom", "imya", "имя", "ім'я", "імя", "meno",
                   "jmeno"),
    "last_name": ("last name", "surname", "family name", "lastname", "nom de famille", "фамилия", "прізвище",
                  "priezvisko", "prijmeni"),
    "email": ("e-mail", "mail", "email address", "e-mail address", "courriel", "эл почта",
              "электронная почта", "електронна пошта", "адрес электронной почты"),
    "phone": ("telephone", "tel", "phone number", "mobile", "телефон", "тел", "telefon", "telefonne cislo",
              "telefonni cislo", "mobil"),
    "country": ("country code", "pays", "страна", "країна", "krajina", "zeme"),
    "currency": ("devise", "валюта", "mena"),
    "locale": ("language", "lang", "langue", "язык", "мова", "jazyk"),
    "timezone": ("time zone", "tz", "fuseau horaire", "часовой пояс"),
    "code": ("customer code", "client code", "product code", "sku", "article", "article number", "kod",
             "код", "артикул", "ref", "reference"),
    "tax_id": ("ico", "ic", "tax id", "vat", "vat id", "vat number", "dic", "ic dph", "инн", "єдрпоу",
               "edrpou", "siren", "siret", "tva", "numero de tva"),
    "external_id": ("external id", "id", "ext id", "legacy id", "source id"),
    "website": ("web", "url", "site", "site web", "сайт", "www", "web stranka"),
    "notes": ("note", "comment", "comments", "remarks", "remarque", "poznamka", "poznamky", "примечание",
              "примечания", "комментарий", "примітка", "коментар"),
    "customer_code": ("organisation code", "organization code", "company code", "customer", "client code"),
    "role": ("position", "job title", "title", "poste", "должность", "посада", "funkcia", "pozice"),
    "kind": ("type", "product type", "тип", "typ"),
    "specification": ("description", "spec", "specs", "описание", "опис", "popis"),
    "unit": ("uom", "unit of measure", "unite", "единица", "одиниця", "mj", "merna jednotka"),
    "vendor": ("manufacturer", "brand", "fabricant", "производитель", "виробник", "vyrobca", "vyrobce"),
    "distributor": ("supplier", "fournisseur", "поставщик", "постачальник", "dodavatel"),
    "stocked": ("stock", "in stock", "stock item", "skladom", "skladem"),
    "tax_category": ("tax", "tax class", "vat rate", "ставка ндс"),
    "serial": ("serial number", "serial no", "sn", "s/n", "serial_number", "numero de serie",
               "серийный номер", "серійний номер", "vyrobne cislo", "seriove cislo"),
    "product_code": ("product", "product sku", "item code"),
    "model": ("модель", "modele"),
    "manufacturer_no": ("manufacturer number", "factory number", "factory no", "заводской номер",
                        "заводський номер", "vyrobne cislo vyrobcu"),
    "owner_code": ("owner", "owner code", "customer code", "client"),
    "owner_external_id": ("owner external id", "customer external id"),
    "install_date": ("installed", "installation date", "installed on", "date of installation",
                     "дата установки", "дата встановлення", "datum instalacie", "date d'installation"),
}


def fold(name: str) -> str:
    """Case, Latin accents, underscores and punctuation do not matter: "Název" == "nazev".

    Cyrillic letters stay whole ("й" is not "и").
    """
    letters = []
    for char in unicodedata.normalize("NFC", name.casefold()):
        if "\u0400" <= char <= "\u04ff":
            letters.append(char)
        else:
            letters.extend(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return re.sub(r"[\s_\-./:#()]+", " ", "".join(letters)).strip()


def _lookup(entity: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for target in FIELDS[entity]:
        for alias in (*_SYNONYMS.get(target, ()), target):
            table.setdefault(fold(alias), target)
        table[fold(target)] = target  # a field's own name always wins
    return table


def suggest(entity: str, header: list[str]) -> dict[str, str]:
    """column -> field (or IGNORE); each field is suggested for one column at most."""
    fields_of(entity)
    table = _lookup(entity)
    suggestion: dict[str, str] = {}
    taken: set[str] = set()
    for column in header:
        target = table.get(fold(column), IGNORE)
        if target and target not in taken:
            suggestion[column] = target
            taken.add(target)
        else:
            suggestion[column] = IGNORE
    return suggestion


def header_key(header: list[str]) -> str:
    """Stable across case, accents and column spacing: the same layout finds its saved mapping."""
    normalised = "\x1f".join(fold(column) for column in header)
    return hashlib.sha256(normalised.encode()).hexdigest()[:32]


def fields_of(entity: str) -> tuple[str, ...]:
    if entity not in FIELDS:
        choices = ", ".join(ENTITIES)
        raise ValidationError(f"cannot import {entity!r}: choose one of {choices}", field="entity")
    return FIELDS[entity]


def check_mapping(entity: str, header: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """A mapping for exactly these columns, each to a field of the entity or IGNORE, no field twice."""
    allowed = fields_of(entity)
    checked: dict[str, str] = {}
    used: dict[str, str] = {}
    for column in header:
        target = (mapping.get(column) or IGNORE).strip()
        if target and target not in allowed:
            raise ValidationError(f"{target!r} is not a field of {entity}", field=column)
        if target and target in used:
            raise ValidationError(
                f"columns {used[target]!r} and {column!r} are both mapped to {target}", field=column
            )
        if target:
            used[target] = column
        checked[column] = target
    if not used:
        raise ValidationError("map at least one column to a field", field="mapping")
    return checked


def apply(mapping: dict[str, str], row: dict[str, str]) -> dict[str, str]:
    """field -> stripped value for the mapped columns; unmapped columns are left out."""
    return {target: (row.get(column) or "").strip() for column, target in mapping.items() if target}


def column_of(mapping: dict[str, str], target: str) -> str:
    """The CSV column a field came from, so errors name what the user sees in the file."""
    for column, mapped in mapping.items():
        if mapped == target:
            return column
    return target
