"""Payments received by hand in the admin page and over the API: recording and allocating, cheques,
balance, statement and outstanding invoices; bad input gets a 4xx naming the problem and writes nothing."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.store import invoices, payments
from chalicelib.store.models import AuditModel
from chalicelib.store.models_payments import PaymentModel
from tests.browser_client import Browser
from tests.payment_helpers import MONTHLY_TOTAL, Billing, store_document

NOW = datetime.now(UTC)
TODAY = NOW.date()


def _months_back(months: int) -> datetime:
    year, month = divmod(NOW.year * 12 + NOW.month - 1 - months, 12)
    return datetime(year, month + 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def billing(store) -> Billing:
    return Billing(start=_months_back(2))


@pytest.fixture
def acme(billing):
    """A customer with two or three monthly invoices (the oldest two are overdue)."""
    return billing.billed("Acme", NOW)


def _stored() -> tuple:
    return (
        sorted((p.id, int(p.version)) for p in PaymentModel.scan()),
        sorted((i.id, i.paid_minor, i.version) for i in _all_invoices()),
        AuditModel.count(),
    )


def _all_invoices():
    from chalicelib.store.models_billing import InvoiceModel

    return [invoices.from_item(i) for i in InvoiceModel.scan()]


def _form(customer_id: str, **fields: str) -> dict[str, str]:
    return {"customer_id": customer_id, "method": "bank_transfer", "received_on": TODAY.isoformat(), **fields}


# Admin pages


def test_a_payment_recorded_in_the_form_pays_invoices_shown_everywhere(admin: Browser, acme) -> None:
    first, second = acme.invoices[0], acme.invoices[1]
    form = admin.get(f"/admin/payments/new?customer_id={acme.customer.id}").body.decode()
    assert first.number in form and f'name="alloc_{first.id}"' in form and "€37.20" in form
    response = admin.post(
        "/admin/payments",
        _form(acme.customer.id, amount="50.00", reference="SEPA 1", **{f"alloc_{first.id}": "37.20"}),
    )
    assert response.status_code == 303, response.body[:400]
    detail = admin.get(response.headers["Location"]).body.decode()
    assert "Payment recorded." in detail and first.number in detail and "€12.80" in detail  # unallocated
    # Allocate more from the detail page: part of the second invoice.
    payment_id = response.headers["Location"].split("/")[-1].split("?")[0]
    more = admin.post(f"/admin/payments/{payment_id}/allocate", {f"alloc_{second.id}": "10"})
    assert more.status_code == 303
    assert invoices.get(second.id).payment_status == "part paid"
    invoice_page = admin.get(f"/admin/invoices/{first.id}").body.decode()
    assert "SEPA 1" in invoice_page and re.search(r"Open</label><strong>€0.00", invoice_page)
    customer_page = admin.get(f"/admin/customers/{acme.customer.id}").body.decode()
    owed = sum(i.total_minor for i in acme.invoices) - 5_000
    assert f"/admin/customers/{acme.customer.id}/statement" in customer_page
    statement = admin.get(f"/admin/customers/{acme.customer.id}/statement").body.decode()
    assert f"€{owed / 100:,.2f}" in statement
    assert "Opening balance" in statement and "Closing balance" in statement and first.number in statement
    listing = admin.get("/admin/payments").body.decode()
    assert "Acme" in listing and "€50.00" in listing
    # Taking the allocation back: the invoice owes again.
    back = admin.post(f"/admin/payments/{payment_id}/unallocate", {"invoice_id": first.id})
    assert back.status_code == 303 and invoices.get(first.id).open_minor == MONTHLY_TOTAL


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"amount": "0"}, "more than zero"),
        ({"amount": "-5"}, "more than zero"),
        ({"amount": "abc"}, "not an amount"),
        ({"amount": ""}, "enter the amount"),
        ({"amount": "50", "currency": "USD", "ALLOC": "10"}, "is in EUR, the payment in USD"),
        ({"amount": "50", "ALLOC": "37.21"}, "has only €37.20 open"),
        ({"amount": "50", "ALLOC": "ten"}, "not an amount"),
        ({"amount": "50", "method": "card"}, "Stripe"),
        ({"amount": "50", "method": "cheque"}, "cheque number"),
        ({"amount": "50", "method": "post_dated_cheque", "reference": "1"}, "date written on it"),
    ],
)
def test_bad_input_in_the_form_is_shown_on_the_form_and_writes_nothing(
    admin: Browser, acme, fields: dict[str, str], words: str
) -> None:
    first = acme.invoices[0]
    admin.get(f"/admin/payments/new?customer_id={acme.customer.id}")
    data = _form(acme.customer.id, **{k: v for k, v in fields.items() if k != "ALLOC"})
    if "ALLOC" in fields:
        data[f"alloc_{first.id}"] = fields["ALLOC"]
    before = _stored()
    response = admin.post("/admin/payments", data)
    page = response.body.decode()
    assert response.status_code == 400, page[:400]
    assert words in page and 'role="alert"' in page and 'name="amount"' in page  # the form again
    if "ALLOC" in fields:
        assert first.number in page
    assert _stored() == before


def test_allocating_to_a_draft_a_credit_note_a_proforma_or_another_customer_is_refused(
    admin: Browser, billing, acme
) -> None:
    other = billing.billed("Beta", NOW)
    payment = payments.of_customer(acme.customer.id) or None
    assert payment is None
    admin.get(f"/admin/payments/new?customer_id={acme.customer.id}")
    recorded = admin.post("/admin/payments", _form(acme.customer.id, amount="20"))
    payment_id = recorded.headers["Location"].split("/")[-1].split("?")[0]
    refused = {
        "draft": store_document(acme.customer.id, status="draft").id,
        "credit note": store_document(acme.customer.id, kind="credit_note").id,
        "pro-forma": store_document(acme.customer.id, kind="proforma").id,
        "another customer": other.invoices[0].id,
    }
    admin.get(f"/admin/payments/{payment_id}")
    before = _stored()
    for words, invoice_id in refused.items():
        response = admin.post(f"/admin/payments/{payment_id}/allocate", {f"alloc_{invoice_id}": "1"})
        assert response.status_code == 400 and words in response.body.decode(), words
    unknown = admin.post(f"/admin/payments/{payment_id}/allocate", {"alloc_nope": "1"})
    assert unknown.status_code == 404 and "no invoice nope" in unknown.body.decode()
    assert _stored() == before


def test_a_post_dated_cheque_in_the_admin_is_held_refused_before_its_date_then_bounced(
    admin: Browser, acme
) -> None:
    first = acme.invoices[0]
    later = (TODAY + timedelta(days=10)).isoformat()
    admin.get(f"/admin/payments/new?customer_id={acme.customer.id}")
    fields = {"method": "post_dated_cheque", "reference": "000777", "bank": "VUB", "cheque_date": later}
    response = admin.post(
        "/admin/payments", _form(acme.customer.id, amount="37.20", **fields, **{f"alloc_{first.id}": "37.20"})
    )
    assert response.status_code == 303
    payment_id = response.headers["Location"].split("/")[-1].split("?")[0]
    detail = admin.get(f"/admin/payments/{payment_id}").body.decode()
    assert "held" in detail and "it can be cleared from that day" in detail
    assert invoices.get(first.id).paid_minor == 0
    assert "000777" in admin.get("/admin/payments").body.decode()  # listed among the held cheques
    early = admin.post(f"/admin/payments/{payment_id}/clear", {})
    assert early.status_code == 400 and f"dated {later}" in early.body.decode()
    no_reason = admin.post(f"/admin/payments/{payment_id}/bounce", {"reason": " "})
    assert no_reason.status_code == 400 and "say why" in no_reason.body.decode()
    bounced = admin.post(f"/admin/payments/{payment_id}/bounce", {"reason": "stopped by drawer"})
    assert bounced.status_code == 303
    assert "stopped by drawer" in admin.get(f"/admin/payments/{payment_id}").body.decode()


def test_outstanding_page_lists_open_invoices_by_due_date_with_an_overdue_filter(
    admin: Browser, acme
) -> None:
    page = admin.get("/admin/outstanding").body.decode()
    numbers = [i.number for i in acme.invoices]
    assert all(n in page for n in numbers) and "Acme" in page
    assert page.index(numbers[0]) < page.index(numbers[1])
    overdue = admin.get("/admin/outstanding?overdue=1").body.decode()
    assert numbers[0] in overdue and "Overdue only" in overdue
    days = (TODAY - acme.invoices[0].due_date).days
    assert f'<span class="tag bad">{days}</span>' in overdue


def test_staff_who_only_see_invoices_cannot_record_payments(browser: Browser, make_staff, acme) -> None:
    make_staff("sales")
    browser.sign_in("sales@example.com")
    assert browser.get("/admin/payments").status_code == 200
    assert browser.get(f"/admin/customers/{acme.customer.id}/statement").status_code == 200
    assert browser.get("/admin/payments/new").status_code == 403
    browser.get("/admin/payments")
    assert browser.post("/admin/payments", _form(acme.customer.id, amount="1")).status_code == 403
    assert PaymentModel.count() == 0


# API


def _call(client, method: str, path: str, token: str, body=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    raw = json.dumps(body).encode() if body is not None else b""
    response = client.http.request(method, path, headers=headers, body=raw)
    return response.status_code, json.loads(response.body)


@pytest.fixture
def token(store) -> str:
    return issue_key("books", ["invoices:read", "payments:write"], actor=SYSTEM, now=NOW)[1]


def test_payments_over_the_api_record_allocate_unallocate_and_report(app_client, acme, token) -> None:
    first, second = acme.invoices[0], acme.invoices[1]
    body = {
        "customer_id": acme.customer.id,
        "amount_minor": 5_000,
        "method": "bank_transfer",
        "reference": "RF18 5390",
        "allocations": [{"invoice_id": first.id, "amount_minor": MONTHLY_TOTAL}],
    }
    status, created = _call(app_client, "POST", "/api/v1/payments", token, body)
    assert status == 201, created
    assert (created["status"], created["allocated_minor"], created["unallocated_minor"]) == (
        "cleared",
        3720,
        1280,
    )
    status, more = _call(
        app_client,
        "POST",
        f"/api/v1/payments/{created['id']}/allocations",
        token,
        {"allocations": [{"invoice_id": second.id, "amount_minor": 1_280}]},
    )
    assert status == 200 and more["unallocated_minor"] == 0
    assert _call(app_client, "GET", f"/api/v1/payments/{created['id']}", token, None)[1]["version"] == 2
    status, found = _call(app_client, "GET", f"/api/v1/payments?customer_id={acme.customer.id}", token)
    assert status == 200 and [p["id"] for p in found["items"]] == [created["id"]]
    status, balance = _call(app_client, "GET", f"/api/v1/customers/{acme.customer.id}/balance", token)
    owed = sum(i.total_minor for i in acme.invoices) - 5_000
    assert status == 200 and balance["balances"] == [{"currency": "EUR", "balance_minor": owed}]
    status, statement = _call(app_client, "GET", f"/api/v1/customers/{acme.customer.id}/statement", token)
    [eur] = statement["statements"]
    assert status == 200 and eur["closing_minor"] == owed
    assert [line["kind"] for line in eur["lines"]].count("payment") == 1
    status, open_list = _call(app_client, "GET", "/api/v1/outstanding-invoices?overdue=1", token)
    assert status == 200 and first.id not in [i["invoice_id"] for i in open_list["items"]]
    assert any(i["invoice_id"] == second.id and i["open_minor"] == 2_440 for i in open_list["items"])
    status, undone = _call(
        app_client, "DELETE", f"/api/v1/payments/{created['id']}/allocations/{first.id}", token
    )
    assert status == 200 and undone["unallocated_minor"] == MONTHLY_TOTAL
    assert invoices.get(first.id).open_minor == MONTHLY_TOTAL


@pytest.mark.parametrize(
    ("change", "status", "field", "words"),
    [
        ({"amount_minor": 0}, 400, "amount_minor", "more than zero"),
        ({"amount_minor": -1}, 400, "amount_minor", "more than zero"),
        ({"amount_minor": "ten"}, 400, "amount_minor", "whole minor units"),
        ({"currency": "USD"}, 400, "allocations", "is in EUR, the payment in USD"),
        ({"ALLOC": MONTHLY_TOTAL + 1}, 400, "allocations", "has only €37.20 open"),
        ({"ALLOC": 0}, 400, "allocations[0].amount_minor", "more than zero"),
        ({"allocations": [{"invoice_id": "nope", "amount_minor": 1}]}, 404, "invoice_id", "no invoice nope"),
        ({"allocations": {"x": 1}}, 400, "allocations", "must be a list"),
        ({"method": "card"}, 400, "method", "Stripe"),
        ({"received_on": "2027-02-30"}, 400, "received_on", "must be a date"),
        ({"customer_id": 5}, 400, "customer_id", "must be a string"),
    ],
)
def test_bad_payments_over_the_api_get_a_4xx_naming_the_problem_and_write_nothing(
    app_client, acme, token, change, status, field, words
) -> None:
    first = acme.invoices[0]
    body = {
        "customer_id": acme.customer.id,
        "amount_minor": 5_000,
        "method": "bank_transfer",
        "allocations": [{"invoice_id": first.id, "amount_minor": change.pop("ALLOC", 100)}],
        **change,
    }
    before = _stored()
    code, payload = _call(app_client, "POST", "/api/v1/payments", token, body)
    assert code == status, payload
    assert payload["error"]["field"] == field and words in payload["error"]["message"]
    assert _stored() == before


def test_a_concurrent_change_of_the_invoice_is_a_409_and_nothing_is_written(
    app_client, acme, token, monkeypatch
) -> None:
    from dataclasses import replace

    from chalicelib.services import payment_changes
    from chalicelib.store import records

    first = acme.invoices[0]
    real_read = payment_changes.read_invoices

    def read_then_credited_meanwhile(invoice_ids):
        found = real_read(invoice_ids)
        stored = invoices.get(first.id, consistent=True)
        change = records.Change()
        invoices.saved(stored, replace(stored, credited_minor=1_000), change)
        records.commit(change)
        return found

    monkeypatch.setattr(payment_changes, "read_invoices", read_then_credited_meanwhile)
    body = {
        "customer_id": acme.customer.id,
        "amount_minor": MONTHLY_TOTAL,
        "method": "cash",
        "allocations": [{"invoice_id": first.id, "amount_minor": MONTHLY_TOTAL}],
    }
    status, payload = _call(app_client, "POST", "/api/v1/payments", token, body)
    assert status == 409 and f"invoice {first.number} was changed meanwhile" in payload["error"]["message"]
    assert PaymentModel.count() == 0 and invoices.get(first.id).paid_minor == 0


def test_cheques_over_the_api_and_scopes(app_client, acme, token) -> None:
    first = acme.invoices[0]
    later = (TODAY + timedelta(days=5)).isoformat()
    body = {
        "customer_id": acme.customer.id,
        "amount_minor": MONTHLY_TOTAL,
        "method": "post_dated_cheque",
        "reference": "42",
        "cheque_date": later,
        "allocations": [{"invoice_id": first.id, "amount_minor": MONTHLY_TOTAL}],
    }
    status, cheque = _call(app_client, "POST", "/api/v1/payments", token, body)
    assert status == 201 and cheque["status"] == "held"
    status, early = _call(app_client, "POST", f"/api/v1/payments/{cheque['id']}/clear", token, {})
    assert status == 400 and early["error"]["field"] == "cheque_date" and later in early["error"]["message"]
    status, bounced = _call(
        app_client, "POST", f"/api/v1/payments/{cheque['id']}/bounce", token, {"reason": "stop"}
    )
    assert status == 200 and bounced["status"] == "bounced" and bounced["bounce_reason"] == "stop"
    status, again = _call(
        app_client, "POST", f"/api/v1/payments/{cheque['id']}/bounce", token, {"reason": "x"}
    )
    assert status == 409
    assert _call(app_client, "POST", "/api/v1/payments/nope/clear", token, {})[0] == 404
    reader = issue_key("reader", ["invoices:read"], actor=SYSTEM, now=NOW)[1]
    assert _call(app_client, "GET", f"/api/v1/payments/{cheque['id']}", reader)[0] == 200
    assert _call(app_client, "POST", "/api/v1/payments", reader, body)[0] == 403
    assert _call(app_client, "GET", "/api/v1/customers/nope/statement", reader)[0] == 404
    status, bad = _call(app_client, "GET", f"/api/v1/customers/{acme.customer.id}/statement?from=x", reader)
    assert status == 400 and bad["error"]["field"] == "from"


def test_the_form_without_a_customer_asks_for_one(admin: Browser, store) -> None:
    page = admin.get("/admin/payments/new").body.decode()
    assert "Choose the customer who paid" in page
    response = admin.post("/admin/payments", {"amount": "10", "method": "cash"})
    assert response.status_code == 400 and "no customer" in response.body.decode()
    assert PaymentModel.count() == 0
