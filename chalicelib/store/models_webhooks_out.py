"""Tables of outgoing webhooks (X6): the endpoints staff register, one delivery per endpoint and
event (with its attempts), and the job's position in the audit log."""

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


class WebhookEndpointModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "webhook_endpoints"

    id = UnicodeAttribute(hash_key=True)
    url = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    event_types = JSONAttribute()  # ["*"] or the chosen types
    secret = UnicodeAttribute()
    previous_secret = UnicodeAttribute(null=True)
    previous_secret_until = UTCDateTimeAttribute(null=True)
    enabled = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)


class DeliveriesByEndpoint(GlobalSecondaryIndex["WebhookDeliveryModel"]):
    """The delivery log of one endpoint, newest first."""

    class Meta:
        index_name = "by_endpoint"
        projection = AllProjection()

    endpoint_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)  # <created instant>#<id>


class DeliveriesDue(GlobalSecondaryIndex["WebhookDeliveryModel"]):
    """Sparse: only deliveries still to be attempted, by when."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due = UnicodeAttribute(hash_key=True)  # "due" while pending, absent otherwise
    due_key = UnicodeAttribute(range_key=True)  # <next attempt instant>#<id>


class WebhookDeliveryModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "webhook_deliveries"

    id = UnicodeAttribute(hash_key=True)  # derived from endpoint and event: a second write is a no-op
    endpoint_id = UnicodeAttribute()
    created_key = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    body = UnicodeAttribute()  # the exact JSON sent at every attempt
    status = UnicodeAttribute()  # pending | delivered | failed
    created_at = UTCDateTimeAttribute()
    next_at = UTCDateTimeAttribute(null=True)
    delivered_at = UTCDateTimeAttribute(null=True)
    tries = NumberAttribute(default=0)
    max_tries = NumberAttribute()
    attempts = JSONAttribute(default=list)
    note = UnicodeAttribute(default="")
    due = UnicodeAttribute(null=True)
    due_key = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)
    expires_at = TTLAttribute()  # the log is kept 30 days
    by_endpoint = DeliveriesByEndpoint()
    due_index = DeliveriesDue()


class WebhookCursorModel(StoreModel):
    """How far the delivery job has read the audit log (the last audit seq it turned into events)."""

    class Meta(TableDefaults):
        table_name = "webhook_cursors"

    name = UnicodeAttribute(hash_key=True)
    position = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
