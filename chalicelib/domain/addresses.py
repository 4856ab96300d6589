"""Addresses kept once (C3): validation and the text people see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from chalicelib.domain import lookups
from chalicelib.domain.errors import ValidationError

FIELDS = ("label", "line1", "line2", "city", "postcode", "region", "country", "latitude", "longitude")


@dataclass(frozen=True)
class Address:
    id: str
    line1: str
    city: str
    country: str
    created_at: datetime
    label: str = ""
    line2: str = ""
    postcode: str = ""
    region: str = ""
    latitude: str | None = None
    longitude: str | None = None
    merged_into: str | None = None

    @property
    def ref(self) -> str:
        return lookups.ref("address", self.id)

    def one_line(self) -> str:
        parts = [self.line1, self.line2, f"{self.postcode} {self.city}".strip(), self.region, self.country]
        return ", ".join(p for p in parts if p)

    def fields(self) -> dict[str, str]:
        return {name: getattr(self, name) or "" for name in FIELDS}

    def lookup_keys(self) -> set[str]:
        postcode = lookups.norm_postcode(self.postcode)
        return {f"postcode/{self.country}/{postcode}"} if postcode else set()


def _coordinate(raw: str, name: str, limit: int) -> str | None:
    value = (raw or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(f"{name} must be decimal degrees such as 48.1486", field=name) from None
    if not number.is_finite() or abs(number) > limit:
        raise ValidationError(f"{name} must be between -{limit} and {limit}", field=name)
    return format(number.quantize(Decimal("0.000001")).normalize(), "f")


def validate_address(data: dict[str, str]) -> dict[str, str | None]:
    line1 = (data.get("line1") or "").strip()
    if not line1:
        raise ValidationError("street (line1) is required", field="line1")
    city = (data.get("city") or "").strip()
    if not city:
        raise ValidationError("city is required", field="city")
    country = (data.get("country") or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationError("country must be a two-letter ISO code such as SK", field="country")
    latitude = _coordinate(data.get("latitude", ""), "latitude", 90)
    longitude = _coordinate(data.get("longitude", ""), "longitude", 180)
    if (latitude is None) != (longitude is None):
        raise ValidationError("give both latitude and longitude, or neither", field="longitude")
    texts = {k: (data.get(k) or "").strip()[:200] for k in ("label", "line2", "postcode", "region")}
    return {
        "line1": line1[:200],
        "city": city[:100],
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
        **texts,
    }
