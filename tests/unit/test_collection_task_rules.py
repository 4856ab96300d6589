"""Collection task rules (B26): which invoices are late, the task's id and title, who chases it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from chalicelib.domain.billing import InvoiceLine
from chalicelib.domain.collection_tasks import (
    assignee,
    fallback_assignee,
    invoice_id_of,
    is_overdue,
    may_have_task,
    task_id,
    title,
)
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.roles import Role
from chalicelib.domain.staff import StaffUser

DUE = date(2027, 1, 15)
INVOICE = Invoice(
    id="c1:2027-01-01",
    customer_id="cust",
    contract_id="c1",
    currency="EUR",
    series="default",
    status="issued",
    period=None,
    lines=(InvoiceLine("Care", Decimal(1), 3720, 3720, "fee"),),
    created_at=datetime(2027, 1, 1, tzinfo=UTC),
    issue_date=date(2027, 1, 1),
    due_date=DUE,
    number="INV-2027-000001",
)


def _person(user_id: str, role: Role, joined: int, active: bool = True) -> StaffUser:
    return StaffUser(user_id, f"{user_id}@x.io", user_id, role, active, datetime(2026, joined, 1, tzinfo=UTC))


def test_the_task_id_comes_from_the_invoice_and_leads_back_to_it() -> None:
    assert task_id(INVOICE.id) == "collect-c1:2027-01-01"
    assert invoice_id_of(task_id(INVOICE.id)) == INVOICE.id
    assert invoice_id_of("01HZX-follow-up") == ""


@pytest.mark.parametrize(
    ("invoice", "today", "late"),
    [
        (INVOICE, DUE, False),  # on its due date it is not late yet
        (INVOICE, date(2027, 1, 16), True),
        (replace(INVOICE, paid_minor=3720), date(2027, 2, 1), False),
        (replace(INVOICE, paid_minor=3719), date(2027, 2, 1), True),  # a cent open is still owed
        (replace(INVOICE, credited_minor=3720), date(2027, 2, 1), False),
        (replace(INVOICE, status="draft"), date(2027, 2, 1), False),
        (replace(INVOICE, kind="proforma"), date(2027, 2, 1), False),
        (replace(INVOICE, kind="credit_note"), date(2027, 2, 1), False),
        (replace(INVOICE, due_date=None), date(2027, 2, 1), False),
    ],
)
def test_only_an_issued_invoice_owing_after_its_due_date_is_late(invoice, today, late) -> None:
    assert is_overdue(invoice, today) is late


def test_an_invoice_due_after_todays_utc_date_cannot_have_a_task_anywhere() -> None:
    assert may_have_task(INVOICE, DUE)  # late in Auckland while it is still the 15th in UTC
    assert not may_have_task(INVOICE, date(2027, 1, 14))
    assert not may_have_task(replace(INVOICE, kind="credit_note"), date(2027, 2, 1))


def test_the_title_names_the_number_the_open_amount_and_the_days_late() -> None:
    assert title(INVOICE, date(2027, 1, 20)) == "Collect INV-2027-000001: €37.20 open, 5 days overdue"
    part_paid = replace(INVOICE, paid_minor=1000)
    assert title(part_paid, date(2027, 1, 16)) == "Collect INV-2027-000001: €27.20 open, 1 day overdue"


def test_the_salesperson_chases_while_active_else_billing_staff_else_admin() -> None:
    admin = _person("admin", Role.ADMIN, 1)
    old_billing = _person("old", Role.BILLING, 3, active=False)
    billing = _person("billing", Role.BILLING, 6)
    later_billing = _person("later", Role.BILLING, 9)
    seller = _person("seller", Role.SALES, 2)
    everyone = [later_billing, seller, admin, old_billing, billing]
    assert assignee("seller", everyone) == "seller"
    assert assignee("", everyone) == "billing"  # the longest-standing active billing staff member
    assert assignee("gone", everyone) == "billing"  # not a staff member (any more)
    assert assignee("seller", [replace(seller, active=False), admin]) == "admin"
    assert fallback_assignee([seller, admin]) == "admin"
    assert fallback_assignee([seller]) == ""
