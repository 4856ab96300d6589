"""Tables of contracts (issue 4): templates so far."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.store.base import JSONAttribute
from chalicelib.store.models import TableDefaults


class ContractTemplateModel(Model):
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
