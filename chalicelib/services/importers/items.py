"""Importing installed items in bulk: a row names its product by code and its owner by customer code
or the customer's external id; it matches the item with the same serial number of that product
(the per-product serial claim), so a re-import updates and never duplicates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from chalicelib.domain import lookups
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.items import Item, serial_claim, validate_item_fields
from chalicelib.services.importers.base import Candidate, RunContext
from chalicelib.services.importers.keyed import KeyedImporter
from chalicelib.store import products
from chalicelib.store.items import from_item as item_of
from chalicelib.store.items import to_item as item_model
from chalicelib.store.models import UniqueKeyModel
from chalicelib.store.models_catalogue import ItemModel

# CSV field -> the record attribute it sets (the references are resolved to ids).
_ATTRIBUTES = {"serial": "serial", "model": "model", "manufacturer_no": "manufacturer_no",
               "install_date": "install_date", "external_id": "external_id"}
_OWNER_FIELDS = ("owner_code", "owner_external_id")


def _key(kind: str, value: str) -> str | None:
    norm = lookups.norm_code(value or "")
    return f"{kind}/{norm}" if norm else None


class ItemImporter(KeyedImporter[Item]):
    entity = "items"
    model = ItemModel

    def __init__(self, today: date | None = None) -> None:
        super().__init__()
        # validate() has no clock argument; an install date after today is refused in the preview too.
        self._today = today or datetime.now(UTC).date()
        self._product_of_row: dict[int, tuple[str, str]] = {}  # row -> (product id, code as stored)
        self._owner_of_row: dict[int, str] = {}
        self._codes: dict[str, str] = {}  # product id -> its code as a row wrote it
        self._inactive: set[str] = set()  # ids of the chunk's products that are no longer active

    def validate(self, mapped: dict[str, str]) -> dict[str, Any]:
        code = (mapped.get("product_code") or "").strip()
        if not code:
            raise ValidationError("product code is required", field="product_code")
        owner_code = (mapped.get("owner_code") or "").strip()
        owner_ext = (mapped.get("owner_external_id") or "").strip()
        if not owner_code and not owner_ext:
            raise ValidationError("the owner's customer code (or external id) is required",
                                  field="owner_code")
        # The ids are placeholders here: find_existing resolves the codes to records.
        fields = validate_item_fields({**mapped, "product_id": "?", "owner_id": "?"}, self._today)
        return {**fields, "product_code": code, "owner_code": owner_code, "owner_external_id": owner_ext}

    def from_item(self, item: Any) -> Item:
        return item_of(item)

    def to_item(self, record: Item, version: int) -> ItemModel:
        return item_model(record, version)

    def claims(self, record: Item) -> dict[str, str]:
        return record.claims(f"product {self._product_code(record.product_id)}")

    def _product_code(self, product_id: str) -> str:
        return self._codes.get(product_id, product_id)

    def reference_keys(self, c: Candidate) -> list[str]:
        keys = (_key("product/code", c.value["product_code"]), _key("customer/code", c.value["owner_code"]),
                _key("customer/ext", c.value["owner_external_id"]))
        return [k for k in keys if k]

    def match_keys(self, c: Candidate) -> list[str]:
        product = self.owners.get(_key("product/code", c.value["product_code"]) or "")
        return [serial_claim(lookups.split_ref(product)[1], c.value["serial"])] if product else []

    def find_existing(
        self, candidates: list[Candidate], ctx: RunContext
    ) -> list[str | ValidationError | None]:
        # The serial claim names the product's id: read the references first, then (with them again)
        # the serial claims.
        keys = list({k for c in candidates for k in self.reference_keys(c)})
        self.owners = {i.key: i.owner for i in UniqueKeyModel.batch_get(keys)} if keys else {}
        found = super().find_existing(candidates, ctx)
        product_ids = [self._product_of_row[c.row][0] for c in candidates if c.row in self._product_of_row]
        self._inactive = {p.id for p in products.get_many(product_ids).values() if not p.active}
        return found

    def resolve(self, c: Candidate) -> ValidationError | None:
        product = self.owners.get(_key("product/code", c.value["product_code"]) or "")
        if not product:
            return ValidationError(f"no product has the code {c.value['product_code']}", field="product_code")
        by_code = self.owners.get(_key("customer/code", c.value["owner_code"]) or "")
        by_ext = self.owners.get(_key("customer/ext", c.value["owner_external_id"]) or "")
        if c.value["owner_code"] and not by_code:
            return ValidationError(f"no customer has the code {c.value['owner_code']}", field="owner_code")
        if c.value["owner_external_id"] and not by_ext:
            return ValidationError(f"no customer has the external id {c.value['owner_external_id']}",
                                   field="owner_external_id")
        if by_code and by_ext and by_code != by_ext:
            return ValidationError("the owner's code and external id name two different customers",
                                   field="owner_external_id")
        self._product_of_row[c.row] = (lookups.split_ref(product)[1], c.value["product_code"])
        self._codes[lookups.split_ref(product)[1]] = c.value["product_code"]
        self._owner_of_row[c.row] = lookups.split_ref(by_code or by_ext or "")[1]
        return None

    def new_record(self, record_id: str, c: Candidate, ctx: RunContext) -> Item:
        fields = {k: v for k, v in c.value.items() if k not in ("product_code", *_OWNER_FIELDS)}
        fields.update(product_id=self._product_of_row[c.row][0], owner_id=self._owner_of_row[c.row])
        return Item(id=record_id, created_at=ctx.now, **fields)

    def changes(self, c: Candidate) -> dict[str, Any]:
        values = {_ATTRIBUTES[name]: c.value[name] for name in c.fields if name in _ATTRIBUTES}
        if set(_OWNER_FIELDS) & c.fields:
            values["owner_id"] = self._owner_of_row[c.row]
        return values

    def check(self, record: Item, c: Candidate, is_new: bool) -> None:
        # A product taken off the catalogue stays on existing items, but gets no new ones.
        if is_new and record.product_id in self._inactive:
            code = self._product_code(record.product_id)
            raise ValidationError(f"product {code} is no longer active", field="product_code")
