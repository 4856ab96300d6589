"""Tables of sales (C14, C15): quotes and the orders accepted quotes become."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class QuotesByCustomer(GlobalSecondaryIndex["QuoteModel"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class QuotesRecent(GlobalSecondaryIndex["QuoteModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class QuotesOpen(GlobalSecondaryIndex["QuoteModel"]):
    """Sparse: only quotes that may still expire, by validity date, for the daily job (no scan)."""

    class Meta:
        index_name = "by_expiry"
        projection = AllProjection()

    expiring = UnicodeAttribute(hash_key=True)
    valid_until = UnicodeAttribute(range_key=True)


class QuoteModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "quotes"

    id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    status = UnicodeAttribute()  # as stored; an open quote past valid_until reads as expired
    listing = UnicodeAttribute(default="quote")
    created_key = UnicodeAttribute()
    valid_until = UnicodeAttribute()  # ISO local date
    expiring = UnicodeAttribute(null=True)  # "open" while draft, sent or viewed
    body = JSONAttribute()  # everything else of the domain Quote
    version = NumberAttribute(default=1)
    by_customer = QuotesByCustomer()
    recent = QuotesRecent()
    by_expiry = QuotesOpen()


class OrdersByCustomer(GlobalSecondaryIndex["OrderModel"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class OrdersRecent(GlobalSecondaryIndex["OrderModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class OrdersOpen(GlobalSecondaryIndex["OrderModel"]):
    """Sparse: only open orders, so their totals come from one query however many orders are done."""

    class Meta:
        index_name = "open"
        projection = AllProjection()

    pending = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class OrderModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "orders"

    id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    quote_id = UnicodeAttribute()
    status = UnicodeAttribute()
    listing = UnicodeAttribute(default="order")
    created_key = UnicodeAttribute()
    pending = UnicodeAttribute(null=True)  # "open" while open
    body = JSONAttribute()  # lines, currency, contract id...: money stays exact integers in JSON
    version = NumberAttribute(default=1)
    by_customer = OrdersByCustomer()
    recent = OrdersRecent()
    open_orders = OrdersOpen()
