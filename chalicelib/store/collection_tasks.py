"""Collection tasks in the tasks table: read by their invoice-derived ids, written with conditions so
concurrent job runs and payments never make two or undo each other's change."""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.collection_tasks import PREFIX, paid_marker
from chalicelib.domain.interactions import DONE, OPEN, Task
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.lookups import ref
from chalicelib.store import invoices as invoice_store
from chalicelib.store import tasks
from chalicelib.store.models import UniqueKeyModel
from chalicelib.store.models_activity import TaskModel
from chalicelib.store.models_billing import InvoiceModel
from chalicelib.store.records import Change, commit

TAKEN = "this invoice has a collection task already"
CHANGED = "this collection task was changed meanwhile"


def get(task_id: str) -> Task | None:
    try:
        return tasks.task_from(TaskModel.get(task_id))
    except DoesNotExist:
        return None


def get_many(task_ids: Iterable[str]) -> dict[str, Task]:
    """Consistent BatchGetItem reads (100 ids per request); missing ones are left out."""
    wanted = list(dict.fromkeys(task_ids))
    if not wanted:
        return {}
    return {i.id: tasks.task_from(i) for i in TaskModel.batch_get(wanted, consistent_read=True)}


def open_ones() -> list[Task]:
    """Every open collection task: the sparse open index, filtered to collection ids."""
    found = TaskModel.open_by_due.query(OPEN, filter_condition=TaskModel.id.startswith(PREFIX))
    return [tasks.task_from(i) for i in found]


def invoices(invoice_ids: Iterable[str]) -> dict[str, Invoice]:
    """The invoices as stored now (consistent BatchGetItem reads); missing ones are left out."""
    wanted = list(dict.fromkeys(invoice_ids))
    if not wanted:
        return {}
    return {i.id: invoice_store.from_item(i) for i in InvoiceModel.batch_get(wanted, consistent_read=True)}


def closed_when_paid(task_ids: Iterable[str]) -> set[str]:
    """Those of `task_ids` that were closed because their invoice was paid."""
    by_key = {paid_marker(t): t for t in dict.fromkeys(task_ids)}
    if not by_key:
        return set()
    return {by_key[i.key] for i in UniqueKeyModel.batch_get(list(by_key), consistent_read=True)}


def create(task: Task, entry: AuditEntry) -> Task:
    """Raises Conflict when the invoice has its task already (another run made it meanwhile)."""
    change = Change(audit=entry, conflict_message=TAKEN)
    commit(tasks.add_to(change, task))
    return task


def close(after: Task, entry: AuditEntry) -> Task:
    """Done because the invoice was paid: only if still open (else Conflict), with the paid marker."""
    change = Change(audit=entry, conflict_message=CHANGED)
    change.save(tasks.item_of(after), TaskModel.status == OPEN)
    commit(change.claim(paid_marker(after.id), ref("task", after.id), CHANGED))
    return after


def reopen(after: Task, entry: AuditEntry) -> Task:
    """Open again after a reversed payment: only if still done (else Conflict); the marker goes."""
    change = Change(audit=entry, conflict_message=CHANGED)
    change.save(tasks.item_of(after), TaskModel.status == DONE)
    commit(change.release(paid_marker(after.id)))
    return after
