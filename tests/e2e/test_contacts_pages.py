"""Customers, people, addresses, custom fields and categories through the admin pages and the API."""

import json
import re
from datetime import UTC, datetime

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.store import customers, people
from tests.browser_client import Browser

ACME = {
    "name": "Acme Facilities",
    "country": "SK",
    "currency": "EUR",
    "email": "billing@acme.example",
    "phone": "+421 2 5555 0101",
    "code": "C-100",
    "categories_shown": "1",
}


def _define_settings(admin: Browser) -> None:
    admin.get("/admin/settings/fields")
    admin.post(
        "/admin/settings/fields",
        {"entity": "customer", "label": "Employees", "key": "employees", "type": "number", "required": "1"},
    )
    admin.post(
        "/admin/settings/fields",
        {"action": "category", "kind": "region", "code": "west", "label": "Western Slovakia"},
    )


def test_an_admin_defines_fields_and_categories_that_customer_forms_then_use(admin: Browser) -> None:
    _define_settings(admin)
    page = admin.get("/admin/customers").body.decode()
    assert 'name="custom.employees"' in page and "Western Slovakia" in page
    missing = admin.post("/admin/customers", ACME)
    assert missing.status_code == 400 and "Employees is required" in missing.body.decode()
    assert customers.page()[0] == []
    created = admin.post(
        "/admin/customers", [*ACME.items(), ("custom.employees", "1 200"), ("categories", "region:west")]
    )
    assert created.status_code == 303
    detail = admin.get(created.headers["Location"]).body.decode()
    assert 'value="1200"' in detail and 'value="region:west" style="min-width:0" checked' in detail
    listing = admin.get("/admin/customers?category=region%3Awest").body.decode()
    assert "Acme Facilities" in listing
    for by, q in [("email", "BILLING@acme.example"), ("phone", "00421255550101"), ("code", "c100")]:
        assert "Acme Facilities" in admin.get(f"/admin/customers?by={by}&q={q}").body.decode(), by


def test_settings_refuse_bad_definitions_by_name(admin: Browser) -> None:
    admin.get("/admin/settings/fields")
    response = admin.post(
        "/admin/settings/fields",
        {"entity": "customer", "label": "Tier", "key": "tier", "type": "choice", "choices": "gold"},
    )
    assert response.status_code == 400 and "at least two comma-separated choices" in response.body.decode()
    admin.get("/admin/settings/fields")
    response = admin.post(
        "/admin/settings/fields", {"entity": "customer", "label": "X", "key": "9x", "type": "text"}
    )
    assert response.status_code == 400 and "key must be" in response.body.decode()


def test_sensitive_fields_are_hidden_from_sales_and_refused_if_sent(browser: Browser, make_staff) -> None:
    from chalicelib.services.manage_customers import create_customer

    acme = create_customer(
        {**ACME, "tax_id": "SK2020123456", "bank_account": "SK31 1200 0000 1987 4263 7541"},
        actor=SYSTEM,
        now=datetime.now(UTC),
    )
    make_staff("sales")
    browser.sign_in("sales@example.com")
    page = browser.get(f"/admin/customers/{acme.id}").body.decode()
    assert "SK2020123456" not in page and "bank_account" not in page
    response = browser.post(f"/admin/customers/{acme.id}", {**acme.fields(), "tax_id": "SK000"})
    assert response.status_code == 403 and "may not set tax_id" in response.body.decode()
    assert customers.get(acme.id).tax_id == "SK2020123456"
    browser.get(f"/admin/customers/{acme.id}")
    fields_without_sensitive = {k: v for k, v in acme.fields().items() if k not in ("tax_id", "bank_account")}
    assert (
        browser.post(
            f"/admin/customers/{acme.id}", {**fields_without_sensitive, "name": "Acme Ltd"}
        ).status_code
        == 303
    )
    assert customers.get(acme.id).tax_id == "SK2020123456"  # kept, not blanked
    make_staff("billing")
    billing = Browser(browser.client)
    billing.sign_in("billing@example.com")
    assert "SK2020123456" in billing.get(f"/admin/customers/{acme.id}").body.decode()


def test_a_shared_address_edited_once_changes_on_every_record(admin: Browser) -> None:
    admin.get("/admin/customers")
    acme_id = admin.post("/admin/customers", ACME).headers["Location"].split("/")[-1].split("?")[0]
    admin.get("/admin/people")
    anna_id = (
        admin.post(
            "/admin/people",
            {"first_name": "Anna", "last_name": "Nováková", "customer_id": acme_id, "role": "purchasing"},
        )
        .headers["Location"]
        .split("/")[-1]
        .split("?")[0]
    )
    admin.get(f"/admin/customers/{acme_id}")
    admin.post(
        "/admin/addresses",
        {
            "attach_to": f"customer#{acme_id}",
            "line1": "Mlynské nivy 1",
            "city": "Bratislava",
            "postcode": "821 09",
            "country": "SK",
        },
    )
    address_id = customers.get(acme_id).address_id
    admin.get(f"/admin/people/{anna_id}")
    admin.post("/admin/addresses", {"attach_to": f"person#{anna_id}", "existing_id": address_id})
    admin.get(f"/admin/addresses/{address_id}")
    saved = admin.post(
        f"/admin/addresses/{address_id}",
        {"line1": "Mlynské nivy 5", "city": "Bratislava", "postcode": "821 09", "country": "SK"},
    )
    assert saved.status_code == 303
    assert "Mlynské nivy 5" in admin.get(f"/admin/customers/{acme_id}").body.decode()
    person_page = admin.get(f"/admin/people/{anna_id}").body.decode()
    assert "Mlynské nivy 5" in person_page and "purchasing" in person_page
    people_tab = admin.get(f"/admin/customers/{acme_id}/people").body.decode()
    assert "Anna Nováková" in people_tab
    address_page = admin.get(f"/admin/addresses/{address_id}").body.decode()
    assert f"/admin/customers/{acme_id}" in address_page and f"/admin/people/{anna_id}" in address_page


