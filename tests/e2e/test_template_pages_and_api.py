"""Contract templates through the admin page and the API, with bad input named and nothing stored."""

import json
from datetime import UTC, datetime
from html.parser import HTMLParser

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


HEALTH_AND_WELCOME = {
    "health": "days_past_due <= 14\r\nfailed_payments_90d<3",
    "email_welcome_subject": "Welcome, {{ customer_name }}",
    "email_welcome_body": "Contract {{ contract_number }} runs until {{ end_date }}.\r\nThank you!",
}


class _FormFields(HTMLParser):
    """The name/value pairs a browser would send for the page's form (csrf_token aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") not in (None, "csrf_token"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.pairs.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.pairs.append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.pairs.append((self._select, a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, text = self.pairs[-1]
            self.pairs[-1] = (name, text + data)


def form_fields(page: str) -> list[tuple[str, str]]:
    parser = _FormFields()
    parser.feed(page)
    return parser.pairs


def test_health_conditions_and_stage_emails_round_trip_through_the_page(admin: Browser) -> None:
    admin.get("/admin/templates")
    created = admin.post("/admin/templates", {**FORM, **HEALTH_AND_WELCOME})
    assert created.status_code == 303, created.body
    [template] = contract_templates.list_all()
    assert [c.text for c in template.health] == ["days_past_due <= 14", "failed_payments_90d < 3"]
    [welcome] = template.emails
    assert (welcome.stage, welcome.subject) == ("welcome", "Welcome, {{ customer_name }}")
    assert welcome.body == "Contract {{ contract_number }} runs until {{ end_date }}.\nThank you!"

    fields = dict(form_fields(admin.get(created.headers["Location"]).body.decode()))
    assert fields["health"] == "days_past_due <= 14\nfailed_payments_90d < 3"
    assert (fields["email_welcome_subject"], fields["email_welcome_body"]) == (welcome.subject, welcome.body)
    assert fields["email_expired_subject"] == fields["email_expired_body"] == ""

    # Sent back as shown, the form changes nothing, so there is nothing to audit.
    assert admin.post(f"/admin/templates/{template.id}", form_fields(admin.last_html)).status_code == 303
    assert contract_templates.get(template.id) == template
    assert len(audit.for_entity("template", template.id)) == 1

    edited = [(k, v) for k, v in form_fields(admin.last_html) if k != "health"]
    admin.post(f"/admin/templates/{template.id}", [*edited, ("health", "open_complaints == 0")])
    [update, _create] = audit.for_entity("template", template.id)
    [(name, before, after)] = update.changes()
    assert (name, after) == ("health", [{"metric": "open_complaints", "op": "==", "value": 0}])


def test_a_bad_health_line_or_email_is_named_and_nothing_is_saved(admin: Browser) -> None:
    admin.get("/admin/templates")
    for change, message in [
        ({"health": "days_past_due <= 14\n\nmood > 3"}, "health line 3: unknown metric mood"),
        ({"health": "open_invoices => 2"}, "health line 1: use one of &lt; &lt;= &gt; &gt;= ==, not =&gt;"),
        ({"health": "open_invoices < -2"}, "health line 1: -2 is not a whole number"),
        ({"health": "open_invoices < ²"}, "health line 1: ² is not a whole number"),
        ({"health": "open_invoices"}, "health line 1: write metric op value"),
        ({"health": "\n".join(["open_invoices < 3"] * 11)}, "health takes at most 10 conditions"),
        ({"email_welcome_subject": ""}, "emails.welcome.subject is required"),
        ({"email_renewed_body": "Hi"}, "emails.renewed.subject is required"),
        ({"email_welcome_body": "Dear {{ customer_name }\n"}, "emails.welcome.body line 1: "),
    ]:
        response = admin.post("/admin/templates", {**FORM, **HEALTH_AND_WELCOME, **change})
        page = response.body.decode()
        assert response.status_code == 400 and message in page, change
        # The form comes back as typed, with the emails open when they hold the mistake.
        assert dict(form_fields(page))["name"] == FORM["name"]
        assert ("<details open>" in page) is message.startswith("emails"), change
    assert contract_templates.list_all() == []


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
    assert template.plan is None
    with_plan = {**FORM, "plan_label": "Yearly boiler check", "plan_price": "149,00"}
    admin.post(f"/admin/templates/{template.id}", with_plan)
    assert contract_templates.get(template.id).plan.price_minor == 14900
    edit = admin.get(f"/admin/templates/{template.id}").body.decode()
    assert 'value="Yearly boiler check"' in edit and 'value="149.00"' in edit
    admin.post(f"/admin/templates/{template.id}", {**FORM, "notice_days": "90", "active": "0"})
    changed = contract_templates.get(template.id)
    assert changed.notice_days == 90 and changed.active is False and changed.plan is None  # emptied
    [update, _plan, _create] = audit.for_entity("template", template.id)
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
        ({"plan_price": "a lot"}, "plan_price"),
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
    health = [
        {"metric": "days_past_due", "op": "<=", "value": 14},
        {"metric": "usage_percent", "op": ">", "value": 10},
    ]
    emails = {
        "welcome": {"subject": "Welcome {{ customer_name }}", "body": "Your contract {{ contract_number }}"}
    }
    status, patched = call(
        "PATCH", f"/api/v1/contract-templates/{created['id']}", {"health": health, "emails": emails}
    )
    assert status == 200 and (patched["health"], patched["emails"]) == (health, emails)
    assert call("GET", f"/api/v1/contract-templates/{created['id']}")[1]["health"] == health
    for bad, field in [
        ({"health": [{"metric": "days_past_due", "op": "=", "value": 1}]}, "health[0].op"),
        ({"health": [{"metric": "days_past_due", "op": "<", "value": -1}]}, "health[0].value"),
        ({"emails": {"goodbye": emails["welcome"]}}, "emails.goodbye"),
        ({"emails": {"welcome": {"subject": "Hi", "body": "{% for %}"}}}, "emails.welcome.body"),
    ]:
        status, error = call("PATCH", f"/api/v1/contract-templates/{created['id']}", bad)
        assert status == 400 and error["error"]["field"] == field, bad
    assert contract_templates.get(created["id"]).health[0].text == "days_past_due <= 14"
    status, _ = call("GET", "/api/v1/contract-templates/nope")
    assert status == 404
    assert len(call("GET", "/api/v1/contract-templates")[1]["items"]) == 1
