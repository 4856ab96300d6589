"""The contract screen and the contracts API: create, preview and confirm changes, history, locking."""

import json
import re
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.periods import Cadence, boundary
from chalicelib.services.api_keys import issue_key
from chalicelib.services.change_contract import KINDS
from chalicelib.services.manage_catalogue import create_price_list, create_product, set_price
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_items import register_item
from chalicelib.services.manage_templates import create_template
from chalicelib.store import contracts
from chalicelib.web.api.contracts import CHANGE
from tests.browser_client import Browser

NOW = datetime.now(UTC)
THIS_MONTH = date(NOW.year, NOW.month, 1)
NEXT_MONTH = boundary(THIS_MONTH, Cadence("month"), 1)


@pytest.fixture
def world(store):
    product = create_product({"code": "CARE", "name": "Boiler care"}, actor=SYSTEM, now=NOW)
    eur = create_price_list({"name": "Standard EUR", "currency": "EUR"}, actor=SYSTEM, now=NOW)
    set_price(product.id, eur.id, amount="30.00", actor=SYSTEM, now=NOW)
    customer = create_customer(
        {"name": "Acme", "country": "SK", "currency": "EUR", "email": "ops@acme.test", "timezone": "UTC"},
        actor=SYSTEM,
        now=NOW,
    )
    register_item(
        {"product_id": product.id, "owner_id": customer.id, "serial": "SN-77"}, actor=SYSTEM, now=NOW
    )
    template = create_template(
        {
            "name": "Care",
            "currency": "EUR",
            "period": "monthly",
            "term_periods": 12,
            "service_every_months": 3,
        },
        actor=SYSTEM,
        now=NOW,
    )
    return {"product": product, "eur": eur, "customer": customer, "template": template}


def _new_contract(admin: Browser, world, **extra) -> str:
    admin.get("/admin/contracts/new")
    form = {
        "customer_id": world["customer"].id,
        "template_id": world["template"].id,
        "price_list_id": world["eur"].id,
        "start_date": THIS_MONTH.isoformat(),
        "billed_until": NEXT_MONTH.isoformat(),
        "lines": "CARE | 2 | | | SN-77",
        "activate": "1",
        **extra,
    }
    response = admin.post("/admin/contracts", form)
    assert response.status_code == 303, response.body
    return response.headers["Location"].split("/")[-1].split("?")[0]


def test_a_contract_is_created_from_the_form_and_shown_with_its_lines(admin: Browser, world) -> None:
    contract_id = _new_contract(admin, world)
    page = admin.get(f"/admin/contracts/{contract_id}").body.decode()
    assert "Boiler care" in page and "SN-77" in page  # the line's item, by its serial number
    contract = contracts.get(contract_id)
    assert contract.status.value == "active" and contract.lines[0].unit_price_minor == 3000
    assert "€60.00" in page
    listing = admin.get("/admin/contracts").body.decode()
    assert contract.number in listing and "Acme" in listing
    visits = admin.get(f"/admin/contracts/{contract_id}?tab=visits").body.decode()
    assert f'<a href="/admin/items/{contract.lines[0].item_ids[0]}">SN-77</a>' in visits


def test_a_bad_line_is_refused_naming_it_and_nothing_is_created(admin: Browser, world) -> None:
    admin.get("/admin/contracts/new")
    for lines, message in [
        ("CARE | 2\nNOPE | 1", "lines line 2: no product with code"),
        ("CARE | -1", "line 1: a quantity must be more than 0"),
        ("CARE | 1 | | 150", "between 0% and 100%"),
        ("CARE | 1 | | | SN-404", "no item with the serial"),
    ]:
        response = admin.post(
            "/admin/contracts",
            {
                "customer_id": world["customer"].id,
                "template_id": world["template"].id,
                "price_list_id": world["eur"].id,
                "lines": lines,
            },
        )
        assert response.status_code == 400 and message in response.body.decode(), lines
    response = admin.post(
        "/admin/contracts",
        {
            "customer_id": world["customer"].id,
            "template_id": world["template"].id,
            "lines": "CARE | 1",
            "end_date": "2000-01-01",
        },
    )
    assert response.status_code == 400 and "end date must be after the start" in response.body.decode()
    assert contracts.recent() == []


