"""Importing products in bulk: a row matches the product with its external id, else with its code."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import lookups
from chalicelib.domain.catalogue import Product, validate_product_fields
from chalicelib.services.importers.base import Candidate, RunContext
from chalicelib.services.importers.keyed import KeyedImporter
from chalicelib.store.models_catalogue import ProductModel
from chalicelib.store.products import from_item as product_of
from chalicelib.store.products import to_item as product_item

# Spreadsheets from other systems say yes and no in their users' languages.
_YES = ("ano", "áno", "oui", "да", "так", "ja", "si", "sí", "tak", "y")
_NO = ("nie", "ne", "non", "нет", "ні", "nein", "n")


def stocked_flag(value: str) -> str:
    text = (value or "").strip().lower()
    return "yes" if text in _YES else "no" if text in _NO else text


def claim_key(kind: str, value: str) -> str | None:
    code = lookups.norm_code(value or "")
    return f"product/{kind}/{code}" if code else None


class ProductImporter(KeyedImporter[Product]):
    entity = "products"
    model = ProductModel

    def validate(self, mapped: dict[str, str]) -> dict[str, Any]:
        return validate_product_fields({**mapped, "stocked": stocked_flag(mapped.get("stocked", ""))})

    def from_item(self, item: Any) -> Product:
        return product_of(item)

    def to_item(self, record: Product, version: int) -> ProductModel:
        return product_item(record, version)

    def claims(self, record: Product) -> dict[str, str]:
        return record.claims()

    def match_keys(self, c: Candidate) -> list[str]:
        keys = (claim_key("ext", c.value["external_id"]), claim_key("code", c.value["code"]))
        return [k for k in keys if k]

    def new_record(self, record_id: str, c: Candidate, ctx: RunContext) -> Product:
        return Product(id=record_id, active=True, created_at=ctx.now, **c.value)

    def check(self, record: Product, c: Candidate, is_new: bool) -> None:
        # The row's fields are valid alone; combined with stored ones they must be too (a service
        # row for a product stored as stocked, say).
        values = record.fields()
        validate_product_fields({**values, "stocked": "yes" if values["stocked"] else "no"})
