"""Tables of the contacts CRM: people and their organisations, addresses, custom fields and
categories (C2, C3, C5)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import JSONAttribute, StoreModel
from chalicelib.store.models import TableDefaults


class PeopleByName(GlobalSecondaryIndex["PersonModel"]):
    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class PersonModel(StoreModel):
    class Meta(TableDefaults):
        table_name = "people"

    id = UnicodeAttribute(hash_key=True)
    listing = UnicodeAttribute(default="person")
    first_name = UnicodeAttribute(default="")
    last_name = UnicodeAttribute()
    sort_name = UnicodeAttribute()
    email = UnicodeAttribute(default="")
    phone = UnicodeAttribute(default="")
    external_id = UnicodeAttribute(default="")
    notes = UnicodeAttribute(default="")
    address_id = UnicodeAttribute(null=True)
    custom = JSONAttribute(null=True)
    categories = UnicodeSetAttribute(null=True)
    merged_into = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)
    by_name = PeopleByName()


class MembershipByCustomer(GlobalSecondaryIndex["MembershipModel"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    person_id = UnicodeAttribute(range_key=True)


class MembershipModel(StoreModel):
    """A person at an organisation, with the role and contact details that apply there (C2)."""

    class Meta(TableDefaults):
        table_name = "memberships"

    person_id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute(default="")
    email = UnicodeAttribute(default="")
    phone = UnicodeAttribute(default="")
    primary = BooleanAttribute(default=False)
    by_customer = MembershipByCustomer()


class AddressModel(StoreModel):
    """An address kept once; records point to it by id, so one edit changes it everywhere (C3)."""

    class Meta(TableDefaults):
        table_name = "addresses"

    id = UnicodeAttribute(hash_key=True)
    label = UnicodeAttribute(default="")  # e.g. a property's name: "Warehouse North"
    line1 = UnicodeAttribute()
    line2 = UnicodeAttribute(default="")
    city = UnicodeAttribute()
    postcode = UnicodeAttribute(default="")
    region = UnicodeAttribute(default="")
    country = UnicodeAttribute()
    latitude = UnicodeAttribute(null=True)  # decimal degrees as text: no float round trip
    longitude = UnicodeAttribute(null=True)
    merged_into = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute(default=1)


class CustomFieldModel(StoreModel):
    """An admin-defined field of customers or people (text, number, date, choice)."""

    class Meta(TableDefaults):
        table_name = "custom_fields"

    entity = UnicodeAttribute(hash_key=True)  # customer | person
    key = UnicodeAttribute(range_key=True)
    label = UnicodeAttribute()
    type = UnicodeAttribute()
    choices = JSONAttribute(null=True)
    required = BooleanAttribute(default=False)
    position = NumberAttribute(default=0)


class CategoryModel(StoreModel):
    """Codes and categories (C5): region, industry, function... Membership lives in lookups."""

    class Meta(TableDefaults):
        table_name = "categories"

    kind = UnicodeAttribute(hash_key=True)
    code = UnicodeAttribute(range_key=True)
    label = UnicodeAttribute()
