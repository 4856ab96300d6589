"""Contract templates through the admin page and the API, with bad input named and nothing stored."""

import json
from datetime import UTC, datetime

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.store import audit, contract_templates
from tests.browser_client import Browser

FORM = {
    "name": "Boiler maintenance",
    "currency": "EUR",
    "period": "yearly",
    "timing": "advance",
    "term_periods": "3",
    "notice_days": "60",
    "payment_terms_days": "14",
    "service_every_months": "6",
    "access_level": "upgrade_only",
    "proration": "now",
    "reminder_days": "60, 30, 7",
    "auto_renew": "1",
    "options": "remote | Remote monitoring | 120,00 | 50\nparts | Spare parts cover | 89.90 |",
}


def test_a_template_is_built_on_the_page_and_edited_with_history(admin: Browser) -> None:
    admin.get("/admin/templates")
    created = admin.post("/admin/templates", FORM)
    assert created.status_code == 303
    page = admin.get(created.headers["Location"]).body.decode()
    assert "Template saved." in page and "remote | Remote monitoring | 120.00 | 50.00" in page
    [template] = contract_templates.list_all()
    assert (template.term_periods, template.service_every_months, template.reminder_days) == (
        3,
        6,
        (60, 30, 7),
    )
    assert [(o.code, o.price_minor, o.setup_fee_minor) for o in template.options] == [
        ("remote", 12000, 5000),
        ("parts", 8990, 0),
    ]
    admin.post(f"/admin/templates/{template.id}", {**FORM, "notice_days": "90", "active": "0"})
    changed = contract_templates.get(template.id)
    assert changed.notice_days == 90 and changed.active is False
    [update, _create] = audit.for_entity("template", template.id)
    assert ("notice_days", 60, 90) in update.changes()
    assert "inactive" in admin.get("/admin/templates").body.decode()


def test_bad_template_input_is_named_and_nothing_is_stored(admin: Browser) -> None:
    admin.get("/admin/templates")
    for change, message in [
        ({"period": "daily"}, "billing period must be"),
        ({"options": "remote | Remote | 12.345"}, "options line 1"),
        ({"options": "just a label"}, "option line 1: write code"),
        ({"reminder_days": "30, soon"}, "reminder days must be whole numbers"),
        ({"term_periods": "-1"}, "term_periods must be between 1 and 600"),
    ]:
        response = admin.post("/admin/templates", {**FORM, **change})
        assert response.status_code == 400 and message in response.body.decode(), change
    assert contract_templates.list_all() == []


def test_a_viewer_sees_templates_but_cannot_create_one(browser: Browser, make_staff) -> None:
    make_staff("viewer")
    browser.sign_in("viewer@example.com")
    assert "New template" not in browser.get("/admin/templates").body.decode()
    assert browser.post("/admin/templates", FORM, csrf=browser.csrf()).status_code == 403


def test_templates_over_the_api(app_client, store) -> None:
    _key, token = issue_key("crm", ["contracts:read", "contracts:write"], actor=SYSTEM, now=datetime.now(UTC))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body=None):
        response = app_client.http.request(
            method, path, headers=headers, body=json.dumps(body).encode() if body is not None else b""
        )
        return response.status_code, json.loads(response.body)

    body = {
        "name": "SaaS Basic",
        "currency": "USD",
        "period": "monthly",
        "access_level": "upgrade_and_downgrade",
        "options": [{"code": "seats", "label": "Extra seat", "price_minor": 900}],
    }
    status, created = call("POST", "/api/v1/contract-templates", body)
    assert status == 201 and created["options"][0]["price_minor"] == 900 and created["term_periods"] is None
    status, patched = call(
        "PATCH", f"/api/v1/contract-templates/{created['id']}", {"proration": "period_end"}
    )
    assert status == 200 and patched["proration"] == "period_end" and patched["name"] == "SaaS Basic"
    for bad, field in [
        ({**body, "options": "seats"}, "options"),
        ({**body, "options": [1]}, "options[0]"),
        ({**body, "auto_renew": "no"}, "auto_renew"),
        ({**body, "currency": 5}, "currency"),
    ]:
        status, error = call("POST", "/api/v1/contract-templates", bad)
        assert status == 400 and error["error"]["field"] == field, bad
    status, _ = call("GET", "/api/v1/contract-templates/nope")
    assert status == 404
    assert len(call("GET", "/api/v1/contract-templates")[1]["items"]) == 1
