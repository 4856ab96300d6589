"""Installed items (S1): a serial-numbered unit of a product that a customer owns."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.domain import lookups
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.lookups import norm_code

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Item:
    id: str
    product_id: str
    serial: str
    model: str
    manufacturer_no: str
    owner_id: str
    install_address_id: str | None
    install_date: str | None
    external_id: str
    notes: str
    created_at: datetime

    @property
    def serial_key(self) -> str:
        return norm_code(self.serial)

    def fields(self) -> dict[str, Any]:
        values = asdict(self)
        del values["id"], values["created_at"]
        return values

    @property
    def ref(self) -> str:
        return lookups.ref("item", self.id)

    def lookup_keys(self) -> set[str]:
        """Search by serial across products, by external id, and 'used by' of the owner and address."""
        return lookups.present(
            lookups.key("item", "serial", self.serial_key),
            lookups.code_key("item", "ext", self.external_id),
            lookups.uses_key(lookups.ref("customer", self.owner_id)),
            lookups.uses_key(lookups.ref("address", self.install_address_id))
            if self.install_address_id
            else None,
        )

    def claims(self, product_label: str = "") -> dict[str, str]:
        """A serial is unique per product, not across products (two vendors may reuse one)."""
        product = product_label or self.product_id
        message = f"serial {self.serial} is already registered for {product}"
        return {serial_claim(self.product_id, self.serial): message}


def serial_claim(product_id: str, serial: str) -> str:
    return lookups.key("item", "serial", f"{product_id}/{norm_code(serial)}")


def _text(data: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{name} must be text", field=name)
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"{name} is required", field=name)
    if len(text) > limit:
        raise ValidationError(f"{name} must be at most {limit} characters", field=name)
    return text


def install_date(value: str, today: date) -> str | None:
    if not value:
        return None
    try:
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{value!r} is not a date such as 2026-03-31", field="install_date") from None
    if day > today:
        raise ValidationError(f"the install date {value} is in the future", field="install_date")
    return value


def validate_item_fields(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Checks an item as typed; that the product, owner and address exist is the service's job."""
    serial = _text(data, "serial", 100, required=True)
    if not norm_code(serial):
        raise ValidationError("serial must contain letters or digits", field="serial")
    return {
        "product_id": _text(data, "product_id", 64, required=True),
        "serial": serial,
        "model": _text(data, "model", 200),
        "manufacturer_no": _text(data, "manufacturer_no", 100),
        "owner_id": _text(data, "owner_id", 64, required=True),
        "install_address_id": _text(data, "install_address_id", 64) or None,
        "install_date": install_date(_text(data, "install_date", 10), today),
        "external_id": _text(data, "external_id", 100),
        "notes": _text(data, "notes", 4000),
    }
