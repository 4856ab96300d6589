"""Signing in and out, sessions, CSRF and throttling, as a browser sees them."""

from datetime import UTC, datetime, timedelta

from chalicelib.store.models import SessionModel
from tests.browser_client import Browser


def test_signing_in_sets_a_signed_http_only_session_cookie(browser: Browser, make_staff) -> None:
    make_staff("admin")
    response = browser.sign_in("admin@example.com")
    assert response.status_code == 303 and response.headers["Location"] == "/admin"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("crm_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = browser.get("/admin")
    assert home.status_code == 200 and "Admin User · admin" in home.body.decode()


def test_pages_need_a_session_and_come_back_after_sign_in(browser: Browser, make_staff) -> None:
    make_staff("admin")
    response = browser.get("/admin/customers")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/login?next=/admin/customers"
    browser.get(response.headers["Location"])
    response = browser.post(
        "/admin/login",
        {
            "email": "admin@example.com",
            "password": "correct horse battery staple",
            "next": "/admin/customers",
        },
    )
    assert response.headers["Location"] == "/admin/customers"


def test_next_cannot_send_the_user_to_another_site(browser: Browser, make_staff) -> None:
    make_staff("admin")
    browser.get("/admin/login?next=https://evil.example/")
    assert 'value="/admin"' in browser.last_html
    response = browser.post(
        "/admin/login",
        {"email": "admin@example.com", "password": "correct horse battery staple", "next": "//evil.example"},
    )
    assert response.headers["Location"] == "/admin"


def test_wrong_password_shows_the_form_again_with_a_clear_message(browser: Browser, make_staff) -> None:
    make_staff("admin")
    response = browser.sign_in("admin@example.com", "not the password")
    assert response.status_code == 401
    page = response.body.decode()
    assert "wrong email or password" in page and 'value="admin@example.com"' in page
    assert "crm_session" not in browser.cookies


def test_repeated_failures_are_throttled_with_retry_after(browser: Browser, make_staff) -> None:
    make_staff("admin")
    for _ in range(5):
        assert browser.sign_in("admin@example.com", "not the password").status_code == 401
    response = browser.sign_in("admin@example.com")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "too many failed sign-ins" in response.body.decode()


def test_missing_or_forged_csrf_token_is_refused(browser: Browser, make_staff) -> None:
    make_staff("admin")
    browser.get("/admin/login")
    for token in (None, "forged-token"):
        response = browser.post(
            "/admin/login",
            {"email": "admin@example.com", "password": "correct horse battery staple"},
            csrf=token,
        )
        assert response.status_code == 403 and "did not come from this site" in response.body.decode()
    browser.sign_in("admin@example.com")
    browser.get("/admin/customers")
    response = browser.post(
        "/admin/customers", {"name": "Evil Corp", "country": "SK", "currency": "EUR"}, csrf="0" * 64
    )
    assert response.status_code == 403
    assert "Evil Corp" not in browser.get("/admin/customers").body.decode()


def test_a_token_from_another_session_does_not_work(browser: Browser, app_client, make_staff) -> None:
    make_staff("admin")
    browser.sign_in("admin@example.com")
    browser.get("/admin/customers")
    stolen = browser.csrf()
    other = Browser(app_client)
    make_staff("sales")
    other.sign_in("sales@example.com")
    response = other.post("/admin/customers", {"name": "X", "country": "SK", "currency": "EUR"}, csrf=stolen)
    assert response.status_code == 403


def test_an_expired_session_goes_back_to_sign_in_with_a_message(admin: Browser) -> None:
    for item in SessionModel.scan():
        item.update(actions=[SessionModel.expires_at.set(datetime.now(UTC) - timedelta(seconds=1))])
    response = admin.get("/admin/customers")
    assert response.status_code == 303 and "expired=1" in response.headers["Location"]
    assert "crm_session" not in admin.cookies
    assert "Your session has expired" in admin.get(response.headers["Location"]).body.decode()


def test_a_tampered_session_cookie_is_treated_as_signed_out(admin: Browser) -> None:
    admin.cookies["crm_session"] = admin.cookies["crm_session"][:-3] + "abc"
    assert admin.get("/admin").status_code == 303


def test_sign_out_ends_the_session_on_the_server(admin: Browser) -> None:
    old_cookie = admin.cookies["crm_session"]
    admin.get("/admin")
    response = admin.post("/admin/logout", {})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/login?signed_out=1"
    admin.cookies["crm_session"] = old_cookie  # replaying the old cookie does not get back in
    assert admin.get("/admin").status_code == 303


def test_forms_must_be_url_encoded(admin: Browser) -> None:
    admin.get("/admin/customers")
    response = admin.client.http.post(
        "/admin/customers",
        body=b'{"name": "x"}',
        headers={"Content-Type": "application/json", "Cookie": f"crm_session={admin.cookies['crm_session']}"},
    )
    assert response.status_code == 415 and "application/x-www-form-urlencoded" in response.body.decode()


def test_every_page_is_sent_with_protective_headers(admin: Browser) -> None:
    response = admin.get("/admin")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
