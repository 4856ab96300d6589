"""The table of incoming Stripe events: one item per event id (deduplication and the event log)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class StripeEventsRecent(GlobalSecondaryIndex["StripeEventModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)  # always "event"
    received_key = UnicodeAttribute(range_key=True)  # <received at, ISO UTC>#<event id>


class StripeEventsByStatus(GlobalSecondaryIndex["StripeEventModel"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    received_key = UnicodeAttribute(range_key=True)


class StripeEventModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "stripe_events"

    id = UnicodeAttribute(hash_key=True)  # Stripe's event id, evt_...
    type = UnicodeAttribute()
    created = UTCDateTimeAttribute()  # the event's own time at Stripe
    received_at = UTCDateTimeAttribute()
    received_key = UnicodeAttribute()
    listing = UnicodeAttribute(default="event")
    status = UnicodeAttribute()  # received | processed | ignored | failed
    outcome = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=1)
    livemode = BooleanAttribute(default=False)
    object_id = UnicodeAttribute(null=True)
    stripe_customer_id = UnicodeAttribute(null=True)
    payload = JSONAttribute()
    payload_truncated = BooleanAttribute(default=False)
    claim = UnicodeAttribute(null=True)  # the token of the delivery processing it
    claimed_at = UTCDateTimeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()
    recent = StripeEventsRecent()
    by_status = StripeEventsByStatus()
