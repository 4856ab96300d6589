"""Bulk work on contracts (S3) through the admin page and the API: preview, apply, undo, reorganise."""

import json
import re
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.services.change_contract import change_contract
from chalicelib.services.manage_catalogue import create_price_list, create_product, set_price
from chalicelib.services.manage_contracts import create_contract
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_templates import create_template
from chalicelib.store import bulk_operations, contracts
from tests.browser_client import Browser

PREVIEW = {"vendor": "Vaillant", "change_kind": "percent", "change_value": "+5", "when": "now"}
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def world(store):
    now = datetime.now(UTC)
    care = create_product(
        {"code": "CARE", "name": "Boiler care", "vendor": "Vaillant"}, actor=SYSTEM, now=now
    )
    eur = create_price_list({"name": "Standard EUR", "currency": "EUR"}, actor=SYSTEM, now=now)
    set_price(care.id, eur.id, amount="31.00", actor=SYSTEM, now=now)
    customer = create_customer(
        {"name": "Acme", "country": "SK", "currency": "EUR", "timezone": "Europe/Bratislava"},
        actor=SYSTEM,
        now=now,
    )
    template = create_template(
        {"name": "Care", "currency": "EUR", "period": "monthly", "term_periods": 12}, actor=SYSTEM, now=now
    )
    made = [
        create_contract(
            {
                "customer_id": customer.id,
                "template_id": template.id,
                "price_list_id": eur.id,
                "lines": [{"product_id": care.id, "quantity": str(quantity)}],
                "activate": True,
            },
            actor=SYSTEM,
            now=now,
        )
        for quantity in (1, 2)
    ]
    return {"care": care, "customer": customer, "contracts": made}


def _apply_form(page: str) -> list[tuple[str, str]]:
    form = page[page.index('action="/admin/contracts/bulk/price-update/apply"') :]
    form = form[: form.index("</form>")]
    return [
        (name, value.replace("&#43;", "+")) for name, value in HIDDEN.findall(form) if name != "csrf_token"
    ]


def test_preview_apply_and_undo_on_the_page(admin: Browser, world) -> None:
    assert "Mass price update" in admin.get("/admin/contracts/bulk").body.decode()
    previewed = admin.post("/admin/contracts/bulk/price-update/preview", PREVIEW)
    page = previewed.body.decode()
    assert previewed.status_code == 200, page
    first, second = world["contracts"]
    assert first.number in page and second.number in page
    assert page.count("€31.00") >= 2 and "€32.55" in page  # old and new unit prices
    assert "+€4.65" in page  # 1 x 1.55 + 2 x 1.55 more per period, the EUR total

    applied = admin.post("/admin/contracts/bulk/price-update/apply", _apply_form(page))
    assert applied.status_code == 303, applied.body
    location = applied.headers["Location"]
    result = admin.get(location).body.decode()
    assert "Price update applied." in result and "Undo this price update" in result
    day = datetime.now(UTC).date()
    assert [line.unit_price_minor for line in contracts.get(first.id).lines_on(day)] == [3255]

    operation_id = location.split("/")[-1].split("?")[0]
    undone = admin.post(f"/admin/contracts/bulk/operations/{operation_id}/undo", {})
    assert undone.status_code == 303
    result = admin.get(undone.headers["Location"]).body.decode()
    assert "Put back 2 line(s) on 2 contract(s)." in result and "Undo this price update" not in result
    assert [line.unit_price_minor for line in contracts.get(first.id).lines_on(day)] == [3100]
    assert "undone" in admin.get("/admin/contracts/bulk").body.decode()
    assert admin.post(f"/admin/contracts/bulk/operations/{operation_id}/undo", {}).status_code == 409


def test_apply_is_refused_when_a_contract_changed_since_the_preview(admin: Browser, world) -> None:
    admin.get("/admin/contracts/bulk")
    page = admin.post("/admin/contracts/bulk/price-update/preview", PREVIEW).body.decode()
    first = world["contracts"][0]
    change_contract(
        first.id,
        "quantity",
        {"line_id": first.lines[0].id, "quantity": "3"},
        version=1,
        actor=SYSTEM,
        now=datetime.now(UTC),
    )
    refused = admin.post("/admin/contracts/bulk/price-update/apply", _apply_form(page))
    body = refused.body.decode()
    assert refused.status_code == 409 and first.number in body and "preview again" in body
    assert "Price update preview" in body  # what holds now, ready to apply again
    assert bulk_operations.recent() == []


def test_bad_input_comes_back_with_the_field_named(admin: Browser, world) -> None:
    admin.get("/admin/contracts/bulk")
    for change, message in [
        ({"change_value": "-101"}, "more than 100%"),
        ({"vendor": "Nobody"}, "no running contract line matches"),
        ({"vendor": "", "product_code": "NOPE"}, "no product with the code NOPE"),
        ({"when": "date", "effective_date": ""}, "give the date"),
    ]:
        response = admin.post("/admin/contracts/bulk/price-update/preview", {**PREVIEW, **change})
        assert response.status_code == 400 and message in response.body.decode(), change


