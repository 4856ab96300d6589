"""Quotes and orders through the admin pages and the API: typed lines, the workflow, acceptance, roles."""

import json
from datetime import UTC, datetime

import pytest

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.api_keys import issue_key
from chalicelib.services.manage_catalogue import create_price_list, create_product, set_price
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_templates import create_template
from chalicelib.store import contracts, mail, orders, quotes
from chalicelib.store.models_sales import OrderModel, QuoteModel
from tests.browser_client import Browser

LINES = "CARE | 2 | | | recurring\n\nINST | 1 | 250,00 | 10 | one-off"


@pytest.fixture
def world(store):
    now = datetime.now(UTC)
    care = create_product({"code": "CARE", "name": "Boiler care"}, actor=SYSTEM, now=now)
    create_product({"code": "INST", "name": "Installation"}, actor=SYSTEM, now=now)
    eur = create_price_list({"name": "Standard EUR", "currency": "EUR"}, actor=SYSTEM, now=now)
    usd = create_price_list({"name": "Standard USD", "currency": "USD"}, actor=SYSTEM, now=now)
    set_price(care.id, eur.id, amount="31.00", actor=SYSTEM, now=now)
    customer = create_customer(
        {"name": "Acme", "country": "SK", "currency": "EUR", "email": "ops@acme.test"}, actor=SYSTEM, now=now
    )
    template = create_template(
        {"name": "Care monthly", "currency": "EUR", "period": "monthly"}, actor=SYSTEM, now=now
    )
    return {"customer": customer, "template": template, "eur": eur, "usd": usd}


def _form(world, **change):
    return {
        "customer_id": world["customer"].id,
        "template_id": world["template"].id,
        "price_list_id": world["eur"].id,
        "currency": "",
        "valid_until": "",
        "salesperson_id": "",
        "notes": "Installation within two weeks",
        "lines": LINES,
        **change,
    }


def _create(admin: Browser, world) -> str:
    admin.get("/admin/quotes/new")
    created = admin.post("/admin/quotes", _form(world))
    assert created.status_code == 303, created.body
    return created.headers["Location"].split("/")[-1].split("?")[0]


def test_a_quote_is_typed_line_by_line_sent_and_accepted_on_the_pages(admin: Browser, world) -> None:
    form = admin.get("/admin/quotes/new").body.decode()
    assert "Acme (EUR)" in form and "Care monthly" in form
    quote_id = _create(admin, world)
    quote = quotes.get(quote_id)
    assert (quote.recurring_total, quote.one_off_total) == (6200, 22500)
    page = admin.get(f"/admin/quotes/{quote_id}?notice=created").body.decode()
    assert quote.number in page and "Quote saved as a draft." in page
    assert "€62.00 per month" in page and "€225.00" in page and "10%" in page

    sent = admin.post(f"/admin/quotes/{quote_id}/email", {})
    assert sent.status_code == 303
    [message] = mail.recent()
    assert message.to == "ops@acme.test" and quote.number in message.subject
    assert "€62.00 per month" in message.text and "Installation within two weeks" in message.text
    assert quotes.get(quote_id).status.value == "sent"
    listed = admin.get("/admin/quotes?status=sent").body.decode()
    assert (
        quote.number in listed and quote.number not in admin.get("/admin/quotes?status=draft").body.decode()
    )

    admin.get(f"/admin/quotes/{quote_id}")
    assert admin.post(f"/admin/quotes/{quote_id}/status", {"action": "view"}).status_code == 303
    admin.get(f"/admin/quotes/{quote_id}")
    assert admin.post(f"/admin/quotes/{quote_id}/accept", {}).status_code == 303
    accepted = quotes.get(quote_id)
    page = admin.get(f"/admin/quotes/{quote_id}").body.decode()
    assert f'href="/admin/contracts/{accepted.contract_id}"' in page
    assert f'href="/admin/orders/{accepted.order_id}"' in page
    assert "Mark accepted" not in page
    assert contracts.get(accepted.contract_id).quote_id == quote_id

    # Accepting again from a stale page is refused on the page, naming both statuses.
    again = admin.post(f"/admin/quotes/{quote_id}/accept", {})
    assert again.status_code == 409 and "accepted cannot become accepted" in again.body.decode()

    order_page = admin.get(f"/admin/orders/{accepted.order_id}").body.decode()
    assert "Installation" in order_page and "€225.00" in order_page
    listing = admin.get("/admin/orders").body.decode()
    assert 'class="open-total">€225.00</strong>' in listing
    admin.post(f"/admin/orders/{accepted.order_id}/status", {"action": "fulfil"})
    assert "No open orders." in admin.get("/admin/orders").body.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"lines": "CARE | 2 | | | recurring\n\nNOPE | 1 | | | one-off"},
            "line 3: no product with code &#39;NOPE&#39;",
        ),
        ({"lines": "CARE | -1 | | | recurring"}, "line 1: a quantity must be more than 0"),
        ({"lines": "CARE | 1 | | 150 | recurring"}, "line 1: a discount must be between 0% and 100%"),
        ({"lines": "INST | 1 | | | one-off"}, "line 1: INST has no price in the price list"),
        ({"lines": "CARE | 1 | 1.234 | | recurring"}, "line 1: &#39;1.234&#39; has too many decimals"),
        ({"lines": "CARE | 1 | | | weekly"}, "line 1: say recurring or one-off"),
        ({"lines": "CARE | 1"}, "line 1: write product code | quantity"),
        ({"template_id": ""}, "recurring lines need a contract template"),
        ({"valid_until": "2020-01-01"}, "valid until 2020-01-01 is in the past"),
        ("usd", "Standard USD is in USD, the quote in EUR"),
    ],
)
def test_a_bad_quote_form_names_the_line_or_field_and_saves_nothing(
    admin: Browser, world, change, message
) -> None:
    admin.get("/admin/quotes/new")
    response = admin.post(
        "/admin/quotes", _form(world, **({"price_list_id": world["usd"].id} if change == "usd" else change))
    )
    page = response.body.decode()
    assert response.status_code == 400 and message in page, page[page.find('role="alert"') :][:300]
    assert "Installation within two weeks" in page  # the form comes back as typed
    assert QuoteModel.count() == 0


