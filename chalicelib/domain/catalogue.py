"""The catalogue (C17): products and services, price lists, and prices per list in its currency."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain import lookups
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.lookups import norm_code
from chalicelib.domain.money import check_currency

KINDS = ("product", "service")
UNITS = ("pc", "h", "day", "month", "year", "kg", "m", "m2", "l", "set")
_TAX_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class Product:
    id: str
    code: str
    name: str
    kind: str
    specification: str
    unit: str
    vendor: str
    distributor: str
    stocked: bool
    tax_category: str
    external_id: str
    active: bool
    created_at: datetime

    def fields(self) -> dict[str, Any]:
        values = asdict(self)
        del values["id"], values["created_at"]
        return values

    @property
    def ref(self) -> str:
        return lookups.ref("product", self.id)

    def lookup_keys(self) -> set[str]:
        return lookups.present(
            lookups.code_key("product", "code", self.code),
            lookups.code_key("product", "ext", self.external_id),
        )

    def claims(self) -> dict[str, str]:
        """Unique keys -> the message shown when another product holds one."""
        code_key = lookups.key("product", "code", norm_code(self.code))
        found = {code_key: f"product code {self.code} is already used"}
        if ext := lookups.code_key("product", "ext", self.external_id):
            found[ext] = f"external id {self.external_id} is already used by another product"
        return found


@dataclass(frozen=True)
class PriceList:
    id: str
    name: str
    currency: str
    tax_inclusive: bool
    created_at: datetime

    def fields(self) -> dict[str, Any]:
        return {"name": self.name, "currency": self.currency, "tax_inclusive": self.tax_inclusive}


@dataclass(frozen=True)
class Price:
    """A product's price in one price list: integer minor units of the list's currency."""

    product_id: str
    price_list_id: str
    currency: str
    amount_minor: int


def parse_flag(value: Any, field: str) -> bool:
    """A checkbox ("on"), a form value ("yes"/"no") or a JSON boolean."""
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(f"{field} must be yes or no", field=field)


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


def validate_product_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Checks a product as typed; the code's uniqueness is the store's job (a claim on its normal form)."""
    code = _text(data, "code", 64, required=True)
    if not norm_code(code):
        raise ValidationError("code must contain letters or digits", field="code")
    kind = _text(data, "kind", 16) or "product"
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", field="kind")
    unit = _text(data, "unit", 8) or "pc"
    if unit not in UNITS:
        raise ValidationError(f"unit must be one of {', '.join(UNITS)}", field="unit")
    stocked = parse_flag(data.get("stocked"), "stocked")
    if kind == "service" and stocked:
        raise ValidationError("a service cannot be stocked", field="stocked")
    tax_category = _text(data, "tax_category", 32) or "standard"
    if not _TAX_CATEGORY.match(tax_category):
        raise ValidationError(
            "tax_category must be a short lower-case code such as standard or reduced", field="tax_category"
        )
    return {
        "code": code,
        "name": _text(data, "name", 200, required=True),
        "kind": kind,
        "specification": _text(data, "specification", 4000),
        "unit": unit,
        "vendor": _text(data, "vendor", 200),
        "distributor": _text(data, "distributor", 200),
        "stocked": stocked,
        "tax_category": tax_category,
        "external_id": _text(data, "external_id", 100),
    }


def validate_price_list_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": _text(data, "name", 120, required=True),
        "currency": check_currency(_text(data, "currency", 8)),
        "tax_inclusive": parse_flag(data.get("tax_inclusive"), "tax_inclusive"),
    }
