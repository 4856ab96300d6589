"""Staff invitations, the audit log, customers, the outbox and jobs through the admin pages."""

import re

from chalicelib.store import audit, customers, job_runs, mail, staff
from tests.browser_client import Browser

CUSTOMER = {
    "name": "Acme Facilities",
    "email": "billing@acme.example",
    "phone": "+421 2 5555 0101",
    "country": "SK",
    "currency": "EUR",
    "locale": "sk",
    "timezone": "Europe/Bratislava",
}


def _invitation_link() -> str:
    [message] = mail.recent()
    match = re.search(r"http://testserver(/admin/invitation/\S+)", message.text)
    assert match, message.text
    return match.group(1)


def test_an_invited_colleague_sets_a_password_once_and_signs_in(admin: Browser, app_client) -> None:
    admin.get("/admin/staff")
    response = admin.post(
        "/admin/staff", {"name": "Nina Novak", "email": "nina@example.com", "role": "billing"}
    )
    assert response.headers["Location"] == "/admin/staff?notice=invited"
    page = admin.get(response.headers["Location"]).body.decode()
    assert "Invitation sent" in page and "nina@example.com" in page and ">invited<" in page
    [message] = mail.recent()
    assert (message.to, message.status) == ("nina@example.com", "sent")
    link = _invitation_link()

    nina = Browser(app_client)
    assert "Welcome, Nina Novak" in nina.get(link).body.decode()
    short = nina.post(link, {"password": "short", "password_repeat": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.body.decode()
    done = nina.post(link, {"password": "nina's long password", "password_repeat": "nina's long password"})
    assert done.status_code == 303
    assert nina.sign_in("nina@example.com", "nina's long password").status_code == 303
    again = Browser(app_client).get(link)
    assert again.status_code == 401 and "used already" in again.body.decode()


def test_a_forged_invitation_link_is_refused(browser: Browser, make_staff) -> None:
    response = browser.get("/admin/invitation/not-a-real-token")
    assert response.status_code == 401 and "not valid" in response.body.decode()


def test_creating_staff_with_bad_input_shows_the_field_and_keeps_what_was_typed(admin: Browser) -> None:
    admin.get("/admin/staff")
    response = admin.post("/admin/staff", {"name": "Bad", "email": "not-an-email", "role": "viewer"})
    assert response.status_code == 400
    page = response.body.decode()
    assert "is not a valid email address" in page and 'value="Bad"' in page
    assert len(staff.list_all()) == 1


def test_role_changes_and_deactivation_show_in_the_audit_log_per_record_and_per_user(
    admin: Browser, make_staff
) -> None:
    ann = make_staff("sales", email="ann@example.com")
    admin.get("/admin/staff")
    admin.post(f"/admin/staff/{ann.id}/role", {"role": "billing"})
    admin.get("/admin/staff")
    assert admin.post(f"/admin/staff/{ann.id}/active", {"active": "0"}).status_code == 303
    record = admin.get(f"/admin/audit?entity=staff%23{ann.id}").body.decode()
    assert "staff.deactivated" in record and "staff.role_changed" in record and "staff.created" in record
    assert "<s>sales</s> → billing" in record
    boss = staff.find_by_email("admin@example.com")
    by_user = admin.get(f"/admin/audit?actor={boss.id}").body.decode()
    assert "staff.role_changed" in by_user and "staff.created" not in by_user
    assert "admin@example.com" in by_user


def test_audit_filters_with_bad_values_get_a_400(admin: Browser) -> None:
    assert admin.get("/admin/audit?day=yesterday").status_code == 400
    assert admin.get("/admin/audit?entity=nohash").status_code == 400


def test_customers_are_created_edited_and_searched(admin: Browser) -> None:
    admin.get("/admin/customers")
    response = admin.post("/admin/customers", CUSTOMER)
    assert response.status_code == 303
    detail = admin.get(response.headers["Location"]).body.decode()
    assert "Customer created." in detail and 'value="billing@acme.example"' in detail
    [customer] = customers.page()[0]
    admin.post(f"/admin/customers/{customer.id}", {**CUSTOMER, "phone": "+421 2 5555 0199"})
    assert customers.get(customer.id).phone == "+421 2 5555 0199"
    [entry, _created] = audit.for_entity("customer", customer.id)
    assert entry.changes() == [("phone", "+421 2 5555 0101", "+421 2 5555 0199")]
    assert "Acme Facilities" in admin.get("/admin/customers?q=ACM").body.decode()
    assert "Acme Facilities" not in admin.get("/admin/customers?q=zz").body.decode()


def test_an_invalid_customer_names_the_field_and_stores_nothing(admin: Browser) -> None:
    admin.get("/admin/customers")
    response = admin.post("/admin/customers", {**CUSTOMER, "currency": "euro"})
    assert response.status_code == 400
    assert "currency must be a three-letter ISO code" in response.body.decode()
    assert customers.page()[0] == []


def test_an_unknown_customer_is_a_404_page(admin: Browser) -> None:
    response = admin.get("/admin/customers/does-not-exist")
    assert response.status_code == 404 and "no customer does-not-exist" in response.body.decode()


def test_the_outbox_shows_each_email_and_offers_the_eml(admin: Browser) -> None:
    admin.get("/admin/staff")
    admin.post("/admin/staff", {"name": "Olga", "email": "olga@example.com", "role": "service"})
    outbox = admin.get("/admin/outbox").body.decode()
    [message] = mail.recent()
    assert "olga@example.com" in outbox and f"/admin/outbox/{message.id}" in outbox
    assert "Choose your password here" in admin.get(f"/admin/outbox/{message.id}").body.decode()
    eml = admin.get(f"/admin/outbox/{message.id}/eml")
    assert eml.headers["Content-Type"] == "message/rfc822"
    assert "To: olga@example.com" in eml.body.decode()


def test_run_now_records_a_job_run_shown_on_the_jobs_page(admin: Browser) -> None:
    admin.get("/admin/jobs")
    response = admin.post("/admin/jobs/retry_failed_mail/run", {})
    assert response.status_code == 303
    [run] = job_runs.recent()
    assert run.result == "ok" and run.trigger == "manual:admin@example.com"
    page = admin.get(response.headers["Location"]).body.decode()
    assert "Job run finished." in page and "manual:admin@example.com" in page and "retried: 0" in page
    assert admin.post("/admin/jobs/no_such_job/run", {}).status_code == 404


def test_api_keys_are_shown_once_and_revocable(admin: Browser) -> None:
    admin.get("/admin/api-keys")
    response = admin.post(
        "/admin/api-keys",
        [("name", "accounting sync"), ("scopes", "customers:read"), ("scopes", "customers:write")],
    )
    assert response.status_code == 201
    token = re.search(r'<pre id="new-token">(crm_[^<]+)</pre>', response.body.decode()).group(1)
    listing = admin.get("/admin/api-keys").body.decode()
    assert "accounting sync" in listing and token not in listing
    key_id = token.split("_")[1]
    admin.post(f"/admin/api-keys/{key_id}/revoke", {})
    assert "revoked" in admin.get("/admin/api-keys").body.decode()
    no_scope = admin.post("/admin/api-keys", {"name": "nothing"})
    assert no_scope.status_code == 400 and "choose at least one scope" in no_scope.body.decode()
