"""The links table (B6, B7): customer links keyed by the SHA-256 of their token, never the token."""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import StoreModel
from chalicelib.store.models import TableDefaults


class LinksByCustomer(GlobalSecondaryIndex["LinkModel"]):
    """A customer's links, newest first, for the staff page (sparse: prospects' links have no customer)."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)  # time-ordered: <created at>#<random>


class ProspectLinks(GlobalSecondaryIndex["LinkModel"]):
    """Signup links made for prospects (no customer yet), newest first: staff list and revoke them."""

    class Meta:
        index_name = "prospects"
        projection = AllProjection()

    prospect = UnicodeAttribute(hash_key=True)  # set only on links without a customer: a sparse index
    created_key = UnicodeAttribute(range_key=True)


class LinkModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "links"

    token_hash = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute()
    customer_id = UnicodeAttribute(null=True)
    subject_type = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_key = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    created_by_label = UnicodeAttribute(default="")
    revoked_at = UTCDateTimeAttribute(null=True)
    last_used_at = UTCDateTimeAttribute(null=True)
    purge_at = TTLAttribute()  # well after expiry: the expiry page still knows the link until then
    prospect = UnicodeAttribute(null=True)
    by_customer = LinksByCustomer()
    prospects = ProspectLinks()
