"""Collection tasks (B26): an issued invoice still owing after its due date gets one task for sales.

The task's id is derived from the invoice's, so an invoice can only ever have one (a conditional
write refuses a second), and the invoice page finds it with one read. Its subject is the customer,
like any follow-up task, so it moves with the customer when duplicates are merged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from chalicelib.domain.invoices import Invoice
from chalicelib.domain.lookups import key
from chalicelib.domain.money import format_amount
from chalicelib.domain.roles import Role
from chalicelib.domain.staff import StaffUser

PREFIX = "collect-"


def task_id(invoice_id: str) -> str:
    return f"{PREFIX}{invoice_id}"


def invoice_id_of(task_id: str) -> str:
    """The invoice a collection task chases; "" for any other task."""
    return task_id.removeprefix(PREFIX) if task_id.startswith(PREFIX) else ""


def is_overdue(invoice: Invoice, today: date) -> bool:
    """Owing (an issued invoice with something open) and its due date has passed: `today` is the
    customer's local date."""
    return invoice.open_minor > 0 and invoice.due_date is not None and invoice.due_date < today


def may_have_task(invoice: Invoice, utc_today: date) -> bool:
    """False when the invoice cannot have a collection task yet, whatever its time zone: no local
    date is more than one day ahead of UTC's, so a task means due date < UTC date + 1."""
    return invoice.kind == "invoice" and invoice.due_date is not None and invoice.due_date <= utc_today


def title(invoice: Invoice, today: date) -> str:
    """ "Collect INV-2027-000001: €37.20 open, 5 days overdue" (as of `today`)."""
    days = (today - invoice.due_date).days if invoice.due_date else 0
    amount = format_amount(invoice.open_minor, invoice.currency)
    return (
        f"Collect {invoice.number or invoice.id}: {amount} open, {days} day{'' if days == 1 else 's'} overdue"
    )


def paid_marker(task_id: str) -> str:
    """Written when a task is closed because its invoice was paid (not by staff): a payment reversed
    later (a bounced cheque) reopens only such a task; one staff marked done stays done."""
    return key("task", "closed_when_paid", task_id)


FALLBACK_ROLES = (Role.BILLING, Role.ADMIN)


def fallback_assignee(people: Iterable[StaffUser]) -> str:
    """Who chases an invoice without a contract, or whose contract has no active salesperson: the
    longest-standing active billing staff member (receivables are theirs), else admin; "" if none."""
    active = sorted((p for p in people if p.active), key=lambda p: (p.created_at, p.id))
    for role in FALLBACK_ROLES:
        for person in active:
            if person.role is role:
                return person.id
    return ""


def assignee(salesperson_id: str, people: Iterable[StaffUser]) -> str:
    """The contract's salesperson while they are an active staff member, else the fallback."""
    staff = list(people)
    if salesperson_id and any(p.id == salesperson_id and p.active for p in staff):
        return salesperson_id
    return fallback_assignee(staff)
