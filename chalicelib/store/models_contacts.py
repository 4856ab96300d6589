"""Tables of the contacts CRM: people, addresses, custom fields, categories, relationships,
documents, interactions and tasks (C2-C7, C10)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.store.base import JSONAttribute
from chalicelib.store.models import _Meta


class PeopleByName(GlobalSecondaryIndex["PersonModel"]):
    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    listing = UnicodeAttribute(hash_key=True)
    sort_name = UnicodeAttribute(range_key=True)


class PersonModel(Model):
    class Meta(_Meta):
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


class MembershipModel(Model):
    """A person at an organisation, with the role and contact details that apply there (C2)."""

    class Meta(_Meta):
        table_name = "memberships"

    person_id = UnicodeAttribute(hash_key=True)
    customer_id = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute(default="")
    email = UnicodeAttribute(default="")
    phone = UnicodeAttribute(default="")
    primary = BooleanAttribute(default=False)


class AddressModel(Model):
    """An address kept once; records point to it by id, so one edit changes it everywhere (C3)."""

    class Meta(_Meta):
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


class CustomFieldModel(Model):
    """An admin-defined field of customers or people (text, number, date, choice)."""

    class Meta(_Meta):
        table_name = "custom_fields"

    entity = UnicodeAttribute(hash_key=True)  # customer | person
    key = UnicodeAttribute(range_key=True)
    label = UnicodeAttribute()
    type = UnicodeAttribute()
    choices = JSONAttribute(null=True)
    required = BooleanAttribute(default=False)
    position = NumberAttribute(default=0)


class CategoryModel(Model):
    """Codes and categories (C5): region, industry, function... Membership lives in lookups."""

    class Meta(_Meta):
        table_name = "categories"

    kind = UnicodeAttribute(hash_key=True)
    code = UnicodeAttribute(range_key=True)
    label = UnicodeAttribute()


class RelationshipModel(Model):
    """A relation between two people (C6); written in both directions with the inverse kind."""

    class Meta(_Meta):
        table_name = "relationships"

    person_id = UnicodeAttribute(hash_key=True)
    other_kind = UnicodeAttribute(range_key=True)  # "<other person id>#<kind>"
    other_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    note = UnicodeAttribute(default="")


class DocumentsByOwner(GlobalSecondaryIndex["DocumentModel"]):
    class Meta:
        index_name = "by_owner"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class DocumentModel(Model):
    """A file on a person or organisation (C4); who may view or download it is per document."""

    class Meta(_Meta):
        table_name = "documents"

    id = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()  # customer#<id> | person#<id>
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    blob_key = UnicodeAttribute()
    kind = UnicodeAttribute(default="other")  # logo, photo, certificate, agreement, other
    view_roles = UnicodeSetAttribute()
    download_roles = UnicodeSetAttribute()
    uploaded_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    by_owner = DocumentsByOwner()


class InteractionsBySubject(GlobalSecondaryIndex["InteractionModel"]):
    class Meta:
        index_name = "by_subject"
        projection = AllProjection()

    subject = UnicodeAttribute(hash_key=True)
    at = UTCDateTimeAttribute(range_key=True)


class InteractionModel(Model):
    """A call, letter, meeting or visit report about a person or organisation (C7)."""

    class Meta(_Meta):
        table_name = "interactions"

    id = UnicodeAttribute(hash_key=True)
    subject = UnicodeAttribute()  # customer#<id> | person#<id>
    kind = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    title = UnicodeAttribute()
    notes = UnicodeAttribute(default="")
    staff_id = UnicodeAttribute()
    by_subject = InteractionsBySubject()


class OpenTasksByAssignee(GlobalSecondaryIndex["TaskModel"]):
    class Meta:
        index_name = "open_by_assignee"
        projection = AllProjection()

    open_assignee = UnicodeAttribute(hash_key=True)  # set only while the task is open (sparse)
    due_date = UnicodeAttribute(range_key=True)


class OpenTasksByDue(GlobalSecondaryIndex["TaskModel"]):
    class Meta:
        index_name = "open_by_due"
        projection = AllProjection()

    open_flag = UnicodeAttribute(hash_key=True)  # "open" while open (sparse): overdue = due < today
    due_date = UnicodeAttribute(range_key=True)


class TaskModel(Model):
    """A follow-up of an interaction: who, by when; done closes it (C7)."""

    class Meta(_Meta):
        table_name = "tasks"

    id = UnicodeAttribute(hash_key=True)
    interaction_id = UnicodeAttribute(null=True)
    subject = UnicodeAttribute()
    title = UnicodeAttribute()
    assignee_id = UnicodeAttribute()
    due_date = UnicodeAttribute()  # ISO date in the business's time zone
    status = UnicodeAttribute(default="open")
    open_assignee = UnicodeAttribute(null=True)
    open_flag = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    done_at = UTCDateTimeAttribute(null=True)
    open_by_assignee = OpenTasksByAssignee()
    open_by_due = OpenTasksByDue()
