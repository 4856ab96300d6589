"""People (C2): contacts with their own details, linked to several organisations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain import lookups
from chalicelib.domain.customer import sort_name
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.staff import normalise_email

TEXT_FIELDS = ("first_name", "last_name", "email", "phone", "external_id", "notes")


@dataclass(frozen=True)
class Person:
    id: str
    last_name: str
    created_at: datetime
    first_name: str = ""
    email: str = ""
    phone: str = ""
    external_id: str = ""
    notes: str = ""
    address_id: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)
    categories: frozenset[str] = frozenset()
    merged_into: str | None = None

    @property
    def ref(self) -> str:
        return lookups.ref("person", self.id)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def sort_key(self) -> str:
        return sort_name(f"{self.last_name} {self.first_name}")

    def fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}

    def audited(self) -> dict[str, Any]:
        return {
            **self.fields(),
            "address_id": self.address_id,
            "custom": self.custom,
            "categories": sorted(self.categories),
        }

    def lookup_keys(self) -> set[str]:
        keys = lookups.present(
            lookups.email_key("person", self.email),
            lookups.phone_key("person", self.phone),
            lookups.code_key("person", "ext", self.external_id),
        )
        keys |= {lookups.category_key(c) for c in self.categories}
        if self.address_id:
            keys.add(lookups.uses_key(lookups.ref("address", self.address_id)))
        return keys

    def claims(self) -> dict[str, str]:
        if not self.external_id:
            return {}
        key = f"person/ext/{lookups.norm_code(self.external_id)}"
        return {key: f"external id {self.external_id} is already used by another person"}


@dataclass(frozen=True)
class Membership:
    """A person at an organisation: the role there and the details to use there."""

    person_id: str
    customer_id: str
    role: str = ""
    email: str = ""
    phone: str = ""
    primary: bool = False


def _phone(value: str, name: str) -> str:
    value = (value or "").strip()
    if value and not re.fullmatch(r"[+0-9 ()./-]{5,32}", value):
        raise ValidationError(f"{value!r} is not a phone number", field=name)
    return value


def validate_person_fields(data: dict[str, str]) -> dict[str, Any]:
    last_name = (data.get("last_name") or "").strip()
    if not last_name:
        raise ValidationError("last name is required", field="last_name")
    email = (data.get("email") or "").strip()
    return {
        "first_name": (data.get("first_name") or "").strip()[:100],
        "last_name": last_name[:100],
        "email": normalise_email(email) if email else "",
        "phone": _phone(data.get("phone", ""), "phone"),
        "external_id": (data.get("external_id") or "").strip()[:100],
        "notes": (data.get("notes") or "").strip()[:4000],
    }


def validate_membership(person_id: str, customer_id: str, data: dict[str, str]) -> Membership:
    email = (data.get("email") or "").strip()
    return Membership(
        person_id=person_id,
        customer_id=customer_id,
        role=(data.get("role") or "").strip()[:100],
        email=normalise_email(email) if email else "",
        phone=_phone(data.get("phone", ""), "phone"),
        primary=(data.get("primary") or "") in ("1", "on", "true"),
    )
