"""The table of bulk work on contracts (S3): one header item per operation plus one item per contract."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class BulkOperationsRecent(GlobalSecondaryIndex["BulkOperationModel"]):
    """Sparse: only headers carry `listing`, so the history lists operations, not their contracts."""

    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class BulkOperationModel(StoreModel):
    """part "operation": what was asked, totals, status; part "contract#<id>": what was done to it.

    A contract's part is written in the same transaction as the contract, so it says exactly what
    an undo has to put back, even when the run stopped half way.
    """

    class Meta(TableDefaults):
        table_name = "bulk_operations"

    id = UnicodeAttribute(hash_key=True)
    part = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute()
    listing = UnicodeAttribute(null=True)
    created_key = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    body = JSONAttribute()
    recent = BulkOperationsRecent()
