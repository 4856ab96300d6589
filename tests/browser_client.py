"""A test client that behaves like a browser: keeps cookies, sends the page's CSRF token.

Used by the e2e tests and by bench/ (which measures pages the way a signed-in user loads them).
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from chalice.test import Client

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
