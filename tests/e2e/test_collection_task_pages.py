"""Collection tasks (B26) in the admin page: the overdue invoice shows its task, the assignee's task
list links back to the invoice, and a payment recorded in the form marks the task done at once."""

from datetime import UTC, datetime

import pytest

from chalicelib.services.collection_tasks import open_collection_tasks
from tests.browser_client import Browser
from tests.payment_helpers import Billing

NOW = datetime.now(UTC)


def _months_back(months: int) -> datetime:
    year, month = divmod(NOW.year * 12 + NOW.month - 1 - months, 12)
    return datetime(year, month + 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def overdue(admin: Browser):
    """The oldest of a customer's monthly invoices (two months old: overdue), with its task opened."""
    billed = Billing(start=_months_back(2)).billed("Acme", NOW)
    assert open_collection_tasks(now=NOW)["opened"] >= 1
    return billed.invoices[0]


def test_the_invoice_page_shows_its_collection_task_until_a_payment_closes_it(
    admin: Browser, overdue
) -> None:
    page = admin.get(f"/admin/invoices/{overdue.id}").body.decode()
    assert f"Collection task: Collect {overdue.number}: €37.20 open" in page
    assert "Admin User" in page and '<span class="tag bad">open</span>' in page  # no salesperson: admin
    tasks = admin.get("/admin/tasks").body.decode()  # the admin's own open tasks link to the invoice
    assert f'<a href="/admin/invoices/{overdue.id}">Collect {overdue.number}' in tasks
    response = admin.post(
        "/admin/payments",
        {
            "customer_id": overdue.customer_id,
            "method": "bank_transfer",
            "received_on": NOW.date().isoformat(),
            "amount": "37.20",
            f"alloc_{overdue.id}": "37.20",
        },
    )
    assert response.status_code == 303, response.body[:400]
    page = admin.get(f"/admin/invoices/{overdue.id}").body.decode()
    assert '<span class="tag ok">done</span>' in page and "in tasks" not in page
    assert f"Collect {overdue.number}" not in admin.get("/admin/tasks").body.decode()
