"""The catalogue and installed items through the admin pages, as staff use them."""

from datetime import UTC, datetime

from chalicelib.domain.audit import SYSTEM
from chalicelib.services.manage_customers import create_customer
from chalicelib.store import items, price_lists, products
from tests.browser_client import Browser

PRODUCT = {"code": "HP-200", "name": "Heat pump 200", "kind": "product", "unit": "pc", "stocked": "yes"}


def _customer(name: str = "Acme Facilities"):
    return create_customer(
        {"name": name, "country": "SK", "currency": "EUR"}, actor=SYSTEM, now=datetime.now(UTC)
    )


def test_staff_create_a_product_price_it_and_find_it_by_name(admin: Browser) -> None:
    admin.get("/admin/price-lists")
    assert admin.post("/admin/price-lists", {"name": "Retail", "currency": "eur"}).status_code == 303
    [retail] = price_lists.list_all()
    admin.get("/admin/products")
    response = admin.post("/admin/products", {**PRODUCT, "vendor": "Vaillant"})
    assert response.status_code == 303
    page = admin.get(response.headers["Location"]).body.decode()
    assert "Product created." in page and "Heat pump 200" in page and "Retail" in page
    product_id = response.headers["Location"].split("/")[-1].split("?")[0]
    saved = admin.post(
        f"/admin/products/{product_id}/prices",
        {"form": "price", "price_list_id": retail.id, "amount": "1 234,50"},
    )
    assert saved.status_code == 303
    page = admin.get(saved.headers["Location"]).body.decode()
    assert "€1,234.50" in page and 'value="1234.50"' in page
    listing = admin.get("/admin/products?q=heat").body.decode()
    assert "HP-200" in listing and "Heat pump 200" in listing
    assert "Heat pump" not in admin.get("/admin/products?q=boiler").body.decode()


def test_bad_product_input_shows_the_error_and_keeps_what_was_typed(admin: Browser) -> None:
    admin.get("/admin/products")
    missing = admin.post("/admin/products", {**PRODUCT, "code": ""})
    assert missing.status_code == 400 and "code is required" in missing.body.decode()
    assert 'value="Heat pump 200"' in missing.body.decode()
    assert admin.post("/admin/products", PRODUCT).status_code == 303
    admin.get("/admin/products")
    duplicate = admin.post("/admin/products", {**PRODUCT, "code": "hp 200", "name": "Other"})
    assert duplicate.status_code == 409 and "product code hp 200 is already used" in duplicate.body.decode()
    assert [p.name for p in products.page()[0]] == ["Heat pump 200"]


def test_a_bad_price_is_a_400_naming_the_problem_and_changes_nothing(admin: Browser) -> None:
    admin.get("/admin/price-lists")
    admin.post("/admin/price-lists", {"name": "Retail", "currency": "EUR"})
    [retail] = price_lists.list_all()
    admin.get("/admin/products")
    product_id = admin.post("/admin/products", PRODUCT).headers["Location"].split("/")[-1].split("?")[0]
    admin.get(f"/admin/products/{product_id}")
    response = admin.post(
        f"/admin/products/{product_id}/prices",
        {"form": "price", "price_list_id": retail.id, "amount": "12.345"},
    )
    assert response.status_code == 400 and "too many decimals" in response.body.decode()
    assert 'value="12.345"' in response.body.decode()
    assert price_lists.prices_of(product_id) == []


def test_staff_register_an_item_find_it_by_serial_and_transfer_it(admin: Browser) -> None:
    acme, beta = _customer(), _customer("Beta Hotels")
    admin.get("/admin/products")
    admin.post("/admin/products", PRODUCT)
    page = admin.get(f"/admin/items?owner_id={acme.id}").body.decode()
    assert "Acme Facilities" in page and "Register an item" in page
    response = admin.post(
        f"/admin/items?owner_id={acme.id}",
        {"owner_id": acme.id, "product_code": "hp-200", "serial": "SN 0001", "install_date": "2026-01-15"},
    )
    assert response.status_code == 303, response.body
    item_page = admin.get(response.headers["Location"]).body.decode()
    assert "Item registered." in item_page and "Acme Facilities" in item_page and "HP-200" in item_page
    found = admin.get("/admin/items?serial=sn-0001").body.decode()
    assert "SN 0001" in found and "Heat pump 200" in found
    [item] = items.by_serial("SN0001")
    moved = admin.post(f"/admin/items/{item.id}/transfer", {"owner_id": beta.id, "install_address_id": ""})
    assert moved.status_code == 303
    assert "Beta Hotels" in admin.get(moved.headers["Location"]).body.decode()
    assert items.of_owner(acme.id) == [] and [i.id for i in items.of_owner(beta.id)] == [item.id]


def test_item_form_errors_name_the_field_and_nothing_is_written(admin: Browser) -> None:
    acme = _customer()
    admin.get("/admin/products")
    admin.post("/admin/products", PRODUCT)
    admin.get("/admin/items")
    unknown_owner = admin.post(
        "/admin/items", {"owner_id": "nobody", "product_code": "HP-200", "serial": "S1"}
    )
    assert unknown_owner.status_code == 400 and "no customer nobody" in unknown_owner.body.decode()
    unknown_product = admin.post("/admin/items", {"owner_id": acme.id, "product_code": "XX", "serial": "S1"})
    assert unknown_product.status_code == 400 and "no product with code XX" in unknown_product.body.decode()
    assert (
        admin.post(
            "/admin/items", {"owner_id": acme.id, "product_code": "HP-200", "serial": "S1"}
        ).status_code
        == 303
    )
    admin.get("/admin/items")
    twice = admin.post("/admin/items", {"owner_id": acme.id, "product_code": "HP-200", "serial": "s-1"})
    assert (
        twice.status_code == 409
        and "serial s-1 is already registered for product HP-200" in twice.body.decode()
    )
    assert len(items.of_owner(acme.id)) == 1


def test_a_viewer_sees_the_catalogue_but_cannot_change_it(browser: Browser, make_staff) -> None:
    make_staff("viewer")
    browser.sign_in("viewer@example.com")
    page = browser.get("/admin/products")
    assert page.status_code == 200 and "New product" not in page.body.decode()
    assert 'href="/admin/items"' in page.body.decode()
    response = browser.post("/admin/products", PRODUCT)
    assert response.status_code == 403 and products.page()[0] == []