def test_an_upgrade_is_previewed_with_its_proration_then_confirmed(admin: Browser, world) -> None:
    contract_id = _new_contract(admin, world)
    contract = contracts.get(contract_id)
    admin.get(f"/admin/contracts/{contract_id}?tab=change")
    form = {
        "kind": "quantity",
        "version": "1",
        "line_id": contract.lines[0].id,
        "quantity": "3",
        "when": "now",
    }
    preview = admin.post(f"/admin/contracts/{contract_id}/change", form)
    assert preview.status_code == 200
    html = preview.body.decode()
    assert "Check the change" in html and "Credit for unused time" in html and "Confirm change" in html
    assert contracts.get(contract_id).version == 1  # the preview saved nothing
    confirmed = admin.post(f"/admin/contracts/{contract_id}/change", {**form, "confirm": "1"})
    assert confirmed.status_code == 303
    after = contracts.get(contract_id)
    assert after.version == 2 and after.period_amount(NEXT_MONTH) == 9000
    history = admin.get(f"/admin/contracts/{contract_id}?tab=history").body.decode()
    assert "quantity 2 -&gt; 3" in history or "quantity 2 -> 3" in history


def test_a_change_made_on_an_old_version_is_a_conflict_and_saves_nothing(admin: Browser, world) -> None:
    contract_id = _new_contract(admin, world)
    line_id = contracts.get(contract_id).lines[0].id
    admin.get(f"/admin/contracts/{contract_id}?tab=change")
    first = {"kind": "quantity", "version": "1", "line_id": line_id, "quantity": "3", "confirm": "1"}
    assert admin.post(f"/admin/contracts/{contract_id}/change", first).status_code == 303
    admin.get(f"/admin/contracts/{contract_id}?tab=change")
    late = admin.post(f"/admin/contracts/{contract_id}/change", {**first, "quantity": "5"})
    assert late.status_code == 409 and "changed by someone else" in late.body.decode()
    assert contracts.get(contract_id).version == 2


def test_invalid_transitions_and_viewers_are_refused(admin: Browser, world, make_staff, app_client) -> None:
    contract_id = _new_contract(admin, world, activate="")
    admin.get(f"/admin/contracts/{contract_id}")
    response = admin.post(f"/admin/contracts/{contract_id}/status", {"action": "resume", "version": "1"})
    assert response.status_code == 409 and "a draft contract cannot resume" in response.body.decode()
    viewer = Browser(app_client)
    make_staff("viewer")
    viewer.sign_in("viewer@example.com")
    assert viewer.get(f"/admin/contracts/{contract_id}").status_code == 200
    assert viewer.get("/admin/contracts/new").status_code == 403


