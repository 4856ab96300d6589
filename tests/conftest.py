"""Engines for the whole run: DynamoDB Local (and localstripe) started by `make test`,
or started here when pytest runs on its own. Tables get a per-worker prefix and are
emptied between tests, so tests never see each other's data."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra" / "local"))

import stack as local_stack  # noqa: E402

SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(scope="session")
def engines() -> Iterator[dict[str, str]]:
    """Endpoints of the local engines; started here only if `make test` did not start them."""
    ddb = os.environ.get("CRM_TEST_DYNAMODB_ENDPOINT")
    stripe = os.environ.get("CRM_TEST_STRIPE_API_BASE")
    if ddb and stripe:
        yield {"dynamodb": ddb, "stripe": stripe}
        return
    logs = ROOT / ".local" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    own = local_stack.Stack()
    try:
        ddb = ddb or local_stack.start_dynamodb(
            own, local_stack.free_port(), None, logs / "dynamodb-test.log"
        )
        stripe = stripe or local_stack.start_localstripe(
            own, local_stack.free_port(), logs / "localstripe-test.log"
        )
        yield {"dynamodb": ddb, "stripe": stripe}
    finally:
        own.stop()


@pytest.fixture(scope="session")
def table_prefix(worker_id: str) -> str:
    return f"test-{worker_id}-"


@pytest.fixture(scope="session")
def _tables(engines: dict[str, str], table_prefix: str) -> Iterator[None]:
    from chalicelib.config import load_settings
    from chalicelib.store import registry

    settings = load_settings(_env(engines, table_prefix, ROOT / ".local" / "unused"))
    registry.delete_tables(settings)
    registry.create_tables(settings)
    yield
    registry.delete_tables(settings)


def _env(engines: dict[str, str], prefix: str, data_dir: Path) -> dict[str, str]:
    return {
        "CRM_STAGE": "local",
        "CRM_DYNAMODB_ENDPOINT": engines["dynamodb"],
        "CRM_TABLE_PREFIX": prefix,
        "CRM_SECRET_KEY": SECRET,
        "CRM_DATA_DIR": str(data_dir),
        "CRM_STRIPE_API_BASE": engines["stripe"],
        "CRM_BASE_URL": "http://testserver",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }


@pytest.fixture
def store(
    _tables: None, engines: dict[str, str], table_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Empty tables bound to DynamoDB Local, settings from a clean environment; yields the data dir."""
    from chalicelib import bootstrap
    from chalicelib.store import fields, registry

    for name, value in _env(engines, table_prefix, tmp_path / "data").items():
        monkeypatch.setenv(name, value)
    for name in ("CRM_MAIL_BACKEND", "CRM_BLOBS_BACKEND", "CRM_QUEUE_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    bootstrap.reset()
    bootstrap.settings()
    fields.forget()
    for model in registry.MODELS:
        _truncate(model)
    yield tmp_path / "data"
    bootstrap.reset()


@pytest.fixture
def shop(store: Path) -> Any:
    """The portal tests' catalogue: products, an EUR price list and the "Care monthly" template."""
    from tests.portal_world import catalogue

    return catalogue()


@pytest.fixture
def alpha(shop: Any) -> Any:
    """Customer A of the portal tests: a contract, an order, an open quote, an invoice and an item."""
    from tests.portal_world import portal_world

    return portal_world(shop, "Alpha Heating", "alpha@alpha.example", "SN-ALPHA-1")


def _truncate(model: type) -> None:
    keys = [a for a in (model._hash_keyname, model._range_keyname) if a]  # type: ignore[attr-defined]
    items = list(model.scan(attributes_to_get=keys))  # type: ignore[attr-defined]
    if items:
        with model.batch_write() as batch:  # type: ignore[attr-defined]
            for item in items:
                batch.delete(item)


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """pytest-xdist's worker name ("gw0"...), or "main" without xdist."""
    return str(getattr(request.config, "workerinput", {}).get("workerid", "main"))