def test_lines_move_after_a_confirmation_on_the_page(admin: Browser, world) -> None:
    first, second = world["contracts"]
    page = admin.get(f"/admin/contracts/bulk?customer_id={world['customer'].id}").body.decode()
    assert "Move ticked lines to target" in page
    versions = dict(HIDDEN.findall(page))["versions"]
    form = {
        "customer_id": world["customer"].id,
        "versions": versions,
        "line": f"{first.id}:{first.lines[0].id}",
        "target_contract_id": second.id,
        "when": "period_end",
    }
    planned = admin.post("/admin/contracts/bulk/move", form)
    assert planned.status_code == 200 and "Confirm" in planned.body.decode()
    assert contracts.get(first.id) == first  # nothing saved yet
    done = admin.post("/admin/contracts/bulk/move", {**form, "confirm": "1"})
    assert done.status_code == 303, done.body
    assert len(contracts.get(second.id).lines) == 2 and contracts.get(first.id).version == 2
    # Lines of another customer's or a missing contract are refused with the reason.
    refused = admin.post(
        "/admin/contracts/bulk/move", {**form, "target_contract_id": first.id, "confirm": "1"}
    )
    assert refused.status_code == 400 and "cannot move to the contract it is on" in refused.body.decode()


def test_a_viewer_may_not_do_bulk_work(browser: Browser, make_staff, world) -> None:
    make_staff("viewer")
    browser.sign_in("viewer@example.com")
    assert browser.get("/admin/contracts/bulk").status_code == 403
    assert "Bulk work" not in browser.get("/admin").body.decode()
    response = browser.post("/admin/contracts/bulk/price-update/preview", PREVIEW, csrf=browser.csrf())
    assert response.status_code == 403


def test_price_update_over_the_api_preview_apply_undo(app_client, world) -> None:
    _key, token = issue_key("crm", ["contracts:read", "contracts:write"], actor=SYSTEM, now=datetime.now(UTC))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(path: str, body=None, method: str = "POST"):
        response = app_client.http.request(
            method, path, headers=headers, body=json.dumps(body).encode() if body is not None else b""
        )
        return response.status_code, json.loads(response.body)

    body = {"product_id": world["care"].id, "amount_minor": -100, "when": "period_end"}
    status, preview = call("/api/v1/contracts/bulk/price-update/preview", body)
    assert status == 200, preview
    assert [(x["old_unit_price_minor"], x["new_unit_price_minor"]) for x in preview["lines"]] == [
        (3100, 3000)
    ] * 2
    assert preview["totals"]["EUR"]["difference_minor"] == -300
    status, error = call("/api/v1/contracts/bulk/price-update/apply", body)
    assert status == 400 and error["error"]["field"] == "fingerprint"
    status, applied = call(
        "/api/v1/contracts/bulk/price-update/apply",
        {**body, "fingerprint": preview["fingerprint"], "previewed_at": preview["previewed_at"]},
    )
    assert status == 200 and (applied["contracts"], applied["lines"], applied["conflicts"]) == (2, 2, [])
    first = contracts.get(world["contracts"][0].id)
    assert first.lines[-1].unit_price_minor == 3000 and first.lines[-1].start > date.today()
    status, undone = call(f"/api/v1/bulk-operations/{applied['operation_id']}/undo", {})
    assert status == 200 and (undone["status"], undone["lines"], undone["skipped"]) == ("undone", 2, [])
    status, listed = call("/api/v1/bulk-operations", method="GET")
    assert [op["status"] for op in listed["items"]] == ["undone"]
    status, error = call("/api/v1/contracts/bulk/price-update/preview", {**body, "amount_minor": 1.5})
    assert status == 400 and error["error"]["field"] == "amount_minor"
    status, _ = call("/api/v1/bulk-operations/nope/undo", {})
    assert status == 404


def test_restructuring_over_the_api(app_client, world) -> None:
    _key, token = issue_key("crm", ["contracts:write"], actor=SYSTEM, now=datetime.now(UTC))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(path: str, body):
        response = app_client.http.post(path, headers=headers, body=json.dumps(body).encode())
        return response.status_code, json.loads(response.body)

    first, second = world["contracts"]
    merge = {"target_contract_id": first.id, "contract_ids": [second.id], "when": "now"}
    status, planned = call("/api/v1/contracts/bulk/merge", {**merge, "preview": True})
    assert status == 200 and planned["preview"] is True and len(planned["contracts"]) == 2
    assert contracts.get(second.id) == second
    status, stale = call("/api/v1/contracts/bulk/merge", {**merge, "versions": {second.id: 7}})
    assert status == 409
    status, merged = call("/api/v1/contracts/bulk/merge", merge)
    assert status == 200 and [c["version"] for c in merged["saved"]] == [2, 2]
    assert contracts.get(second.id).status.value == "cancelled"
    status, error = call("/api/v1/contracts/bulk/coterminate", {"contract_ids": "all"})
    assert status == 400 and error["error"]["field"] == "contract_ids"
