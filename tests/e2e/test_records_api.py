"""Custom fields, categories, duplicates, merges and CSV exports over the JSON API."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_fields import define_category, define_field
from chalicelib.store import customers
from tests.activity_helpers import make_customer
from tests.e2e.test_api import assert_error, call

ACME = {"name": "Acme Facilities", "country": "SK", "currency": "EUR"}


def _key(*scopes: str) -> str:
    return issue_key("integration", list(scopes), actor=SYSTEM, now=datetime.now(UTC))[1]


def test_custom_fields_and_categories_are_listed(app_client, store) -> None:
    now = datetime.now(UTC)
    define_field("customer", "contract_no", "Contract no.", "text", "", True, actor=SYSTEM, now=now)
    define_field("person", "shoe_size", "Shoe size", "number", "", False, actor=SYSTEM, now=now)
    define_category("region", "west", "West", actor=SYSTEM, now=now)
    token = _key("customers:read")
    _, found = call(app_client, "GET", "/api/v1/custom-fields?entity=customer", token)
    assert found == {
        "items": [
            {
                "key": "contract_no",
                "label": "Contract no.",
                "type": "text",
                "choices": [],
                "required": True,
                "position": 0,
            }
        ]
    }
    _, payload = call(app_client, "GET", "/api/v1/custom-fields?entity=invoice", token)
    assert_error(payload, 400, "validation_error", "entity")
    _, tags = call(app_client, "GET", "/api/v1/categories", token)
    assert tags["items"] == [{"tag": "region:west", "kind": "region", "code": "west", "label": "West"}]
    _, payload = call(app_client, "GET", "/api/v1/categories", _key("exports:read"))
    assert_error(payload, 403, "forbidden")


def test_duplicates_are_found_and_merged(app_client, store) -> None:
    now = datetime.now(UTC)
    original = create_customer({**ACME, "email": "billing@acme.example"}, actor=SYSTEM, now=now)
    duplicate = create_customer(
        {**ACME, "name": "ACME Facilities s.r.o.", "phone": "+421 2 5555 0101"}, actor=SYSTEM, now=now
    )
    token = _key("records:merge")
    _, found = call(app_client, "GET", f"/api/v1/duplicates?ref=customer%23{original.id}", token)
    assert found["items"] == [
        {"ref": f"customer#{duplicate.id}", "label": found["items"][0]["label"], "reasons": ["name"]}
    ]
    body = {"entity": "customer", "original_id": original.id, "duplicate_id": duplicate.id}
    response, merged = call(app_client, "POST", "/api/v1/merges", token, body)
    assert response.status_code == 200 and merged == {**body, "references_moved": 0}
    assert customers.get(duplicate.id).merged_into == original.id
    assert customers.get(original.id).phone  # the original took the phone it lacked


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"original_id": "ORIGINAL", "duplicate_id": "DUPLICATE"}, 400, "entity"),
        ({"entity": "customer", "duplicate_id": "DUPLICATE"}, 400, "original_id"),
        ({"entity": "customer", "original_id": "ORIGINAL"}, 400, "duplicate_id"),
        ({"entity": "invoice", "original_id": "ORIGINAL", "duplicate_id": "DUPLICATE"}, 400, "entity"),
        ({"entity": "customer", "original_id": "ORIGINAL", "duplicate_id": "ORIGINAL"}, 400, "duplicate_id"),
        ({"entity": "customer", "original_id": "nobody", "duplicate_id": "DUPLICATE"}, 404, "id"),
    ],
)
def test_bad_merges_are_refused_and_change_nothing(app_client, store, body, status, field) -> None:
    original, duplicate = make_customer("Acme"), make_customer("Acme")
    ids = {"ORIGINAL": original.split("#")[1], "DUPLICATE": duplicate.split("#")[1]}
    body = {k: ids.get(v, v) for k, v in body.items()}
    _, payload = call(app_client, "POST", "/api/v1/merges", _key("records:merge"), body)
    assert_error(payload, status, "validation_error" if status == 400 else "not_found", field)
    assert customers.get(ids["DUPLICATE"]).merged_into is None


def test_merge_and_duplicate_lookups_need_their_scope_and_a_known_ref(app_client, store) -> None:
    original = make_customer("Acme")
    _, payload = call(
        app_client, "GET", f"/api/v1/duplicates?ref={original.replace('#', '%23')}", _key("customers:read")
    )
    assert_error(payload, 403, "forbidden")
    assert "records:merge" in payload["error"]["message"]
    token = _key("records:merge")
    _, payload = call(app_client, "GET", "/api/v1/duplicates?ref=invoice%23x", token)
    assert_error(payload, 400, "validation_error", "ref")
    _, payload = call(app_client, "GET", "/api/v1/duplicates?ref=customer%23nobody", token)
    assert_error(payload, 404, "not_found", "ref")


def test_exports_return_the_csv_with_sensitive_fields(app_client, store) -> None:
    create_customer({**ACME, "code": "C-1", "tax_id": "SK2020123456"}, actor=SYSTEM, now=datetime.now(UTC))
    token = _key("exports:read")
    response, export = call(app_client, "GET", "/api/v1/exports/customers", token)
    assert response.status_code == 200 and export["content_type"] == "text/csv"
    assert export["filename"].startswith("customers-") and export["filename"].endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(export["content"])))
    assert [(r["name"], r["code"], r["tax_id"]) for r in rows] == [("Acme Facilities", "C-1", "SK2020123456")]
    _, payload = call(app_client, "GET", "/api/v1/exports/invoices", token)
    assert_error(payload, 404, "not_found", "entity")
    _, payload = call(app_client, "GET", "/api/v1/exports/customers", _key("customers:read"))
    assert_error(payload, 403, "forbidden")


def test_the_api_modules_load_their_services_only_when_a_route_runs() -> None:
    import subprocess
    import sys

    from chalicelib.services import merge_records
    from chalicelib.web.api import settings

    assert settings.ENTITIES == merge_records.ENTITIES  # the schema's copy of the list
    lazy = [
        "chalicelib.services.merge_records",
        "chalicelib.services.find_duplicates",
        "chalicelib.services.export_csv",
        "chalicelib.services.manage_documents",
        "chalicelib.services.log_interaction",
        "chalicelib.services.manage_relationships",
    ]
    script = f"import sys, app; print([m for m in {lazy!r} if m in sys.modules])"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.strip() == "[]"
