"""Products: listed and searched by folded name through an index; codes unique through claims."""

from __future__ import annotations

import base64
import binascii
import json

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import lookups
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.catalogue import Product
from chalicelib.domain.customer import sort_name
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.store import records
from chalicelib.store.models_catalogue import ProductModel

PAGE_SIZE = 50


def from_item(item: ProductModel) -> Product:
    return Product(
        id=item.id,
        code=item.code,
        name=item.name,
        kind=item.kind,
        specification=item.specification or "",
        unit=item.unit,
        vendor=item.vendor or "",
        distributor=item.distributor or "",
        stocked=bool(item.stocked),
        tax_category=item.tax_category,
        external_id=item.external_id or "",
        active=bool(item.active),
        created_at=item.created_at,
    )


def to_item(product: Product, version: int) -> ProductModel:
    return ProductModel(
        id=product.id,
        code=product.code,
        name=product.name,
        sort_name=sort_name(product.name),
        kind=product.kind,
        specification=product.specification,
        unit=product.unit,
        vendor=product.vendor,
        distributor=product.distributor,
        stocked=product.stocked,
        tax_category=product.tax_category,
        external_id=product.external_id,
        active=product.active,
        created_at=product.created_at,
        version=version,
    )


def get(product_id: str) -> Product:
    try:
        return from_item(ProductModel.get(product_id))
    except DoesNotExist:
        raise NotFound(f"no product {product_id}", field="product_id") from None


def get_many(product_ids: list[str]) -> dict[str, Product]:
    """One BatchGetItem per 100 ids; missing ids are left out."""
    wanted = [i for i in dict.fromkeys(product_ids) if i]
    return {i.id: from_item(i) for i in ProductModel.batch_get(wanted)} if wanted else {}


def create(product: Product, entry: AuditEntry) -> Product:
    records.save_new(product, to_item(product, 1), entry, product.claims())
    return product


def update(before: Product, after: Product, entry: AuditEntry) -> Product:
    """Fails with Conflict when the stored record is no longer `before` (someone else saved)."""
    records.save_changed(
        before,
        after,
        model=ProductModel,
        to_item=to_item,
        from_item=from_item,
        claims=(before.claims(), after.claims()),
        entry=entry,
        label="product",
        field="product_id",
    )
    return after


def find_by_code(code: str) -> Product | None:
    key = lookups.code_key("product", "code", code)
    found = records.refs(key, limit=1) if key else []
    return get(lookups.split_ref(found[0])[1]) if found else None


def page(
    prefix: str = "", after: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Product], str | None]:
    """One page sorted by name, optionally by name prefix; returns the cursor of the next page."""
    condition = ProductModel.sort_name.startswith(sort_name(prefix)) if prefix.strip() else None
    last_key = None
    if after:
        cursor = _decode_cursor(after)
        last_key = {"id": {"S": cursor[0]}, "listing": {"S": "product"}, "sort_name": {"S": cursor[1]}}
    result = ProductModel.by_name.query(
        "product", range_key_condition=condition, limit=limit, last_evaluated_key=last_key
    )
    products = [from_item(i) for i in result]
    next_key = result.last_evaluated_key
    cursor_out = _encode_cursor(next_key["id"]["S"], next_key["sort_name"]["S"]) if next_key else None
    return products, cursor_out


def _encode_cursor(product_id: str, name_key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([product_id, name_key]).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return value[0], value[1]
    except (ValueError, binascii.Error):
        pass
    raise ValidationError("the page cursor is not valid", field="after")
