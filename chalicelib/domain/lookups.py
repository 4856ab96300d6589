"""Lookup keys: how records are found by exact values, grouped by category, and traced by use.

Every key is built here, so search, uniqueness and merges agree on normalisation.
"""

from __future__ import annotations

import re
import unicodedata


def ref(entity: str, record_id: str) -> str:
    return f"{entity}#{record_id}"


def split_ref(value: str) -> tuple[str, str]:
    entity, _, record_id = value.partition("#")
    return entity, record_id


def norm_email(value: str) -> str:
    return value.strip().lower()


def norm_phone(value: str) -> str:
    """Digits only, keeping a leading + as 00: "+421 2/5555-0101" and "00421255550101" match."""
    text = value.strip()
    digits = re.sub(r"\D", "", text)
    return "00" + digits if text.startswith("+") else digits


def norm_code(value: str) -> str:
    """Codes, tax ids, serial numbers: case, spaces, dashes and dots do not matter."""
    folded = unicodedata.normalize("NFKC", value).upper()
    return re.sub(r"[\s\-./]", "", folded)


def norm_postcode(value: str) -> str:
    return norm_code(value)


def key(entity: str, kind: str, value: str) -> str:
    return f"{entity}/{kind}/{value}"


def email_key(entity: str, email: str) -> str | None:
    return key(entity, "email", norm_email(email)) if email.strip() else None


def phone_key(entity: str, phone: str) -> str | None:
    digits = norm_phone(phone)
    return key(entity, "phone", digits) if len(digits) >= 5 else None


def code_key(entity: str, kind: str, value: str) -> str | None:
    code = norm_code(value)
    return key(entity, kind, code) if code else None


def category_key(category: str) -> str:
    return f"category/{category}"


def uses_key(target_ref: str) -> str:
    """Key under which every record referencing `target_ref` is listed (for merges and 'used by')."""
    return f"uses/{target_ref}"


def present(*keys: str | None) -> set[str]:
    return {k for k in keys if k}
