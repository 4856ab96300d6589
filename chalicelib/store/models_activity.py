"""Tables of what happens around contacts: relationships (C6), documents (C4),
interactions and follow-up tasks (C7)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import StoreModel
from chalicelib.store.models import TableDefaults


class RelationshipModel(StoreModel):
    """A relation between two people (C6); written in both directions with the inverse kind."""

    class Meta(TableDefaults):
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


class DocumentModel(StoreModel):
    """A file on a person or organisation (C4); who may view or download it is per document."""

    class Meta(TableDefaults):
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


class InteractionModel(StoreModel):
    """A call, letter, meeting or visit report about a person or organisation (C7)."""

    class Meta(TableDefaults):
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


class TasksBySubject(GlobalSecondaryIndex["TaskModel"]):
    class Meta:
        index_name = "by_subject"
        projection = AllProjection()

    subject = UnicodeAttribute(hash_key=True)  # the timeline shows a subject's tasks, open or done
    due_date = UnicodeAttribute(range_key=True)


class TaskModel(StoreModel):
    """A follow-up of an interaction: who, by when; done closes it (C7)."""

    class Meta(TableDefaults):
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
    by_subject = TasksBySubject()
