"""Shared by the browser tests: the app served by `serve.py` (as `make run` does) on a free port with its
own table prefix in the test run's DynamoDB Local, and Playwright driving Debian's chromium."""

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
from playwright.sync_api import Browser, Locator, Page, Playwright, sync_playwright

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


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([sys.executable, "-m", "chalicelib.cli", *args], cwd=ROOT, env=env, input=stdin,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"cli {args}: {result.stdout}\n{result.stderr}"
    return result.stdout


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
    env: dict[str, str]  # the served app's settings: `cli` runs commands against its tables

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """`python -m chalicelib.cli ...` on the served app's tables (seed-demo, run-job); its stdout."""
        return _cli(self.env, *args, stdin=stdin)


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
        yield Server(base_url, env)
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
    """A link of the header navigation; opens the "More" menu when the link lives there."""
    link = page.locator("header nav a", has_text=label)
    more = page.locator("header nav details.more")
    if link.count() and not link.first.is_visible() and more.count():
        more.locator("summary").click()
    return link
