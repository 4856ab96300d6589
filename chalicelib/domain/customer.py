"""Customers (organisations we bill, also vendors and principals): the rules of their fields."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain import lookups
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.money import check_currency
from chalicelib.domain.periods import check_timezone
from chalicelib.domain.staff import normalise_email

LOCALES = ("en", "ru", "uk", "sk", "fr")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

TEXT_FIELDS = (
    "name",
    "email",
    "phone",
    "country",
    "currency",
    "locale",
    "timezone",
    "code",
    "tax_id",
    "external_id",
    "website",
    "bank_account",
    "notes",
)
# Seen and changed only by roles with VIEW_SENSITIVE_FIELDS (C12).
SENSITIVE_FIELDS = frozenset({"tax_id", "bank_account"})


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: str
    phone: str
    country: str
    currency: str
    locale: str
    timezone: str
    created_at: datetime
    code: str = ""
    tax_id: str = ""
    external_id: str = ""
    website: str = ""
    bank_account: str = ""
    notes: str = ""
    address_id: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)
    categories: frozenset[str] = frozenset()
    merged_into: str | None = None

    @property
    def ref(self) -> str:
        return lookups.ref("customer", self.id)

    def fields(self) -> dict[str, str]:
        """The text fields, as typed into forms, CSV files and the API."""
        return {name: getattr(self, name) for name in TEXT_FIELDS}

    def audited(self) -> dict[str, Any]:
        """Everything the audit log records about a change of this customer."""
        return {
            **self.fields(),
            "address_id": self.address_id,
            "custom": self.custom,
            "categories": sorted(self.categories),
        }

    def index_keys(self) -> dict[str, str | None]:
        """Normalised email, phone and tax id for the customer table's own search indexes."""
        phone = lookups.norm_phone(self.phone)
        return {
            "email_key": lookups.norm_email(self.email) or None,
            "phone_key": phone if len(phone) >= 5 else None,
            "tax_key": lookups.norm_code(self.tax_id) or None,
        }

    def lookup_keys(self) -> set[str]:
        """Keys in the shared lookups table: categories and the address it uses.

        (Code and external id are found through their uniqueness claims; email, phone and tax id
        through the table's own indexes.)
        """
        keys = {lookups.category_key(c) for c in self.categories}
        if self.address_id:
            keys.add(lookups.uses_key(lookups.ref("address", self.address_id)))
        return keys

    def claims(self) -> dict[str, str]:
        """Keys no other customer may hold, with the message shown when one does."""
        found = {}
        if self.code:
            found[code_claim(self.code)] = f"customer code {self.code} is taken"
        if self.external_id:
            found[external_claim(self.external_id)] = (
                f"external id {self.external_id} is already used by another customer"
            )
        return found


def code_claim(code: str) -> str:
    return f"customer/code/{lookups.norm_code(code)}"


def external_claim(external_id: str) -> str:
    return f"customer/ext/{lookups.norm_code(external_id)}"


def sort_name(name: str) -> str:
    """Case- and accent-folded name for ordering and prefix search (Cyrillic keeps its letters)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def _text(data: dict[str, str], name: str, limit: int) -> str:
    value = (data.get(name) or "").strip()
    if len(value) > limit:
        raise ValidationError(f"{name} must be at most {limit} characters", field=name)
    return value


def validate_customer_fields(data: dict[str, str]) -> dict[str, Any]:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError("name is required", field="name")
    if len(name) > 200:
        raise ValidationError("name must be at most 200 characters", field="name")
    email = (data.get("email") or "").strip()
    email = normalise_email(email) if email else ""
    phone = (data.get("phone") or "").strip()
    if phone and not re.fullmatch(r"[+0-9 ()./-]{5,32}", phone):
        raise ValidationError(f"{phone!r} is not a phone number", field="phone")
    country = (data.get("country") or "").strip().upper()
    if not _COUNTRY.match(country):
        raise ValidationError("country must be a two-letter ISO code such as SK", field="country")
    currency = check_currency(data.get("currency") or "")
    locale = (data.get("locale") or "en").strip().lower()
    if locale not in LOCALES:
        raise ValidationError(f"locale must be one of {', '.join(LOCALES)}", field="locale")
    timezone = check_timezone(data.get("timezone") or "UTC")
    website = _text(data, "website", 200)
    if website and not re.match(r"^https?://[^\s/]+\.[^\s]+$", website):
        raise ValidationError("website must start with http:// or https://", field="website")
    return {
        "name": name,
        "email": email,
        "phone": phone,
        "country": country,
        "currency": currency,
        "locale": locale,
        "timezone": timezone,
        "code": _text(data, "code", 40),
        "tax_id": _text(data, "tax_id", 40),
        "external_id": _text(data, "external_id", 100),
        "website": website,
        "bank_account": _text(data, "bank_account", 64),
        "notes": _text(data, "notes", 4000),
    }
