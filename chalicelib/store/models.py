"""Every DynamoDB table of the product, as a PynamoDB model. Base names get a prefix at bind time."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.store.base import JSONAttribute, StoreModel


class TableDefaults:
    billing_mode = "PAY_PER_REQUEST"
    point_in_time_recovery = True


class StaffByEmail(GlobalSecondaryIndex["StaffModel"]):
    class Meta:
        index_name = "by_email"
        projection = AllProjection()

    email = UnicodeAttribute(hash_key=True)


class StaffModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "staff"

    id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    password_hash = UnicodeAttribute(null=True)
    password_version = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    by_email = StaffByEmail()


class EmailClaimModel(StoreModel):
    """One item per staff email: makes email uniqueness a conditional write, not a race."""

    # (Staff predate unique_keys below; kept as they are.)

    class Meta(TableDefaults):
        table_name = "staff_emails"

    email = UnicodeAttribute(hash_key=True)
    staff_id = UnicodeAttribute()


class SessionModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "sessions"
        point_in_time_recovery = False  # short-lived; losing them only signs people out

    id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class ThrottleModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "throttle"
        point_in_time_recovery = False

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class AuditByActor(GlobalSecondaryIndex["AuditModel"]):
    class Meta:
        index_name = "by_actor"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)
    seq = UnicodeAttribute(range_key=True)


class AuditByDay(GlobalSecondaryIndex["AuditModel"]):
    class Meta:
        index_name = "by_day"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    seq = UnicodeAttribute(range_key=True)


class AuditModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "audit"

    entity = UnicodeAttribute(hash_key=True)  # "<type>#<id>"
    seq = UnicodeAttribute(range_key=True)  # time-ordered key
    day = UnicodeAttribute()
    action = UnicodeAttribute()
    actor = UnicodeAttribute()
    actor_label = UnicodeAttribute(default="")
    before = JSONAttribute(null=True)
    after = JSONAttribute(null=True)
    by_actor = AuditByActor()
    by_day = AuditByDay()


class ApiKeyModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "api_keys"

    id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    scopes = UnicodeSetAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    last_used_at = UTCDateTimeAttribute(null=True)


class JobRunsRecent(GlobalSecondaryIndex["JobRunModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    feed = UnicodeAttribute(hash_key=True)
    started_key = UnicodeAttribute(range_key=True)


class JobRunModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "job_runs"

    job = UnicodeAttribute(hash_key=True)
    started_key = UnicodeAttribute(range_key=True)  # time-ordered key
    feed = UnicodeAttribute(default="runs")
    run_id = UnicodeAttribute()
    trigger = UnicodeAttribute()
    at = UTCDateTimeAttribute()  # the instant the job acted as of (--at)
    started_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)
    result = UnicodeAttribute(default="running")  # running | ok | error
    counts = JSONAttribute(null=True)
    error = UnicodeAttribute(null=True)
    recent = JobRunsRecent()


class MailRecent(GlobalSecondaryIndex["MailModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    feed = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class MailByStatus(GlobalSecondaryIndex["MailModel"]):
    class Meta:
        index_name = "by_status"
        projection = KeysOnlyProjection()

    status = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class MailModel(StoreModel):
    """Every email the product sends, whatever the backend: nothing sent is lost from view."""

    class Meta(TableDefaults):
        table_name = "mail"

    id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute()
    feed = UnicodeAttribute(default="mail")
    to = UnicodeAttribute()
    subject = UnicodeAttribute()
    text = UnicodeAttribute()
    html = UnicodeAttribute(null=True)
    attachments = JSONAttribute(null=True)  # [{"filename", "content_type", "blob_key", "size"}]
    status = UnicodeAttribute()  # queued | sent | failed
    attempts = NumberAttribute(default=0)
    provider_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    eml_path = UnicodeAttribute(null=True)
    recent = MailRecent()
    by_status = MailByStatus()


class CustomersByName(GlobalSecondaryIndex["CustomerModel"]):
    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class CustomersByEmail(GlobalSecondaryIndex["CustomerModel"]):
    class Meta:
        index_name = "by_email"
        projection = KeysOnlyProjection()

    email_key = UnicodeAttribute(hash_key=True)


class CustomersByPhone(GlobalSecondaryIndex["CustomerModel"]):
    class Meta:
        index_name = "by_phone"
        projection = KeysOnlyProjection()

    phone_key = UnicodeAttribute(hash_key=True)


class CustomersByTaxId(GlobalSecondaryIndex["CustomerModel"]):
    class Meta:
        index_name = "by_tax_id"
        projection = KeysOnlyProjection()

    tax_key = UnicodeAttribute(hash_key=True)


class CustomerModel(StoreModel):
    """An organisation we deal with: a customer (C1), also a vendor or principal by category."""

    class Meta(TableDefaults):
        table_name = "customers"

    id = UnicodeAttribute(hash_key=True)
    listing = UnicodeAttribute(default="customer")
    name = UnicodeAttribute()
    sort_name = UnicodeAttribute()
    email = UnicodeAttribute(default="")
    phone = UnicodeAttribute(default="")
    country = UnicodeAttribute()
    currency = UnicodeAttribute()
    locale = UnicodeAttribute(default="en")
    timezone = UnicodeAttribute(default="UTC")
    code = UnicodeAttribute(default="")
    tax_id = UnicodeAttribute(default="")
    external_id = UnicodeAttribute(default="")
    website = UnicodeAttribute(default="")
    bank_account = UnicodeAttribute(default="")
    notes = UnicodeAttribute(default="")
    address_id = UnicodeAttribute(null=True)
    custom = JSONAttribute(null=True)
    categories = UnicodeSetAttribute(null=True)
    merged_into = UnicodeAttribute(null=True)  # a merged duplicate leaves a redirect, never a dangling id
    # Normalised search keys, set only when the field is filled (sparse indexes): GSIs keep them in
    # step with the record at no extra write request, which bulk imports need.
    email_key = UnicodeAttribute(null=True)
    phone_key = UnicodeAttribute(null=True)
    tax_key = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)
    by_name = CustomersByName()
    by_email = CustomersByEmail()
    by_phone = CustomersByPhone()
    by_tax_id = CustomersByTaxId()


class LookupModel(StoreModel):
    """The one secondary index of the CRM: exact keys to records (written with the record).

    key examples: customer/email/<email>, person/phone/<digits>, item/serial/<SERIAL>,
    category/<kind>:<code>, uses/customer#<id> (records referencing it: for merges), postcode/<norm>.
    """

    class Meta(TableDefaults):
        table_name = "lookups"

    key = UnicodeAttribute(hash_key=True)
    ref = UnicodeAttribute(range_key=True)  # "<type>#<id>"


class UniqueKeyModel(StoreModel):
    """Uniqueness claims (product code, serial per product, external ids): a conditional put each."""

    class Meta(TableDefaults):
        table_name = "unique_keys"

    key = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()  # "<type>#<id>"
