"""The catalogue and installed items over the JSON API: scopes, exact money, errors naming the field."""

from datetime import UTC, datetime

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.services.manage_customers import create_customer
from chalicelib.store import items, products
from tests.e2e.test_api import assert_error, call

PRODUCT = {"code": "HP-200", "name": "Heat pump 200", "unit": "pc", "stocked": True}


@pytest.fixture
def token(store) -> str:
    scopes = ["catalogue:read", "catalogue:write", "items:read", "items:write"]
    return issue_key("integration", scopes, actor=SYSTEM, now=datetime.now(UTC))[1]


@pytest.fixture
def reader(store) -> str:
    return issue_key("reader", ["catalogue:read", "items:read"], actor=SYSTEM, now=datetime.now(UTC))[1]


def _customer(name: str = "Acme"):
    return create_customer(
        {"name": name, "country": "SK", "currency": "EUR"}, actor=SYSTEM, now=datetime.now(UTC)
    )


def test_products_price_lists_and_prices(app_client, token) -> None:
    response, product = call(app_client, "POST", "/api/v1/products", token, PRODUCT)
    assert response.status_code == 201 and product["stocked"] is True and product["kind"] == "product"
    _, retail = call(app_client, "POST", "/api/v1/price-lists", token, {"name": "Retail", "currency": "EUR"})
    _, yen = call(app_client, "POST", "/api/v1/price-lists", token, {"name": "Japan", "currency": "JPY"})
    path = f"/api/v1/products/{product['id']}/prices"
    response, price = call(app_client, "PUT", f"{path}/{retail['id']}", token, {"amount": "1 234,50"})
    assert response.status_code == 200 and price == {
        "price_list_id": retail["id"],
        "currency": "EUR",
        "amount": "1234.50",
        "amount_minor": 123450,
    }
    _, price = call(app_client, "PUT", f"{path}/{yen['id']}", token, {"amount_minor": 1500})
    assert price["amount"] == "1500"
    _, fetched = call(app_client, "GET", f"/api/v1/products/{product['id']}", token)
    assert {p["amount_minor"] for p in fetched["prices"]} == {123450, 1500}
    _, page = call(app_client, "GET", "/api/v1/products?q=heat", token)
    assert [p["code"] for p in page["items"]] == ["HP-200"] and page["next"] is None
    _, lists = call(app_client, "GET", "/api/v1/price-lists", token)
    assert [p["name"] for p in lists["items"]] == ["Japan", "Retail"]
    response, patched = call(
        app_client,
        "PATCH",
        f"/api/v1/products/{product['id']}",
        token,
        {"vendor": "Vaillant", "active": False},
    )
    assert response.status_code == 200 and patched["vendor"] == "Vaillant" and patched["active"] is False


@pytest.mark.parametrize(
    ("body", "status", "code", "field", "words"),
    [
        ({"name": "No code"}, 400, "validation_error", "code", "code is required"),
        ({**PRODUCT, "unit": "box"}, 400, "validation_error", "unit", "unit must be one of"),
        ({**PRODUCT, "stocked": "yes"}, 400, "validation_error", "stocked", "true or false"),
        ({**PRODUCT, "code": 7}, 400, "validation_error", "code", "must be a string"),
    ],
)
def test_bad_products_are_refused_naming_the_field(
    app_client, token, body, status, code, field, words
) -> None:
    response, payload = call(app_client, "POST", "/api/v1/products", token, body)
    assert response.status_code == status
    assert_error(payload, status, code, field)
    assert words in payload["error"]["message"]
    assert products.page()[0] == []


def test_a_duplicate_code_is_a_409_naming_the_code(app_client, token) -> None:
    call(app_client, "POST", "/api/v1/products", token, PRODUCT)
    response, payload = call(app_client, "POST", "/api/v1/products", token, {**PRODUCT, "code": "hp.200"})
    assert response.status_code == 409
    assert_error(payload, 409, "conflict")
    assert "hp.200" in payload["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "12.345"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount_minor": 1.5}, "amount_minor"),
        ({}, "amount"),
    ],
)
def test_bad_prices_are_400s_naming_the_field(app_client, token, body, field) -> None:
    _, product = call(app_client, "POST", "/api/v1/products", token, PRODUCT)
    _, retail = call(app_client, "POST", "/api/v1/price-lists", token, {"name": "Retail", "currency": "EUR"})
    response, payload = call(
        app_client, "PUT", f"/api/v1/products/{product['id']}/prices/{retail['id']}", token, body
    )
    assert response.status_code == 400
    assert_error(payload, 400, "validation_error", field)


