"""Collection tasks (B26) in DynamoDB Local: an invoice owing past its due date (in its customer's time
zone) gets one task for the contract's salesperson, however often and concurrently the job runs; a
payment or credit note that settles it closes the task at once; a bounced cheque reopens it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.collection_tasks import task_id
from chalicelib.domain.lookups import ref, uses_key
from chalicelib.domain.periods import local_midnight
from chalicelib.services import collection_tasks, manage_tasks
from chalicelib.services.collection_tasks import open_collection_tasks
from chalicelib.services.credit_invoice import credit_invoice
from chalicelib.services.manage_staff import create_staff, set_active
from chalicelib.services.record_payment import record_payment
from chalicelib.services.settle_cheque import bounce_cheque
from chalicelib.store import audit, invoices, records, tasks
from chalicelib.store.models_activity import TaskModel
from tests.payment_helpers import MONTHLY_TOTAL, Billing, at, credit_note_for, store_document

JAN_20 = at("2027-01-20T12:00")  # January's invoice (due 2027-01-15) is 5 days late; February's not issued


def _staff(name: str, role: str = "sales", when: str = "2026-12-01T09:00"):
    return create_staff(
        email=f"{name}@example.com", name=name.title(), role=role, password=None, actor=SYSTEM, now=at(when)
    )


def _billed(billing: Billing, salesperson_id: str = "", timezone: str = "UTC", until=JAN_20):
    """A customer with a monthly contract sold by `salesperson_id`, billed up to `until`: its invoices."""
    from chalicelib.services.manage_contracts import create_contract
    from chalicelib.services.manage_customers import create_customer

    customer = create_customer(
        {"name": f"Customer {timezone}", "country": "SK", "currency": "EUR", "timezone": timezone},
        actor=SYSTEM,
        now=billing.start,
    )
    create_contract(
        {
            "customer_id": customer.id,
            "template_id": billing.template.id,
            "start_date": billing.start.date().isoformat(),
            "lines": [{"product_id": billing.product.id, "quantity": "1", "unit_price_minor": 3100}],
            "salesperson_id": salesperson_id,
            "activate": True,
        },
        actor=SYSTEM,
        now=billing.start,
    )
    billing.bill(until)
    return sorted(invoices.of_customer(customer.id), key=lambda i: i.issue_key)


def _pay(invoice, amount: int, now=JAN_20, method: str = "bank_transfer"):
    data = {
        "customer_id": invoice.customer_id,
        "amount_minor": amount,
        "method": method,
        "reference": "CHQ 1001",
        "allocations": [{"invoice_id": invoice.id, "amount_minor": amount}],
    }
    return record_payment(data, actor=SYSTEM, now=now)


def _all_tasks():
    return [tasks.task_from(i) for i in TaskModel.scan()]


@pytest.fixture
def billing() -> Billing:
    return Billing()


@pytest.fixture
def rep():
    return _staff("rep")


def test_an_overdue_invoice_opens_one_task_for_the_salesperson_however_often_the_job_runs(
    billing, rep
) -> None:
    (jan,) = _billed(billing, rep.id)
    assert open_collection_tasks(now=JAN_20)["opened"] == 1
    assert open_collection_tasks(now=JAN_20 + timedelta(hours=1))["opened"] == 0
    assert open_collection_tasks(now=JAN_20 + timedelta(days=1))["opened"] == 0
    (task,) = _all_tasks()
    assert task.id == task_id(jan.id) and task.is_open and task.assignee_id == rep.id
    assert task.title == f"Collect {jan.number}: €37.20 open, 5 days overdue"
    assert task.subject == ref("customer", jan.customer_id) and task.due_date == "2027-01-15"
    assert [t.id for t in tasks.open_for(rep.id)] == [task.id]  # on the salesperson's task list
    assert ref("task", task.id) in records.refs(uses_key(task.subject))  # moves with a customer merge
    (entry,) = audit.for_entity("task", task.id)
    assert (entry.action, entry.actor, entry.after["invoice"]) == (  # type: ignore[index]
        "task.opened",
        "job:open_collection_tasks",
        jan.id,
    )
    page = collection_tasks.of_invoice(invoices.get(jan.id), now=JAN_20)
    assert page is not None and page.task == task and page.assignee_name == "Rep"


def test_concurrent_first_runs_open_exactly_one_task(billing, rep) -> None:
    _billed(billing, rep.id)
    with ThreadPoolExecutor(6) as pool:
        runs = list(pool.map(lambda _: open_collection_tasks(now=JAN_20), range(6)))
    assert sum(r["opened"] for r in runs) == 1
    (task,) = _all_tasks()
    assert [e.action for e in audit.for_entity("task", task.id)] == ["task.opened"]


def test_an_invoice_is_late_from_midnight_after_its_due_date_in_its_customers_time_zone(billing, rep) -> None:
    (los_angeles,) = _billed(billing, rep.id, timezone="America/Los_Angeles")  # late from 08:00 UTC
    (auckland,) = _billed(billing, rep.id, timezone="Pacific/Auckland")  # late from 11:00 UTC the day before
    for invoice, zone in ((los_angeles, "America/Los_Angeles"), (auckland, "Pacific/Auckland")):
        assert invoice.due_date is not None
        late_from = local_midnight(invoice.due_date + timedelta(days=1), zone)
        assert late_from.hour != 0  # neither is late at UTC midnight
        assert open_collection_tasks(now=late_from - timedelta(seconds=1))["opened"] == 0
        assert task_id(invoice.id) not in {t.id for t in _all_tasks()}
        assert open_collection_tasks(now=late_from)["opened"] == 1
        assert task_id(invoice.id) in {t.id for t in _all_tasks()}


def test_only_issued_invoices_are_chased_and_not_on_their_due_date(billing, rep) -> None:
    (jan,) = _billed(billing, rep.id)
    for kind, status in (("invoice", "draft"), ("proforma", "issued"), ("credit_note", "issued")):
        store_document(jan.customer_id, kind=kind, status=status)
    due_today = store_document(jan.customer_id, issued=JAN_20.date())
    assert open_collection_tasks(now=JAN_20)["opened"] == 1
    assert [t.id for t in _all_tasks()] == [task_id(jan.id)]
    boss = _staff("boss", role="admin")  # a manual invoice has no salesperson: an admin chases it
    assert open_collection_tasks(now=JAN_20 + timedelta(days=1))["opened"] == 1
    assert {t.id: t.assignee_id for t in _all_tasks()} == {
        task_id(jan.id): rep.id,
        task_id(due_today.id): boss.id,
    }


def test_a_payment_in_full_closes_the_task_at_once_and_a_part_payment_does_not(billing, rep) -> None:
    (jan,) = _billed(billing, rep.id)
    open_collection_tasks(now=JAN_20)
    _pay(jan, 1_000)
    assert tasks.get(task_id(jan.id)).is_open  # still owes 27.20
    _pay(jan, MONTHLY_TOTAL - 1_000, now=JAN_20 + timedelta(hours=2))
    task = tasks.get(task_id(jan.id))  # closed by the payment itself, not by a later run
    assert (task.status, task.done_at) == ("done", JAN_20 + timedelta(hours=2))
    last = audit.for_entity("task", task.id)[0]
    assert (last.action, last.actor, last.after["reason"]) == (  # type: ignore[index]
        "task.completed",
        "system",
        "invoice paid",
    )
    assert tasks.open_for(rep.id) == []
    counts = open_collection_tasks(now=JAN_20 + timedelta(hours=3))
    assert (counts["opened"], counts["reopened"], counts["closed"]) == (0, 0, 0)


def test_a_credit_note_down_to_nothing_owed_closes_the_task(billing, rep) -> None:
    (jan,) = _billed(billing, rep.id)
    open_collection_tasks(now=JAN_20)
    # An hour later: audit entries of one instant have no order between them.
    credit_invoice(
        jan.id, {"full": True, "reason": "goodwill"}, actor=SYSTEM, now=JAN_20 + timedelta(hours=1)
    )
    task = tasks.get(task_id(jan.id))
    assert not task.is_open
    assert audit.for_entity("task", task.id)[0].after["reason"] == "invoice credited"  # type: ignore[index]


def test_a_bounced_cheque_reopens_the_task_on_the_next_run_but_a_task_staff_closed_stays_closed(
    billing, rep
) -> None:
    (jan,) = _billed(billing, rep.id)
    open_collection_tasks(now=JAN_20)
    cheque = _pay(jan, MONTHLY_TOTAL, now=JAN_20 + timedelta(hours=1), method="cheque")
    assert not tasks.get(task_id(jan.id)).is_open
    bounce_cheque(cheque.id, "insufficient funds", actor=SYSTEM, now=JAN_20 + timedelta(days=2))
    assert invoices.get(jan.id).open_minor == MONTHLY_TOTAL
    counts = open_collection_tasks(now=JAN_20 + timedelta(days=2, hours=1))
    assert (counts["opened"], counts["reopened"]) == (0, 1)
    task = tasks.get(task_id(jan.id))
    assert task.is_open and task.title == f"Collect {jan.number}: €37.20 open, 7 days overdue"
    assert [e.action for e in audit.for_entity("task", task.id)] == [  # newest first
        "task.reopened",
        "task.completed",
        "task.opened",
    ]
    # Staff mark it done themselves (the customer promised to pay): the job leaves it done.
    manage_tasks.complete_task(task.id, actor=SYSTEM, now=JAN_20 + timedelta(days=3))
    assert open_collection_tasks(now=JAN_20 + timedelta(days=4))["reopened"] == 0
    assert not tasks.get(task_id(jan.id)).is_open


def test_without_a_salesperson_the_task_goes_to_the_longest_standing_billing_staff_member(
    billing, rep
) -> None:
    _staff("admin", role="admin", when="2026-01-01T09:00")
    _staff("newer", role="billing", when="2026-11-01T09:00")
    older = _staff("older", role="billing", when="2026-06-01T09:00")
    (no_seller,) = _billed(billing)  # a contract without a salesperson
    (gone_seller,) = _billed(billing, rep.id, timezone="Europe/Bratislava")
    manual = store_document(no_seller.customer_id, issued=JAN_20.date() - timedelta(days=3))  # no contract
    set_active(rep.id, False, actor=SYSTEM, now=JAN_20)  # the salesperson has left
    assert open_collection_tasks(now=JAN_20)["opened"] == 3
    assert {t.id: t.assignee_id for t in _all_tasks()} == {
        task_id(no_seller.id): older.id,
        task_id(gone_seller.id): older.id,
        task_id(manual.id): older.id,
    }


def test_with_no_billing_staff_an_admin_chases_and_with_nobody_active_nothing_is_opened(billing) -> None:
    (jan,) = _billed(billing)
    assert open_collection_tasks(now=JAN_20) == {
        "opened": 0,
        "reopened": 0,
        "already": 0,
        "unassigned": 1,
        "closed": 0,
    }
    assert _all_tasks() == []
    boss = _staff("boss", role="admin")
    assert open_collection_tasks(now=JAN_20)["opened"] == 1
    assert tasks.get(task_id(jan.id)).assignee_id == boss.id


def test_the_job_closes_a_task_whose_invoice_was_settled_without_closing_it(
    billing, rep, monkeypatch
) -> None:
    first, second = _billed(billing, rep.id, until=at("2027-02-20T12:00"))
    open_collection_tasks(now=at("2027-02-20T12:00"))
    assert len(tasks.open_for(rep.id)) == 2
    # The immediate close fails (a DynamoDB hiccup): the payment is still recorded, nothing raises.
    monkeypatch.setattr(collection_tasks.store, "get_many", _broken)
    _pay(first, MONTHLY_TOTAL, now=at("2027-02-20T13:00"))
    monkeypatch.undo()
    assert invoices.get(first.id).open_minor == 0 and tasks.get(task_id(first.id)).is_open
    credit_note_for(second, MONTHLY_TOTAL, JAN_20.date())  # credited outside the service
    counts = open_collection_tasks(now=at("2027-02-20T14:00"))
    assert (counts["opened"], counts["closed"]) == (0, 2)
    assert tasks.open_for(rep.id) == []
    assert audit.for_entity("task", task_id(first.id))[0].actor == "job:open_collection_tasks"


def _broken(*args, **kwargs):
    raise RuntimeError("DynamoDB is away")
