"""CSV export of customers, people, products and items.

The header is the entity's importable field names (csv_mapping.FIELDS), so an exported file
imports again unchanged, matched by external id, tax id, code or serial. UTF-8 with a BOM so
Excel opens it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from chalicelib.domain.csv_mapping import FIELDS, fields_of
from chalicelib.domain.customer import SENSITIVE_FIELDS
from chalicelib.store import customers, products
from chalicelib.store.models_catalogue import ItemModel, ProductModel
from chalicelib.store.models_contacts import MembershipModel, PersonModel

PAGE = 200


def export(entity: str, *, may_view_sensitive: bool) -> bytes:
    fields = fields_of(entity)
    rows = {
        "customers": lambda: _customers(may_view_sensitive),
        "people": _people,
        "products": _products,
        "items": _items,
    }[entity]()
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([row.get(name, "") for name in fields])
    return out.getvalue().encode("utf-8-sig")


def _customers(may_view_sensitive: bool) -> Iterator[dict[str, str]]:
    cursor: str | None = None
    while True:
        found, cursor = customers.page(after=cursor, limit=PAGE)
        for customer in found:
            row = {k: v for k, v in customer.fields().items() if k in FIELDS["customers"]}
            if not may_view_sensitive:
                row.update({name: "" for name in SENSITIVE_FIELDS})
            yield row
        if not cursor:
            return


def _people() -> Iterator[dict[str, str]]:
    """Each person with one organisation (the primary one, else the first with a code) as customer_code
    and role, so the file imports again; the memberships table is read once, not once per person."""
    links = _main_memberships()
    page: list[PersonModel] = []
    for item in PersonModel.by_name.query("person", page_size=PAGE):
        if not item.merged_into:
            page.append(item)
        if len(page) == PAGE:
            yield from _person_rows(page, links)
            page = []
    yield from _person_rows(page, links)


def _main_memberships() -> dict[str, list[MembershipModel]]:
    """person id -> memberships, the primary one first."""
    found: dict[str, list[MembershipModel]] = {}
    for link in MembershipModel.scan(page_size=PAGE):
        found.setdefault(link.person_id, []).append(link)
    return {person: sorted(links, key=lambda m: not m.primary) for person, links in found.items()}


def _person_rows(
    page: list[PersonModel], links: dict[str, list[MembershipModel]]
) -> Iterator[dict[str, str]]:
    wanted = list(dict.fromkeys(m.customer_id for p in page for m in links.get(p.id, ())))
    codes = {c.id: c.code for c in customers.get_many(wanted) if c.code} if wanted else {}
    for item in page:
        row = {name: getattr(item, name, "") or "" for name in FIELDS["people"] if hasattr(item, name)}
        # Only a link to an organisation with a code can be imported again.
        link = next((m for m in links.get(item.id, ()) if m.customer_id in codes), None)
        if link is not None:
            row.update(customer_code=codes[link.customer_id], role=link.role or "")
        yield row


def _products() -> Iterator[dict[str, str]]:
    cursor: str | None = None
    while True:
        found, cursor = products.page(after=cursor, limit=PAGE)
        for product in found:
            values = product.fields()
            row = {k: str(values.get(k) or "") for k in FIELDS["products"]}
            row["stocked"] = "yes" if values.get("stocked") else "no"
            yield row
        if not cursor:
            return


def _items() -> Iterator[dict[str, str]]:
    """Items have no listing index: the export reads the table once, in pages, resolving codes in batches."""
    page: list[ItemModel] = []
    for item in ItemModel.scan(page_size=PAGE):
        page.append(item)
        if len(page) == PAGE:
            yield from _item_rows(page)
            page = []
    yield from _item_rows(page)


def _item_rows(page: list[ItemModel]) -> Iterator[dict[str, str]]:
    if not page:
        return
    product_ids = list({i.product_id for i in page})
    codes = {p.id: p.code for p in ProductModel.batch_get(product_ids)}
    owners = {c.id: c for c in customers.get_many([i.owner_id for i in page])}
    for item in page:
        owner = owners.get(item.owner_id)
        yield {
            "serial": item.serial,
            "product_code": codes.get(item.product_id, ""),
            "model": item.model or "",
            "manufacturer_no": item.manufacturer_no or "",
            "owner_code": owner.code if owner else "",
            "owner_external_id": owner.external_id if owner else "",
            "install_date": item.install_date or "",
            "external_id": item.external_id or "",
        }
