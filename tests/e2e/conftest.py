"""An in-process HTTP client for the app, and signed-in staff sessions of each role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """Keeps cookies like a browser and fills in the page's CSRF token on form posts."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.cookies: dict[str, str] = {}
        self.last_html = ""

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _keep_cookies(self, response: Any) -> None:
        values = response.headers.get("Set-Cookie") or response.headers.get("set-cookie")
        if not values:
            return
        for value in values if isinstance(values, list) else [values]:
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, headers: dict[str, str] | None = None) -> Any:
        response = self.client.http.get(path, headers=self._headers(headers))
        self._keep_cookies(response)
        if "text/html" in response.headers.get("Content-Type", ""):
            self.last_html = response.body.decode()
        return response

    def csrf(self) -> str:
        match = CSRF_FIELD.search(self.last_html)
        assert match, "the last page had no CSRF token"
        return match.group(1)

    def post(
        self,
        path: str,
        data: dict[str, str] | list[tuple[str, str]],
        *,
        csrf: str | None = "page",
        headers: dict[str, str] | None = None,
    ) -> Any:
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        if csrf == "page":
            pairs.append(("csrf_token", self.csrf()))
        elif csrf is not None:
            pairs.append(("csrf_token", csrf))
        response = self.client.http.post(
            path,
            body=urlencode(pairs).encode(),
            headers=self._headers({"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}),
        )
        self._keep_cookies(response)
        if "text/html" in response.headers.get("Content-Type", ""):
            self.last_html = response.body.decode()
        return response

    def sign_in(self, email: str, password: str = PASSWORD) -> Any:
        self.get("/admin/login")
        return self.post("/admin/login", {"email": email, "password": password, "next": "/admin"})


@pytest.fixture
def app_client(store: Path) -> Iterator[Client]:
    import app

    with Client(app.app, stage_name="local", project_dir=str(ROOT)) as client:
        yield client


@pytest.fixture
def make_staff(store: Path) -> Callable[..., Any]:
    from chalicelib.domain.audit import SYSTEM
    from chalicelib.services.manage_staff import create_staff

    def make(role: str = "admin", email: str | None = None, password: str | None = PASSWORD) -> Any:
        return create_staff(
            email=email or f"{role}@example.com",
            name=f"{role.title()} User",
            role=role,
            password=password,
            actor=SYSTEM,
            now=datetime.now(UTC),
        )

    return make


@pytest.fixture
def browser(app_client: Client) -> Browser:
    return Browser(app_client)


@pytest.fixture
def admin(browser: Browser, make_staff: Callable[..., Any]) -> Browser:
    make_staff("admin")
    response = browser.sign_in("admin@example.com")
    assert response.status_code == 303, response.body
    return browser
