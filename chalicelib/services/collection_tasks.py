"""Collection tasks (B26): the hourly job opens one task per invoice owing past its due date, for the
contract's salesperson; a payment or credit note that settles the invoice closes it at once.

- Opening is idempotent: the task id comes from the invoice id and is written only if free, so reruns
  and concurrent runs make one task per invoice.
- `close_paid` runs right after a payment or credit note is saved. Its failure never fails the
  payment (already written): the job closes any open task whose invoice no longer owes (safety net).
- A task closed because its invoice was paid carries a marker: if the payment is reversed (a bounced
  cheque) the next run reopens it. A task staff marked done themselves stays done.
- Assignee: the contract's salesperson while active; otherwise (manual invoices, no or a deactivated
  salesperson) the longest-standing active billing staff member, else admin (domain.collection_tasks).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from chalicelib.domain.audit import SYSTEM, Actor
from chalicelib.domain.collection_tasks import (
    assignee,
    invoice_id_of,
    is_overdue,
    may_have_task,
    task_id,
    title,
)
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.interactions import DONE, OPEN, Task
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.lookups import ref
from chalicelib.domain.periods import local_date
from chalicelib.domain.staff import StaffUser
from chalicelib.store import collection_tasks as store
from chalicelib.store import contracts, customers, outstanding, staff

log = logging.getLogger(__name__)
JOB_ACTOR = Actor("job:open_collection_tasks", "collection tasks job")
PAGE = 100


def open_collection_tasks(*, now: datetime) -> dict[str, Any]:
    """Opens (or reopens) the task of every invoice overdue in its customer's time zone, then closes
    those whose invoice no longer owes. Safe to run again and concurrently."""
    counts = dict.fromkeys(("opened", "reopened", "already", "unassigned", "closed"), 0)
    people = _People()
    cursor = ""
    while True:
        # No local date is more than a day ahead of UTC's: an invoice due after today (UTC) is not late.
        page, following = outstanding.page(due_by=now.date(), after=cursor, limit=PAGE)
        _chase(page, now, people, counts)
        if not following:
            break
        cursor = following
    counts["closed"] = _close_settled(now)
    return counts


def close_paid(invoices: Iterable[Invoice], *, now: datetime) -> int:
    """Closes the open collection task of each invoice that owes nothing any more (paid in full or
    credited), audited as done by the system. Call it after the change is saved; never raises."""
    settled = [i for i in invoices if i.open_minor == 0 and may_have_task(i, now.date())]
    if not settled:
        return 0
    try:
        found = store.get_many(task_id(i.id) for i in settled)
        return sum(
            _close(found[task_id(i.id)], i, SYSTEM, now)
            for i in settled
            if task_id(i.id) in found and found[task_id(i.id)].is_open
        )
    except Exception:  # the payment is saved: the hourly job closes what this missed
        log.exception("closing the collection tasks of settled invoices failed")
        return 0


@dataclass(frozen=True)
class CollectionTask:
    task: Task
    assignee_name: str


def of_invoice(invoice: Invoice, *, now: datetime) -> CollectionTask | None:
    """The invoice's collection task for its page, if it has one (no read before it can)."""
    if not may_have_task(invoice, now.date()):
        return None
    task = store.get(task_id(invoice.id))
    if task is None:
        return None
    try:
        name = staff.get(task.assignee_id).name
    except NotFound:
        name = task.assignee_id
    return CollectionTask(task, name)


class _People:
    """Staff (read once per run, only if a task is to be assigned) and contracts' salespeople."""

    def __init__(self) -> None:
        self._staff: list[StaffUser] | None = None

    def assignees(self, invoices: list[Invoice]) -> dict[str, str]:
        """invoice id -> who chases it ("" when nobody can)."""
        if self._staff is None:
            self._staff = staff.list_all()
        sellers = {
            c.id: c.salesperson_id
            for c in contracts.get_many([i.contract_id for i in invoices if i.contract_id])
        }
        return {i.id: assignee(sellers.get(i.contract_id, ""), self._staff) for i in invoices}


def _chase(page: list[Invoice], now: datetime, people: _People, counts: dict[str, int]) -> None:
    """One page of owing invoices: three batch reads (customers, tasks, markers), then a write per task."""
    if not page:
        return
    zones = {c.id: c.timezone or "UTC" for c in customers.get_many([i.customer_id for i in page])}
    days = {i.id: local_date(now, zones.get(i.customer_id, "UTC")) for i in page}  # each customer's today
    late = [(i, days[i.id]) for i in page if is_overdue(i, days[i.id])]
    found = store.get_many(task_id(i.id) for i, _today in late)
    reopenable = store.closed_when_paid(t.id for t in found.values() if not t.is_open)
    todo = [
        (invoice, today, found.get(task_id(invoice.id)))
        for invoice, today in late
        if task_id(invoice.id) not in found or task_id(invoice.id) in reopenable
    ]
    if not todo:
        return
    assignees = people.assignees([invoice for invoice, _today, _task in todo])
    for invoice, today, before in todo:
        who = assignees[invoice.id]
        if not who:
            counts["unassigned"] += 1
            log.warning("no active staff member to chase invoice %s", invoice.number or invoice.id)
            continue
        try:
            if before is None:
                _open(invoice, today, who, now)
                counts["opened"] += 1
            else:
                _reopen(before, invoice, today, who, now)
                counts["reopened"] += 1
        except Conflict:
            counts["already"] += 1  # another run (or a payment) got there first


def _open(invoice: Invoice, today: date, who: str, now: datetime) -> Task:
    assert invoice.due_date is not None  # an overdue invoice has one
    task = Task(
        id=task_id(invoice.id),
        interaction_id=None,
        subject=ref("customer", invoice.customer_id),
        title=title(invoice, today),
        assignee_id=who,
        due_date=invoice.due_date.isoformat(),  # chasing is due since the invoice was
        status=OPEN,
        created_at=now,
    )
    entry = JOB_ACTOR.entry(
        "task", task.id, "task.opened", now, None, {**task.fields(), "invoice": invoice.id}
    )
    return store.create(task, entry)


def _reopen(before: Task, invoice: Invoice, today: date, who: str, now: datetime) -> Task:
    after = replace(before, status=OPEN, done_at=None, title=title(invoice, today), assignee_id=who)
    after_fields = {**after.fields(), "invoice": invoice.id, "reason": "owing again after a reversed payment"}
    entry = JOB_ACTOR.entry("task", before.id, "task.reopened", now, before.fields(), after_fields)
    return store.reopen(after, entry)


def _close(task: Task, invoice: Invoice | None, actor: Actor, now: datetime) -> bool:
    after = replace(task, status=DONE, done_at=now)
    reason = f"invoice {invoice.payment_status}" if invoice is not None else "invoice gone"
    entry = actor.entry(
        "task", task.id, "task.completed", now, task.fields(), {**after.fields(), "reason": reason}
    )
    try:
        store.close(after, entry)
    except Conflict:
        return False  # done or changed meanwhile
    return True


def _close_settled(now: datetime) -> int:
    """The safety net: open collection tasks whose invoice owes nothing any more."""
    open_tasks = store.open_ones()
    if not open_tasks:
        return 0
    by_invoice = store.invoices(invoice_id_of(t.id) for t in open_tasks)
    closed = 0
    for task in open_tasks:
        invoice = by_invoice.get(invoice_id_of(task.id))
        if invoice is None or invoice.open_minor == 0:
            closed += _close(task, invoice, JOB_ACTOR, now)
    return closed
