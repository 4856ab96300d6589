"""Tables of billing (issue 5): invoices and the number series they are issued in."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class InvoicesByContract(GlobalSecondaryIndex["InvoiceModel"]):
    class Meta:
        index_name = "by_contract"
        projection = AllProjection()

    contract_id = UnicodeAttribute(hash_key=True)
    period_start = UnicodeAttribute(range_key=True)


class InvoicesByCustomer(GlobalSecondaryIndex["InvoiceModel"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    issue_key = UnicodeAttribute(range_key=True)  # <issue date>#<id>


class InvoicesRecent(GlobalSecondaryIndex["InvoiceModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    issue_key = UnicodeAttribute(range_key=True)


class InvoicesOutstanding(GlobalSecondaryIndex["InvoiceModel"]):
    """Sparse: only issued invoices with an open amount, by due date (the outstanding list)."""

    class Meta:
        index_name = "outstanding"
        projection = AllProjection()

    owing = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)  # <due date>#<id>


class InvoicesUnsent(GlobalSecondaryIndex["InvoiceModel"]):
    """Sparse: issued documents not yet emailed to the customer, for the sending job to pick up."""

    class Meta:
        index_name = "unsent"
        projection = AllProjection()

    unsent = UnicodeAttribute(hash_key=True)
    issue_key = UnicodeAttribute(range_key=True)


class InvoiceModel(StoreModel):
    """An invoice, credit note or pro-forma. A billed period's invoice has the id <contract id>:<period
    start>, so a period can only ever be invoiced once; other documents have a random id."""

    class Meta(TableDefaults):
        table_name = "invoices"

    id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    contract_id = UnicodeAttribute(null=True)  # none for manual documents
    period_start = UnicodeAttribute(null=True)
    issue_key = UnicodeAttribute()
    listing = UnicodeAttribute(default="invoice")
    kind = UnicodeAttribute(default="invoice")  # invoice | credit_note | proforma
    status = UnicodeAttribute()  # draft | issued
    series = UnicodeAttribute()
    number = UnicodeAttribute(null=True)  # none while a draft
    total_minor = NumberAttribute()  # integer minor units
    paid_minor = NumberAttribute(default=0)
    credited_minor = NumberAttribute(default=0)
    currency = UnicodeAttribute()
    owing = UnicodeAttribute(null=True)  # "open" while something is owed
    due_key = UnicodeAttribute(null=True)
    unsent = UnicodeAttribute(null=True)  # "unsent" until emailed
    body = JSONAttribute()  # lines, dates, terms
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)
    by_contract = InvoicesByContract()
    by_customer = InvoicesByCustomer()
    recent = InvoicesRecent()
    outstanding = InvoicesOutstanding()
    unsent_index = InvoicesUnsent()


class InvoiceSeriesModel(StoreModel):
    """A number series (X3): its format and the last number issued; numbers are taken in transactions."""

    class Meta(TableDefaults):
        table_name = "invoice_series"

    id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    format = UnicodeAttribute()
    last_seq = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()


class TaxRateModel(StoreModel):
    """A tax rate (B4) for a region (country or country-state) and a product tax category."""

    class Meta(TableDefaults):
        table_name = "tax_rates"

    region = UnicodeAttribute(hash_key=True)
    category = UnicodeAttribute(range_key=True)
    rate_bp = NumberAttribute()  # basis points, integer: 2000 = 20.00 %
    name = UnicodeAttribute(default="")
    updated_at = UTCDateTimeAttribute()


class RevenueModel(StoreModel):
    """Recognised revenue (B14 basis): one invoice's net amount falling in one calendar month."""

    class Meta(TableDefaults):
        table_name = "revenue"

    month = UnicodeAttribute(hash_key=True)  # 2027-01
    invoice_id = UnicodeAttribute(range_key=True)
    amount_minor = NumberAttribute()  # integer minor units, net of tax
    currency = UnicodeAttribute()
    contract_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