def test_unknown_products_and_price_lists_are_404s(app_client, token) -> None:
    response, payload = call(app_client, "GET", "/api/v1/products/nope", token)
    assert response.status_code == 404
    assert_error(payload, 404, "not_found", "product_id")
    response, _ = call(app_client, "PUT", "/api/v1/products/nope/prices/none", token, {"amount": "1"})
    assert response.status_code == 404
    response, _ = call(app_client, "PATCH", "/api/v1/products/nope", token, {"name": "x"})
    assert response.status_code == 404


def test_items_register_search_and_transfer(app_client, token) -> None:
    acme, beta = _customer(), _customer("Beta")
    _, product = call(app_client, "POST", "/api/v1/products", token, PRODUCT)
    body = {"product_code": "HP-200", "owner_id": acme.id, "serial": "SN-1", "install_date": "2026-01-15"}
    response, item = call(app_client, "POST", "/api/v1/items", token, body)
    assert (
        response.status_code == 201
        and item["product_id"] == product["id"]
        and item["install_address_id"] is None
    )
    _, found = call(app_client, "GET", "/api/v1/items?serial=sn1", token)
    assert [i["id"] for i in found["items"]] == [item["id"]]
    _, owned = call(app_client, "GET", f"/api/v1/items?owner_id={acme.id}", token)
    assert [i["id"] for i in owned["items"]] == [item["id"]]
    response, moved = call(app_client, "PATCH", f"/api/v1/items/{item['id']}", token, {"owner_id": beta.id})
    assert response.status_code == 200 and moved["owner_id"] == beta.id
    assert [i.id for i in items.of_owner(beta.id)] == [item["id"]]
    _, fetched = call(app_client, "GET", f"/api/v1/items/{item['id']}", token)
    assert fetched == moved


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"owner_id": "nobody"}, 400, "owner_id"),
        ({"product_id": "nope", "product_code": None}, 400, "product_id"),
        ({"install_address_id": "nowhere"}, 400, "install_address_id"),
        ({"install_date": "2999-01-01"}, 400, "install_date"),
        ({"serial": ""}, 400, "serial"),
        ({"serial": 12}, 400, "serial"),
    ],
)
def test_bad_items_are_400s_naming_the_field(app_client, token, change, status, field) -> None:
    acme = _customer()
    call(app_client, "POST", "/api/v1/products", token, PRODUCT)
    body = {"product_code": "HP-200", "owner_id": acme.id, "serial": "SN-1", **change}
    response, payload = call(
        app_client, "POST", "/api/v1/items", token, {k: v for k, v in body.items() if v is not None}
    )
    assert response.status_code == status
    assert_error(payload, status, "validation_error", field)
    assert items.of_owner(acme.id) == []


def test_a_serial_twice_on_one_product_is_a_409_and_the_listing_needs_a_filter(app_client, token) -> None:
    acme = _customer()
    call(app_client, "POST", "/api/v1/products", token, PRODUCT)
    body = {"product_code": "HP-200", "owner_id": acme.id, "serial": "SN-1"}
    assert call(app_client, "POST", "/api/v1/items", token, body)[0].status_code == 201
    response, payload = call(app_client, "POST", "/api/v1/items", token, {**body, "serial": "sn 1"})
    assert response.status_code == 409 and "sn 1" in payload["error"]["message"]
    response, payload = call(app_client, "GET", "/api/v1/items", token)
    assert_error(payload, 400, "validation_error", "owner_id")
    response, _ = call(app_client, "GET", "/api/v1/items/nope", token)
    assert response.status_code == 404


def test_a_read_only_key_cannot_write(app_client, reader) -> None:
    response, payload = call(app_client, "POST", "/api/v1/products", reader, PRODUCT)
    assert response.status_code == 403
    assert_error(payload, 403, "forbidden")
    response, _ = call(app_client, "POST", "/api/v1/items", reader, {"serial": "x", "owner_id": "y"})
    assert response.status_code == 403
    assert call(app_client, "GET", "/api/v1/products", reader)[0].status_code == 200
