"""Customers (organisations or people we bill): validation of what staff type in."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.staff import normalise_email

LOCALES = ("en", "ru", "uk", "sk", "fr")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


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

    def fields(self) -> dict[str, str]:
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "country": self.country,
            "currency": self.currency,
            "locale": self.locale,
            "timezone": self.timezone,
        }


def sort_name(name: str) -> str:
    """Case- and accent-folded name for ordering and prefix search (Cyrillic keeps its letters)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def validate_customer_fields(data: dict[str, str]) -> dict[str, str]:
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
    currency = (data.get("currency") or "").strip().upper()
    if not _CURRENCY.match(currency):
        raise ValidationError("currency must be a three-letter ISO code such as EUR", field="currency")
    locale = (data.get("locale") or "en").strip().lower()
    if locale not in LOCALES:
        raise ValidationError(f"locale must be one of {', '.join(LOCALES)}", field="locale")
    timezone = (data.get("timezone") or "UTC").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"{timezone!r} is not a time zone such as Europe/Bratislava", field="timezone"
        ) from None
    return {
        "name": name,
        "email": email,
        "phone": phone,
        "country": country,
        "currency": currency,
        "locale": locale,
        "timezone": timezone,
    }
