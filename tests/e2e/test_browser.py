"""The admin pages in a real browser: Playwright driving Debian's chromium against `serve.py`.

The server is the same `chalice local` wrapper that `make run` uses, on a free port, with
its own table prefix in the test run's DynamoDB Local. Screenshots go to test-results/.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
SECRET = "browser-test-secret-0123456789abcdefghij"  # 40 characters
ADMIN_EMAIL = "admin@browser.test"
ADMIN_NAME = "Browser Admin"
ADMIN_PASSWORD = "browser admin password 1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PAGE_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    result = subprocess.run([sys.executable, "-m", "chalicelib.cli", *args], cwd=ROOT, env=env, input=stdin,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"cli {args}: {result.stdout}\n{result.stderr}"


def _delete_tables(env: dict[str, str]) -> None:
    # In a subprocess: binding the models to this prefix here would rebind them for the other tests.
    code = "from chalicelib.config import load_settings\nfrom chalicelib.store import registry\n" \
           "registry.delete_tables(load_settings())"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)


def _wait_for_http(url: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"serve.py exited with {server.returncode}:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"serve.py did not answer at {url} within {timeout:.0f} s:\n{log.read_text()}")


@dataclass
class Server:
    base_url: str


@pytest.fixture(scope="module")
def server(engines: dict[str, str], worker_id: str,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.update({
        "PYTHONPATH": str(ROOT),
        "CRM_STAGE": "local",
        "CRM_DYNAMODB_ENDPOINT": engines["dynamodb"],
        "CRM_STRIPE_API_BASE": engines["stripe"],
        "CRM_TABLE_PREFIX": f"browser-{worker_id}-",
        "CRM_SECRET_KEY": SECRET,
        "CRM_DATA_DIR": str(folder / "data"),
        "CRM_BASE_URL": base_url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "eu-central-1",
    })
    _delete_tables(env)  # leftovers of an interrupted run against the same engine
    _cli(env, "create-tables")
    _cli(env, "create-admin", "--email", ADMIN_EMAIL, "--name", ADMIN_NAME, "--password-stdin",
         stdin=ADMIN_PASSWORD + "\n")
    log = folder / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "infra/local/serve.py"), "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_for_http(base_url + "/admin/login", process, log)
        yield Server(base_url)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        _delete_tables(env)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser profile (no cookies) at desktop size."""
    context = chromium.new_context(viewport=DESKTOP, base_url=server.base_url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/admin/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()


def nav_link(page: Page, label: str) -> Locator:
    return page.locator("header nav a", has_text=label)


def test_sign_in_lands_on_the_admin_home(page: Page, chromium: Browser, server: Server) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    expect(page.locator("h1")).to_have_text(f"Good to see you, {ADMIN_NAME}")
    expect(page.locator("header .who")).to_contain_text(f"{ADMIN_NAME} · admin")
    expect(page).to_have_title("Home · Service CRM")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "admin-home.png", full_page=True)

    # The same session on a phone-sized screen.
    phone = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                 storage_state=page.context.storage_state(), base_url=server.base_url)
    try:
        small = phone.new_page()
        small.goto(page.url)
        expect(small.locator("h1")).to_contain_text("Good to see you")
        small.screenshot(path=RESULTS / "admin-home-phone.png", full_page=True)
        # Nothing may stick out sideways on a phone: wide tables scroll inside themselves, not the page.
        for path in ("/admin", "/admin/customers", "/admin/staff", "/admin/audit", "/admin/jobs"):
            small.goto(path)
            overflow = small.evaluate(PAGE_OVERFLOW)
            assert overflow <= 0, f"{path} is {overflow} px wider than a {PHONE['width']} px phone screen"
    finally:
        phone.close()


def test_a_wrong_password_shows_the_error_and_stays_on_the_sign_in_page(page: Page) -> None:
    sign_in(page, ADMIN_EMAIL, "not the password at all")
    expect(page.get_by_role("alert")).to_have_text("wrong email or password")
    assert page.url.endswith("/admin/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("#email")).to_have_value(ADMIN_EMAIL)  # kept, so only the password is retyped
    assert not [c for c in page.context.cookies() if c["name"] == "crm_session"]


def test_signing_out_returns_to_the_sign_in_page_and_ends_the_session(page: Page) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/admin/login?signed_out=1")
    expect(page.locator(".notice")).to_have_text("You have signed out.")

    page.goto("/admin")
    page.wait_for_url("**/admin/login?next=/admin")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("header")).to_have_count(0)  # no signed-in chrome


def test_a_viewer_created_on_the_staff_page_has_no_staff_access(page: Page) -> None:
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")
    nav_link(page, "Staff").click()
    page.wait_for_url("**/admin/staff")
    page.fill("#name", "Vera Viewer")
    page.fill("#email", "vera@browser.test")
    page.select_option("#role", "viewer")
    page.fill("#password", "viewer password 123")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url("**/admin/staff?notice=created")
    expect(page.locator(".notice")).to_have_text("Account created.")
    row = page.locator("tr", has_text="vera@browser.test")
    expect(row.locator("select[name=role]")).to_have_value("viewer")
    expect(row.locator(".tag")).to_have_text("active")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/admin/login?signed_out=1")
    sign_in(page, "vera@browser.test", "viewer password 123")
    page.wait_for_url("**/admin")
    expect(page.locator("header .who")).to_contain_text("Vera Viewer · viewer")
    expect(nav_link(page, "Customers")).to_have_count(1)
    expect(nav_link(page, "Staff")).to_have_count(0)

    response = page.goto("/admin/staff")
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("does not allow")
    expect(page.locator("h1")).to_have_text("Not allowed")