def test_people_and_addresses_over_the_api(app_client, store) -> None:
    _key, token = issue_key(
        "crm sync", ["people:read", "people:write", "customers:write"], actor=SYSTEM, now=datetime.now(UTC)
    )
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body=None):
        response = app_client.http.request(
            method, path, headers=headers, body=json.dumps(body).encode() if body is not None else b""
        )
        return response.status_code, json.loads(response.body)

    status, acme = call(
        "POST",
        "/api/v1/customers",
        {**{k: v for k, v in ACME.items() if k != "categories_shown"}, "custom": {}},
    )
    assert status == 201, acme
    status, address = call(
        "POST", "/api/v1/addresses", {"line1": "Hlavná 1", "city": "Košice", "country": "SK"}
    )
    assert status == 201 and address["text"] == "Hlavná 1, Košice, SK"
    status, anna = call(
        "POST", "/api/v1/people", {"first_name": "Anna", "last_name": "Nováková", "address_id": address["id"]}
    )
    assert status == 201
    status, linked = call(
        "PUT",
        f"/api/v1/people/{anna['id']}/organisations/{acme['id']}",
        {"role": "purchasing", "primary": True},
    )
    assert linked["organisations"] == [
        {"customer_id": acme["id"], "role": "purchasing", "email": "", "phone": "", "primary": True}
    ]
    status, used = call("GET", f"/api/v1/addresses/{address['id']}")
    assert used["used_by"] == [f"person#{anna['id']}"]
    status, error = call("POST", "/api/v1/people", {"first_name": "No last name"})
    assert status == 400 and error["error"]["field"] == "last_name"
    status, error = call("PUT", f"/api/v1/people/{anna['id']}/organisations/nope", {})
    assert status == 404
    assert re.fullmatch(r"[0-9a-f]{16}", people.get(anna["id"]).id)


def test_the_merge_preview_hides_sensitive_fields_from_sales(browser: Browser, make_staff) -> None:
    from chalicelib.services.manage_customers import create_customer

    now = datetime.now(UTC)
    first = create_customer({**ACME, "tax_id": "SK2020123456"}, actor=SYSTEM, now=now)
    second = create_customer(
        {**ACME, "code": "C-101", "bank_account": "SK31 1200 0000 1987"}, actor=SYSTEM, now=now
    )
    make_staff("sales")
    browser.sign_in("sales@example.com")
    page = browser.get(
        f"/admin/duplicates/merge?entity=customer&original_id={first.id}&duplicate_id={second.id}"
    )
    assert page.status_code == 200
    text = page.body.decode()
    assert "SK2020123456" not in text and "SK31 1200" not in text and "C-101" in text


def test_a_bad_address_is_reported_on_the_customer_page_with_the_navigation(admin: Browser) -> None:
    admin.get("/admin/customers")
    acme_id = admin.post("/admin/customers", ACME).headers["Location"].split("/")[-1].split("?")[0]
    admin.get(f"/admin/customers/{acme_id}")
    response = admin.post(
        "/admin/addresses", {"attach_to": f"customer#{acme_id}", "line1": "Rue 1", "city": "X"}
    )
    page = response.body.decode()
    assert response.status_code == 400
    assert "address: country must be a two-letter ISO code" in page and "<h1>Acme Facilities" in page
    assert customers.get(acme_id).address_id is None
    missing = admin.get("/admin/customers/nope")
    assert (
        missing.status_code == 404 and "<header>" in missing.body.decode()
    )  # error pages keep the navigation


def test_the_people_list_filters_by_category(admin: Browser) -> None:
    admin.get("/admin/settings/fields")
    admin.post(
        "/admin/settings/fields",
        {"action": "category", "kind": "function", "code": "finance", "label": "Finance"},
    )
    admin.get("/admin/people")
    admin.post(
        "/admin/people", {"last_name": "Nováková", "categories_shown": "1", "categories": "function:finance"}
    )
    admin.post("/admin/people", {"last_name": "Other", "categories_shown": "1"})
    page = admin.get("/admin/people?category=function%3Afinance").body.decode()
    assert "Nováková" in page and "Other" not in page
