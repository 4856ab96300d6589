"""Tables of the catalogue (C17) and the installed base (S1)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import StoreModel
from chalicelib.store.models import TableDefaults


class ProductsByName(GlobalSecondaryIndex["ProductModel"]):
    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class ProductModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "products"

    id = UnicodeAttribute(hash_key=True)
    listing = UnicodeAttribute(default="product")
    code = UnicodeAttribute()  # unique (unique_keys: product/code/<CODE>)
    name = UnicodeAttribute()
    sort_name = UnicodeAttribute()
    kind = UnicodeAttribute(default="product")  # product | service
    specification = UnicodeAttribute(default="")
    unit = UnicodeAttribute(default="pc")
    vendor = UnicodeAttribute(default="")
    distributor = UnicodeAttribute(default="")
    stocked = BooleanAttribute(default=False)
    tax_category = UnicodeAttribute(default="standard")
    external_id = UnicodeAttribute(default="")
    active = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)
    by_name = ProductsByName()


class PriceListModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "price_lists"

    id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    currency = UnicodeAttribute()
    tax_inclusive = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()


class PriceModel(StoreModel):
    """A product's price in one price list, in integer minor units of the list's currency."""

    class Meta(TableDefaults):
        table_name = "prices"

    product_id = UnicodeAttribute(hash_key=True)
    price_list_id = UnicodeAttribute(range_key=True)
    currency = UnicodeAttribute()
    amount_minor = NumberAttribute()  # integer: never a float


class ItemsByOwner(GlobalSecondaryIndex["ItemModel"]):
    class Meta:
        index_name = "by_owner"
        projection = AllProjection()

    owner_id = UnicodeAttribute(hash_key=True)
    serial_key = UnicodeAttribute(range_key=True)


class ItemModel(StoreModel):
    """A serial-numbered item a customer owns: the installed base (S1)."""

    class Meta(TableDefaults):
        table_name = "items"

    id = UnicodeAttribute(hash_key=True)
    product_id = UnicodeAttribute()
    serial = UnicodeAttribute()
    serial_key = UnicodeAttribute()  # normalised serial, searched through lookups item/serial/<key>
    model = UnicodeAttribute(default="")
    manufacturer_no = UnicodeAttribute(default="")
    owner_id = UnicodeAttribute()
    install_address_id = UnicodeAttribute(null=True)
    install_date = UnicodeAttribute(null=True)  # ISO date
    external_id = UnicodeAttribute(default="")
    notes = UnicodeAttribute(default="")
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)
    by_owner = ItemsByOwner()
