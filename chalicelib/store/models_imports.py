"""Tables of CSV imports (S2): each import's progress and report, and saved column mappings."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class ImportsRecent(GlobalSecondaryIndex["ImportModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    feed = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ImportModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "imports"

    id = UnicodeAttribute(hash_key=True)
    feed = UnicodeAttribute(default="imports")
    entity = UnicodeAttribute()  # customers | people | products | items
    filename = UnicodeAttribute()
    blob_key = UnicodeAttribute()
    encoding = UnicodeAttribute(default="")
    delimiter = UnicodeAttribute(default="")
    header = JSONAttribute(null=True)
    mapping = JSONAttribute(null=True)
    status = UnicodeAttribute(default="uploaded")  # uploaded | queued | running | done | failed
    total_rows = NumberAttribute(default=0)
    processed_rows = NumberAttribute(default=0)
    written_rows = NumberAttribute(default=0)
    created_rows = NumberAttribute(default=0)
    updated_rows = NumberAttribute(default=0)
    failed_rows = NumberAttribute(default=0)
    errors_blob_key = UnicodeAttribute(null=True)
    error_sample = JSONAttribute(null=True)  # the first row errors: [[row, column, reason], ...]
    error = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_by_label = UnicodeAttribute(default="")
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)
    recent = ImportsRecent()


class ImportMappingModel(StoreModel):
    """The column mapping last used for a file layout, offered again next time."""

    class Meta(TableDefaults):
        table_name = "import_mappings"

    entity = UnicodeAttribute(hash_key=True)
    header_key = UnicodeAttribute(range_key=True)  # hash of the normalised header row
    mapping = JSONAttribute()
    updated_at = UTCDateTimeAttribute()
