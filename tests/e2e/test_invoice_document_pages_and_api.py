"""Draft invoices, pro-formas, credit notes and sending in the admin page and over the API."""

import json
from datetime import UTC, datetime

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_tax_rates import set_tax_rate
from chalicelib.store import invoices
from chalicelib.store.models_billing import InvoiceModel
from tests.browser_client import Browser

NOW = datetime.now(UTC)
LINES = {
    "line-0-description": "Boiler installation",
    "line-0-quantity": "1",
    "line-0-unit_price": "400.00",
    "line-0-detail": "SN-77, boiler room",
    "line-1-description": "",
    "line-1-quantity": "",
    "line-1-unit_price": "",
}


@pytest.fixture
def customer(store):
    set_tax_rate(
        {"region": "SK", "category": "standard", "rate": "20", "name": "VAT 20 %"}, actor=SYSTEM, now=NOW
    )
    return create_customer(
        {"name": "Acme", "country": "SK", "currency": "EUR", "email": "ap@acme.example"},
        actor=SYSTEM,
        now=NOW,
    )


def _draft_page(admin: Browser, customer) -> str:
    admin.get(f"/admin/invoices/new?customer_id={customer.id}")
    response = admin.post("/admin/invoices/new", {"customer_id": customer.id, "due_days": "14", **LINES})
    assert response.status_code == 303, response.body
    return response.headers["Location"].split("?")[0]


def test_staff_write_a_draft_edit_it_issue_it_credit_it_and_send_it(admin: Browser, customer, store) -> None:
    path = _draft_page(admin, customer)
    page = admin.get(path).body.decode()
    assert "Invoice (draft)" in page and "Boiler installation" in page and "SN-77" in page
    edited = admin.post(
        f"{path}/draft",
        {"version": "1", "kind": "invoice", "due_days": "30", **LINES, "line-0-unit_price": "450"},
    )
    assert edited.status_code == 303
    stale = admin.post(f"{path}/draft", {"version": "1", "kind": "invoice", **LINES})
    assert stale.status_code == 409 and "concurrent change" in stale.body.decode()
    admin.get(path)
    assert admin.post(f"{path}/issue", {}).status_code == 303
    page = admin.get(path).body.decode()
    assert "Invoice INV-" in page and "€540.00" in page and "Not sent yet" in page
    assert "Edit the draft" not in page and "Credit note" in page
    # Bad credit notes are refused on the page, naming the amounts; nothing is written.
    too_much = admin.post(f"{path}/credit", {"credit-0": "500.00", "reason": "x", "step": "issue"})
    assert (
        too_much.status_code == 400 and "line 1: €500.00 is more than its €450.00" in too_much.body.decode()
    )
    preview = admin.post(
        f"{path}/credit", {"credit-0": "50.00", "reason": "Agreed discount", "step": "preview"}
    )
    assert preview.status_code == 200 and "would take off €60.00" in preview.body.decode()
    issued = admin.post(f"{path}/credit", {"credit-0": "50.00", "reason": "Agreed discount", "step": "issue"})
    assert issued.status_code == 303
    note_page = admin.get(issued.headers["Location"]).body.decode()
    assert "Credit note CN-" in note_page and "Agreed discount" in note_page
    assert "part credited" in admin.get(path).body.decode()
    above = admin.post(f"{path}/credit", {"credit-0": "450.00", "reason": "x", "step": "issue"})
    assert above.status_code == 400
    assert "€540.00 is above the invoice total still to credit, €480.00" in above.body.decode()
    assert invoices.get(path.rsplit("/", 1)[1]).credited_minor == 6000
    sent = admin.post(f"{path}/send", {})
    assert sent.status_code == 303 and "notice=sent" in sent.headers["Location"]
    assert 'delivery: <span class="tag">sent</span>' in admin.get(path).body.decode()
    assert len(list((store / "outbox").glob("*.eml"))) == 1