def test_contracts_over_the_api(app_client, world) -> None:
    _key, token = issue_key("crm", ["contracts:read", "contracts:write"], actor=SYSTEM, now=NOW)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body=None):
        response = app_client.http.request(
            method, path, headers=headers, body=json.dumps(body).encode() if body is not None else b""
        )
        return response.status_code, json.loads(response.body or b"{}")

    status, created = call(
        "POST",
        "/api/v1/contracts",
        {
            "customer_id": world["customer"].id,
            "template_id": world["template"].id,
            "price_list_id": world["eur"].id,
            "start_date": THIS_MONTH.isoformat(),
            "billed_until": NEXT_MONTH.isoformat(),
            "lines": [{"product_id": world["product"].id, "quantity": "1"}],
            "activate": True,
        },
    )
    assert status == 201 and created["period_amount_minor"] == 3000 and created["version"] == 1
    path = f"/api/v1/contracts/{created['id']}"
    line_id = created["lines"][0]["id"]
    status, preview = call(
        "POST",
        f"{path}/changes",
        {
            "kind": "price",
            "version": 1,
            "line_id": line_id,
            "unit_price_minor": 4000,
            "when": "period_end",
            "preview": True,
        },
    )
    assert status == 200 and preview["preview"] and preview["effective_date"] == NEXT_MONTH.isoformat()
    assert preview["adjustments"] == [] and call("GET", path)[1]["version"] == 1
    status, done = call(
        "POST",
        f"{path}/changes",
        {"kind": "price", "version": 1, "line_id": line_id, "unit_price_minor": 4000, "when": "period_end"},
    )
    assert status == 200 and done["contract"]["version"] == 2
    status, error = call(
        "POST", f"{path}/changes", {"kind": "quantity", "version": 1, "line_id": line_id, "quantity": "2"}
    )
    assert status == 409 and "changed by someone else" in json.dumps(error)
    status, error = call(
        "POST", f"{path}/changes", {"kind": "quantity", "version": 2, "line_id": line_id, "quantity": "-2"}
    )
    assert status == 400 and "quantity" in json.dumps(error)
    status, as_of = call("GET", f"{path}/as-of?date={THIS_MONTH.isoformat()}")
    assert status == 200 and as_of["period_amount_minor"] == 3000
    status, history = call("GET", f"{path}/versions")
    assert [v["version"] for v in history["items"]] == [2, 1]
    assert call("POST", f"{path}/suspend", {"version": 2})[1]["status"] == "suspended"
    status, error = call("POST", f"{path}/suspend", {"version": 3})
    assert status == 409 and "cannot suspend" in json.dumps(error)
    status, renewed = call("POST", f"{path}/renew", {"version": 3})
    assert status == 200 and renewed["renewed_from"] == created["id"]
    assert renewed["start_date"] == created["end_date"]
    assert call("GET", f"/api/v1/contracts?customer_id={world['customer'].id}")[0] == 200


def test_the_change_schema_names_every_kind() -> None:
    assert CHANGE["properties"]["kind"]["enum"] == list(KINDS)
    assert re.fullmatch(r"[a-z_]+", "".join(KINDS))


def test_bad_requests_on_the_contract_pages_are_4xx_naming_the_problem(
    admin: Browser, world, app_client
) -> None:
    contract_id = _new_contract(admin, world)
    assert admin.get("/admin/contracts/nope").status_code == 404
    bad_day = admin.get(f"/admin/contracts/{contract_id}?tab=history&as_of=2027-13-45")
    assert bad_day.status_code == 400 and "as_of must be a date" in bad_day.body.decode()
    assert admin.get("/admin/contracts?status=bogus").status_code == 400
    admin.get(f"/admin/contracts/{contract_id}?tab=change")
    no_version = admin.post(f"/admin/contracts/{contract_id}/change", {"kind": "bill_now"})
    assert no_version.status_code == 400 and "the form lost the contract" in no_version.body.decode()
    unknown = admin.post(f"/admin/contracts/{contract_id}/change", {"kind": "rename", "version": "1"})
    assert unknown.status_code == 400 and "kind must be one of" in unknown.body.decode()
    bad_price = admin.post(
        f"/admin/contracts/{contract_id}/change",
        {
            "kind": "price",
            "version": "1",
            "line_id": contracts.get(contract_id).lines[0].id,
            "unit_price": "12.345",
        },
    )
    assert bad_price.status_code == 400 and "too many decimals" in bad_price.body.decode()
    assert contracts.get(contract_id).version == 1

    _key, token = issue_key("crm", ["contracts:read", "contracts:write"], actor=SYSTEM, now=NOW)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for method, path, body, field in [
        (
            "POST",
            "/api/v1/contracts",
            {"customer_id": world["customer"].id, "template_id": world["template"].id, "lines": "CARE"},
            "lines",
        ),
        ("GET", f"/api/v1/contracts/{contract_id}/as-of", None, "date"),
        ("POST", f"/api/v1/contracts/{contract_id}/changes", {"kind": "bill_now"}, "version"),
        ("POST", f"/api/v1/contracts/{contract_id}/suspend", {"version": "1"}, "version"),
    ]:
        response = app_client.http.request(
            method, path, headers=headers, body=json.dumps(body).encode() if body is not None else b""
        )
        error = json.loads(response.body)["error"]
        assert (response.status_code, error["field"]) == (400, field), (path, error)
