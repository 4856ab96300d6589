"""Tables of card payments (B5, B11, B25): payment profiles (the Stripe customer and the card saved on
it: brand, last 4 and expiry only, never the card data), the collection of each card-paid invoice with
its attempts, and each contract's dunning."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class ProfilesByStripeCustomer(GlobalSecondaryIndex["PaymentProfileModel"]):
    """Webhooks name the Stripe customer: this finds ours."""

    class Meta:
        index_name = "by_stripe_customer"
        projection = AllProjection()

    stripe_customer_id = UnicodeAttribute(hash_key=True)


class ProfilesExpiring(GlobalSecondaryIndex["PaymentProfileModel"]):
    """Sparse: profiles with a card, by expiry month, for the notices before a card expires (X4)."""

    class Meta:
        index_name = "expiring"
        projection = AllProjection()

    has_card = UnicodeAttribute(hash_key=True)  # "card" while a card is saved
    expiry_key = UnicodeAttribute(range_key=True)  # <YYYY-MM>#<customer id>


class PaymentProfileModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "payment_profiles"

    customer_id = UnicodeAttribute(hash_key=True)
    stripe_customer_id = UnicodeAttribute()
    has_card = UnicodeAttribute(null=True)
    expiry_key = UnicodeAttribute(null=True)
    body = JSONAttribute()  # card (payment method id, brand, last4, expiry), autopay, notices sent
    updated_at = UTCDateTimeAttribute(null=True)
    version = NumberAttribute(default=1)
    by_stripe_customer = ProfilesByStripeCustomer()
    expiring = ProfilesExpiring()


class CollectionsDue(GlobalSecondaryIndex["CollectionModel"]):
    """Sparse: collections with a next try (a first charge, a retry, an outcome to look up)."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due = UnicodeAttribute(hash_key=True)  # "due" while next_try_at is set
    next_try_key = UnicodeAttribute(range_key=True)  # <ISO instant>#<invoice id>


class CollectionsFailing(GlobalSecondaryIndex["CollectionModel"]):
    """Sparse: declined, unpaid invoices by contract, for dunning."""

    class Meta:
        index_name = "failing"
        projection = AllProjection()

    failing = UnicodeAttribute(hash_key=True)  # "failing" while declined and unpaid
    contract_key = UnicodeAttribute(range_key=True)  # <contract id or customer:<id>>#<invoice id>


class CollectionsByCustomer(GlobalSecondaryIndex["CollectionModel"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)  # <ISO instant>#<invoice id>


class CollectionModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "card_collections"

    invoice_id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    contract_id = UnicodeAttribute(default="")
    state = UnicodeAttribute()
    created_key = UnicodeAttribute()
    due = UnicodeAttribute(null=True)
    next_try_key = UnicodeAttribute(null=True)
    failing = UnicodeAttribute(null=True)
    contract_key = UnicodeAttribute(null=True)
    body = JSONAttribute()  # attempts, retry days, first failure, stop reason, payment id
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)
    due_index = CollectionsDue()
    failing_index = CollectionsFailing()
    by_customer = CollectionsByCustomer()


class DunningActive(GlobalSecondaryIndex["DunningModel"]):
    """Sparse: contracts in dunning (not ok), for the daily escalation."""

    class Meta:
        index_name = "active"
        projection = AllProjection()

    active = UnicodeAttribute(hash_key=True)  # "active" unless the level is ok
    contract_id = UnicodeAttribute(range_key=True)


class DunningModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "dunning"

    contract_id = UnicodeAttribute(hash_key=True)  # or customer:<id> for invoices without a contract
    customer_id = UnicodeAttribute()
    level = UnicodeAttribute()
    active = UnicodeAttribute(null=True)
    body = JSONAttribute()  # since, suspended_by_dunning, steps
    version = NumberAttribute(default=1)
    active_index = DunningActive()