def test_bad_draft_forms_say_what_is_wrong_and_keep_what_was_typed(admin: Browser, customer) -> None:
    admin.get(f"/admin/invoices/new?customer_id={customer.id}")
    cases = [
        ({"customer_id": "", **LINES}, "choose the customer"),
        ({"customer_id": customer.id}, "at least one line"),
        (
            {"customer_id": customer.id, **LINES, "line-0-unit_price": "four"},
            "line 1: &#39;four&#39; is not an amount",
        ),
        ({"customer_id": customer.id, **LINES, "currency": "EUD"}, "currency"),
        ({"customer_id": customer.id, **LINES, "due_days": "x"}, "due_days"),
    ]
    for form, message in cases:
        response = admin.post("/admin/invoices/new", form)
        body = response.body.decode()
        assert response.status_code == 400 and message in body, (form, body[:300])
        if form.get("line-0-description"):
            assert 'value="Boiler installation"' in body
    assert InvoiceModel.count() == 0


def test_a_proforma_is_issued_then_turned_into_an_invoice(admin: Browser, customer) -> None:
    admin.get(f"/admin/invoices/new?kind=proforma&customer_id={customer.id}")
    created = admin.post("/admin/invoices/new", {"customer_id": customer.id, "kind": "proforma", **LINES})
    path = created.headers["Location"].split("?")[0]
    admin.get(path)
    admin.post(f"{path}/issue", {})
    page = admin.get(path).body.decode()
    assert "Pro-forma PF-" in page and "Make the invoice" in page and "Credit note" not in page
    made = admin.post(f"{path}/invoice", {})
    assert made.status_code == 303
    assert "Invoice (draft)" in admin.get(made.headers["Location"]).body.decode()


def test_viewers_see_documents_but_cannot_change_them(browser: Browser, make_staff, customer, admin) -> None:
    path = _draft_page(admin, customer)
    make_staff("viewer")
    browser.sign_in("viewer@example.com")
    page = browser.get(path).body.decode()
    assert "Boiler installation" in page and "Issue invoice" not in page
    assert browser.post(f"{path}/issue", {}).status_code == 403
    assert browser.get("/admin/invoices/new").status_code == 403


def test_documents_over_the_api(app_client, customer) -> None:
    _key, token = issue_key("erp", ["invoices:read", "invoices:write"], actor=SYSTEM, now=NOW)
    _key, read_only = issue_key("bi", ["invoices:read"], actor=SYSTEM, now=NOW)

    def call(method: str, path: str, body=None, key=token):
        response = getattr(app_client.http, method)(
            path,
            body=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        return response.status_code, json.loads(response.body)

    draft_body = {"customer_id": customer.id, "lines": [{"description": "Repair", "unit_price_minor": 10000}]}
    assert call("post", "/api/v1/invoices", draft_body, read_only)[0] == 403
    status, draft = call("post", "/api/v1/invoices", draft_body)
    assert status == 201 and draft["status"] == "draft" and draft["number"] is None
    status, bad = call(
        "post", "/api/v1/invoices", {**draft_body, "lines": [{"description": "x", "unit_price": "ab"}]}
    )
    assert status == 400 and bad["error"]["field"] == "lines[0].unit_price"
    status, edited = call(
        "put",
        f"/api/v1/invoices/{draft['id']}",
        {"version": 1, "lines": [{"description": "Repair", "unit_price": "120"}]},
    )
    assert status == 200 and edited["net_minor"] == 12000
    assert (
        call("put", f"/api/v1/invoices/{draft['id']}", {"version": 1, "lines": draft_body["lines"]})[0] == 409
    )
    status, issued = call("post", f"/api/v1/invoices/{draft['id']}/issue", {})
    assert status == 200 and issued["number"].startswith("INV-") and issued["total_minor"] == 14400
    assert call("delete", f"/api/v1/invoices/{draft['id']}")[0] == 409
    status, error = call(
        "post", f"/api/v1/invoices/{draft['id']}/credit-notes", {"amounts": {"0": 20000}, "reason": "x"}
    )
    assert status == 400 and "more than its €120.00" in error["error"]["message"]
    status, error = call(
        "post", f"/api/v1/invoices/{draft['id']}/credit-notes", {"full": True, "reason": "Wrong customer"}
    )
    assert status == 201 and error["kind"] == "credit_note" and error["total_minor"] == 14400
    status, again = call("get", f"/api/v1/invoices/{draft['id']}")
    assert again["open_minor"] == 0 and again["credited_minor"] == 14400
    assert call("post", "/api/v1/invoices/nope/issue", {})[0] == 404
    status, sent = call("post", f"/api/v1/invoices/{draft['id']}/send", {})
    assert status == 200 and sent["sent_at"]
    assert [i.kind for i in invoices.of_customer(customer.id)].count("credit_note") == 1
