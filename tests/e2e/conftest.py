"""An in-process HTTP client for the app, and signed-in staff sessions of each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from tests.browser_client import PASSWORD, Browser
from tests.e2e.browser_support import chromium, page, playwright, server  # noqa: F401  (browser fixtures)

ROOT = Path(__file__).resolve().parents[2]


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