def test_a_viewer_sees_quotes_but_cannot_accept_one(browser: Browser, make_staff, world) -> None:
    make_staff("admin")
    browser.sign_in("admin@example.com")
    quote_id = _create(browser, world)
    browser.get(f"/admin/quotes/{quote_id}")
    browser.post(f"/admin/quotes/{quote_id}/status", {"action": "send"})
    browser.post("/admin/logout", {})

    make_staff("viewer")
    browser.sign_in("viewer@example.com")
    assert browser.get("/admin/quotes/new").status_code == 403
    page = browser.get(f"/admin/quotes/{quote_id}").body.decode()
    assert quotes.get(quote_id).number in page and "Mark accepted" not in page
    assert browser.post(f"/admin/quotes/{quote_id}/accept", {}, csrf=browser.csrf()).status_code == 403
    assert quotes.get(quote_id).status.value == "sent" and OrderModel.count() == 0


def test_quotes_and_orders_over_the_api(app_client, world) -> None:
    _key, token = issue_key("crm", ["contracts:read", "contracts:write"], actor=SYSTEM, now=datetime.now(UTC))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body=None):
        response = app_client.http.request(
            method, path, headers=headers, body=json.dumps(body).encode() if body is not None else b""
        )
        return response.status_code, json.loads(response.body)

    body = {
        "customer_id": world["customer"].id,
        "template_id": world["template"].id,
        "price_list_id": world["eur"].id,
        "lines": [
            {"product_id": quotes_product("CARE"), "quantity": "3", "recurring": True},
            {"product_id": quotes_product("INST"), "unit_price_minor": 10000, "recurring": False},
        ],
    }
    for bad, field in [
        ({**body, "lines": [{"product_id": "nope"}]}, "lines[0].product_id"),
        ({**body, "lines": [{**body["lines"][0], "quantity": "-2"}]}, "lines[0].quantity"),
        ({**body, "lines": [{**body["lines"][0], "discount_percent": "101"}]}, "lines[0].discount"),
        ({**body, "price_list_id": world["usd"].id}, "price_list_id"),
        ({**body, "valid_until": "2001-01-01"}, "valid_until"),
        ({**body, "template_id": ""}, "template_id"),
        ({**body, "lines": [{**body["lines"][0], "recurring": "yes"}]}, "lines[0].recurring"),
    ]:
        status, error = call("POST", "/api/v1/quotes", bad)
        assert status == 400 and error["error"]["field"] == field, (bad, error)
    assert QuoteModel.count() == 0

    status, quote = call("POST", "/api/v1/quotes", body)
    assert status == 201 and quote["status"] == "draft" and quote["number"].startswith("Q-")
    assert (quote["recurring_total_minor"], quote["one_off_total_minor"]) == (9300, 10000)
    status, error = call("POST", f"/api/v1/quotes/{quote['id']}/accept", {})
    assert status == 409 and "draft cannot become accepted" in error["error"]["message"]
    status, sent = call("POST", f"/api/v1/quotes/{quote['id']}/status", {"action": "send"})
    assert status == 200 and sent["status"] == "sent"
    status, listed = call("GET", "/api/v1/quotes?status=sent")
    assert [q["id"] for q in listed["items"]] == [quote["id"]]

    status, done = call("POST", f"/api/v1/quotes/{quote['id']}/accept", {})
    assert status == 200 and done["quote"]["status"] == "accepted"
    assert done["contract_id"] and done["order_id"]
    status, error = call("POST", f"/api/v1/quotes/{quote['id']}/accept", {})
    assert status == 409 and error["error"]["field"] == "status"

    status, order = call("GET", f"/api/v1/orders/{done['order_id']}")
    assert status == 200 and order["total_minor"] == 10000 and order["contract_id"] == done["contract_id"]
    status, listing = call("GET", "/api/v1/orders?status=open")
    assert [o["id"] for o in listing["items"]] == [done["order_id"]]
    assert listing["open_totals_minor"] == {"EUR": 10000}
    assert orders.get(done["order_id"]).quote_id == quote["id"]
    status, _ = call("GET", "/api/v1/orders/nope")
    assert status == 404

    _read, read_token = issue_key("ro", ["contracts:read"], actor=SYSTEM, now=datetime.now(UTC))
    response = app_client.http.post(
        "/api/v1/quotes", headers={**headers, "Authorization": f"Bearer {read_token}"}, body=json.dumps(body)
    )
    assert response.status_code == 403


def quotes_product(code: str) -> str:
    from chalicelib.store import products

    found = products.find_by_code(code)
    assert found is not None
    return found.id
