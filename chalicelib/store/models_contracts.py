"""Tables of contracts (issue 4): templates, contracts and their versions."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class ContractTemplateModel(StoreModel):
    """Terms a contract starts from (B20): few per business, listed by one small scan."""

    class Meta(TableDefaults):
        table_name = "contract_templates"

    id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    terms = JSONAttribute()  # every validated field of ContractTemplate but id, name and options
    options = JSONAttribute(null=True)
    active = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)


class ContractsByCustomer(GlobalSecondaryIndex["ContractModel"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    start_date = UnicodeAttribute(range_key=True)


class ContractsRecent(GlobalSecondaryIndex["ContractModel"]):
    class Meta:
        index_name = "recent"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ContractsEnding(GlobalSecondaryIndex["ContractModel"]):
    """Sparse: only running contracts with an end date, for the renewal job (no scan)."""

    class Meta:
        index_name = "by_end"
        projection = AllProjection()

    ending = UnicodeAttribute(hash_key=True)
    end_date = UnicodeAttribute(range_key=True)


class ContractsDue(GlobalSecondaryIndex["ContractModel"]):
    """Sparse: only contracts with a next billing date, for the billing run (no scan)."""

    class Meta:
        index_name = "by_next_billing"
        projection = AllProjection()

    billing = UnicodeAttribute(hash_key=True)
    next_billing_date = UnicodeAttribute(range_key=True)


class ContractModel(StoreModel):
    """One contract: its lines over time and unbilled adjustments travel with it, written as one item."""

    class Meta(TableDefaults):
        table_name = "contracts"

    id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute()
    template_id = UnicodeAttribute()
    status = UnicodeAttribute()
    start_date = UnicodeAttribute()  # ISO local date
    end_date = UnicodeAttribute(null=True)
    next_billing_date = UnicodeAttribute(null=True)
    listing = UnicodeAttribute(default="contract")
    created_key = UnicodeAttribute()
    ending = UnicodeAttribute(null=True)  # "running" while it can still expire or renew
    billing = UnicodeAttribute(null=True)  # "due" while it has periods to bill
    body = JSONAttribute()  # everything else of the domain Contract
    version = NumberAttribute(default=1)
    by_customer = ContractsByCustomer()
    recent = ContractsRecent()
    by_end = ContractsEnding()
    by_next_billing = ContractsDue()


class ContractVersionModel(StoreModel):
    """The contract after each change, with who did it and why: its history and "as of" views."""

    class Meta(TableDefaults):
        table_name = "contract_versions"

    contract_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(range_key=True)
    recorded_at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    actor_label = UnicodeAttribute(default="")
    action = UnicodeAttribute()
    summary = UnicodeAttribute(default="")
    snapshot = JSONAttribute()


class VisitsByCustomer(GlobalSecondaryIndex["VisitModel"]):
    """A customer's visits over all contracts, by date: the portal overview reads them in one query."""

    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)


class VisitModel(StoreModel):
    """A planned service visit for one item of a contract (S10); done visits are kept as history."""

    class Meta(TableDefaults):
        table_name = "service_visits"

    contract_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)  # <due date>#<item id>: sorted by date
    item_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    due = UnicodeAttribute()  # ISO local date
    status = UnicodeAttribute(default="planned")  # planned | done | cancelled
    done_at = UTCDateTimeAttribute(null=True)
    by_customer = VisitsByCustomer()
