"""Tables of the service desk (issue 7): tickets from portal complaints, their number counter, and
the feedback customers give on service visits (B3)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import StoreModel
from chalicelib.store.models import TableDefaults


class TicketsByCustomer(GlobalSecondaryIndex["TicketModel"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class TicketsByItem(GlobalSecondaryIndex["TicketModel"]):
    class Meta:
        index_name = "by_item"
        projection = AllProjection()

    item_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class TicketsRecent(GlobalSecondaryIndex["TicketModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class TicketModel(StoreModel):
    """A complaint about an item, numbered T-000123, worked on by the service desk."""

    class Meta(TableDefaults):
        table_name = "tickets"

    id = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    item_id = UnicodeAttribute()
    contract_id = UnicodeAttribute(null=True)
    description = UnicodeAttribute()
    urgency = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute(default="")
    listing = UnicodeAttribute(default="ticket")
    created_key = UnicodeAttribute()  # <created at>#<id>: newest first in each index
    version = NumberAttribute(default=1)
    by_customer = TicketsByCustomer()
    by_item = TicketsByItem()
    recent = TicketsRecent()


class FeedbackRecent(GlobalSecondaryIndex["FeedbackModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class FeedbackModel(StoreModel):
    """One rating of one service visit: keyed like the visit, so a second rating cannot be written."""

    class Meta(TableDefaults):
        table_name = "visit_feedback"

    contract_id = UnicodeAttribute(hash_key=True)
    visit_key = UnicodeAttribute(range_key=True)  # <due date>#<item id>, as in service_visits
    customer_id = UnicodeAttribute()
    item_id = UnicodeAttribute()
    rating = NumberAttribute()  # 1-5
    comment = UnicodeAttribute(default="")
    created_at = UTCDateTimeAttribute()
    listing = UnicodeAttribute(default="feedback")
    created_key = UnicodeAttribute()
    recent = FeedbackRecent()
