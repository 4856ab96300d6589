"""Tables of purchasing (S13): purchase orders to vendors. Lines, delivery details and mail state are
in the body; the attributes are what the indexes and filters need."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class PurchaseOrdersRecent(GlobalSecondaryIndex["PurchaseOrderModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)  # <created instant>#<id>


class PurchaseOrdersByOrder(GlobalSecondaryIndex["PurchaseOrderModel"]):
    """Sparse: only purchase orders that supply a customer order."""

    class Meta:
        index_name = "by_order"
        projection = AllProjection()

    order_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class PurchaseOrderModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "purchase_orders"

    id = UnicodeAttribute(hash_key=True)
    vendor_id = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    number = UnicodeAttribute(null=True)  # given when sent
    listing = UnicodeAttribute(default="purchase_order")
    created_key = UnicodeAttribute()
    body = JSONAttribute()  # lines (money as exact integers), currency, delivery, mail state
    version = NumberAttribute(default=1)
    recent = PurchaseOrdersRecent()
    by_order = PurchaseOrdersByOrder()
