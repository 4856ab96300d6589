"""Price lists and the prices of products in them (integer minor units of the list's currency)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.catalogue import Price, PriceList
from chalicelib.domain.errors import NotFound
from chalicelib.store import records
from chalicelib.store.models_catalogue import PriceListModel, PriceModel

MAX_LISTS = 200


def _price_list(item: PriceListModel) -> PriceList:
    return PriceList(
        id=item.id,
        name=item.name,
        currency=item.currency,
        tax_inclusive=bool(item.tax_inclusive),
        created_at=item.created_at,
    )


def _price(item: PriceModel) -> Price:
    return Price(
        product_id=item.product_id,
        price_list_id=item.price_list_id,
        currency=item.currency,
        amount_minor=int(item.amount_minor),
    )


def get(price_list_id: str) -> PriceList:
    try:
        return _price_list(PriceListModel.get(price_list_id))
    except DoesNotExist:
        raise NotFound(f"no price list {price_list_id}", field="price_list_id") from None


def list_all() -> list[PriceList]:
    """A company has a handful of price lists: one scan of a small table, sorted by name."""
    found = [_price_list(i) for i in PriceListModel.scan(limit=MAX_LISTS)]
    return sorted(found, key=lambda p: (p.name.casefold(), p.id))


def create(price_list: PriceList, entry: AuditEntry) -> PriceList:
    item = PriceListModel(
        id=price_list.id,
        name=price_list.name,
        currency=price_list.currency,
        tax_inclusive=price_list.tax_inclusive,
        created_at=price_list.created_at,
    )
    records.commit(records.Change(audit=entry).save(item, PriceListModel.id.does_not_exist()))
    return price_list


def prices_of(product_id: str) -> list[Price]:
    """Every price of one product: one query."""
    return [_price(i) for i in PriceModel.query(product_id)]


def price(product_id: str, price_list_id: str) -> Price | None:
    try:
        return _price(PriceModel.get(product_id, price_list_id))
    except DoesNotExist:
        return None


def set_price(price: Price, entry: AuditEntry) -> Price:
    item = PriceModel(
        product_id=price.product_id,
        price_list_id=price.price_list_id,
        currency=price.currency,
        amount_minor=int(price.amount_minor),
    )
    records.commit(records.Change(audit=entry).save(item))
    return price
