"""Tables of payments received by hand (S14). Which invoices a payment pays is in its body; the
lookup key payment/invoice/<invoice id> finds the payments of one invoice."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class PaymentsByCustomer(GlobalSecondaryIndex["PaymentModel"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    received_key = UnicodeAttribute(range_key=True)  # <received date>#<id>


class PaymentsRecent(GlobalSecondaryIndex["PaymentModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    received_key = UnicodeAttribute(range_key=True)


class PaymentsHeld(GlobalSecondaryIndex["PaymentModel"]):
    """Sparse: only post-dated cheques still held, by the date they may be banked."""

    class Meta:
        index_name = "held"
        projection = AllProjection()

    holding = UnicodeAttribute(hash_key=True)
    cheque_key = UnicodeAttribute(range_key=True)  # <cheque date>#<id>


class PaymentModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "payments"

    id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    received_key = UnicodeAttribute()
    listing = UnicodeAttribute(default="payment")
    method = UnicodeAttribute()
    status = UnicodeAttribute()  # held | cleared | bounced
    amount_minor = NumberAttribute()  # integer minor units
    allocated_minor = NumberAttribute(default=0)
    currency = UnicodeAttribute()
    holding = UnicodeAttribute(null=True)  # "held" while a post-dated cheque waits for its date
    cheque_key = UnicodeAttribute(null=True)
    body = JSONAttribute()  # dates, reference, note, allocations, bounce
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)
    by_customer = PaymentsByCustomer()
    recent = PaymentsRecent()
    held = PaymentsHeld()
