"""DynamoDB requests per admin page, served in-process by chalice.test.Client.

A signed-in admin (sign-in is not counted) requests the customer list and a customer
detail page; the counter is reset right before each page request and read right after,
so the count is everything the route does: session lookup, staff lookup, the page's
own reads. The list page is measured with 50 and with 200 customers stored: a count
that grows with the table would mean a scan or an N+1 read.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ddb_counter import DynamoDBCounter

from tests.browser_client import Browser

PASSWORD = "bench horse battery staple"
ADMIN_EMAIL = "bench-admin@example.com"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CUSTOMER_LINK = re.compile(r'href="/admin/customers/([^"?/]+)"')
NEXT_PAGE = re.compile(r'href="(/admin/customers\?[^"]*after=[^"]+)"')
REPEATS = 3  # each page is requested this many times, each as a cold request: all must agree

# Names that spread over the alphabet and include accents, as real lists do.
FIRST = ("Ábel", "Berta", "Cyril", "Dana", "Émile", "Filip", "Gréta", "Hana", "Igor", "Jana")
LAST = ("Novák", "Kováč", "Smith", "Dubois", "Ivanenko", "Horváth", "Müller", "Rossi", "García", "Olsen")


def seed_customers(start: int, count: int) -> list[str]:
    from chalicelib.domain.audit import SYSTEM
    from chalicelib.services.manage_customers import create_customer

    ids = []
    now = datetime.now(UTC)
    for i in range(start, start + count):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i:04d}"
        data = {
            "name": name,
            "email": f"customer{i}@example.com",
            "country": "SK",
            "currency": "EUR",
            "locale": "en",
            "timezone": "Europe/Bratislava",
        }
        ids.append(create_customer(data, actor=SYSTEM, now=now).id)
    return ids


def count_page(browser: Browser, counter: DynamoDBCounter, path: str) -> dict[str, Any]:
    from chalicelib.store import fields

    runs = []
    for _ in range(REPEATS):
        # Count every request as the first one in a fresh Lambda container: custom field definitions
        # and categories are cached per process for a few seconds, so a warm request reads less.
        fields.forget()
        with counter.counting():
            response = browser.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered HTTP {response.status_code}")
        runs.append(counter.snapshot())
    counts = [r["requests"] for r in runs]
    return {
        "path": path,
        "html_bytes": len(response.body),
        "customer_links_shown": len(set(CUSTOMER_LINK.findall(browser.last_html))),
        "requests": max(counts),
        "requests_per_repeat": counts,
        "http_sends_per_repeat": [r["http_sends"] for r in runs],
        "by_operation": runs[0]["by_operation"],
        "constant_across_repeats": len(set(counts)) == 1,
    }


def _full_customer(customer_id: str) -> str:
    """Gives the measured customer everything its page can show: an address, custom fields, a category."""
    from chalicelib.domain.audit import SYSTEM
    from chalicelib.services.manage_addresses import create_address
    from chalicelib.services.manage_customers import update_customer
    from chalicelib.services.manage_fields import define_category, define_field

    now = datetime.now(UTC)
    define_field("customer", "employees", "Employees", "number", "", False, actor=SYSTEM, now=now)
    define_category("region", "west", "Western Slovakia", actor=SYSTEM, now=now)
    address = create_address(
        {"line1": "Mlynské nivy 1", "city": "Bratislava", "country": "SK"}, actor=SYSTEM, now=now
    )
    update_customer(
        customer_id,
        {"address_id": address.id, "custom": {"employees": "120"}, "categories": ["region:west"]},
        actor=SYSTEM,
        now=now,
    )
    return customer_id


def measure(root: Path, counter: DynamoDBCounter) -> dict[str, Any]:
    from chalice.test import Client

    import app
    from chalicelib.domain.audit import SYSTEM
    from chalicelib.services.manage_staff import create_staff

    create_staff(
        email=ADMIN_EMAIL,
        name="Bench Admin",
        role="admin",
        password=PASSWORD,
        actor=SYSTEM,
        now=datetime.now(UTC),
    )
    ids = seed_customers(0, 50)
    with Client(app.app, stage_name="local", project_dir=str(root)) as client:
        browser = Browser(client)
        browser.sign_in(ADMIN_EMAIL, PASSWORD)
        list_50 = count_page(browser, counter, "/admin/customers")
        ids += seed_customers(50, 150)
        list_200 = count_page(browser, counter, "/admin/customers")
        next_link = NEXT_PAGE.search(browser.last_html)
        list_200_page_2 = (
            count_page(browser, counter, next_link.group(1).replace("&amp;", "&")) if next_link else None
        )
        search = count_page(browser, counter, "/admin/customers?q=hana")
        detail = count_page(browser, counter, f"/admin/customers/{_full_customer(ids[len(ids) // 2])}")
    constant = list_50["requests"] == list_200["requests"]
    return {
        "figure": max(list_200["requests"], detail["requests"]),
        "raw": {
            "list_page_200_customers": list_200,
            "detail_page": detail,
            "list_page_50_customers": list_50,
            "list_page_200_customers_second_page": list_200_page_2,
            "list_search_200_customers": search,
            "constant_50_vs_200": constant,
        },
    }


def measure_portal(root: Path, counter: DynamoDBCounter) -> dict[str, Any]:
    """The customer portal's overview and contract page, opened by a portal link (token lookup counted),
    for a customer with a contract, an order, an open quote, an invoice and a serviced item. Run after
    the billing bench: its contract would be one more to bill."""
    from chalice.test import Client

    import app
    from tests.portal_world import catalogue, portal_world

    world = portal_world(catalogue(), "Bench Portal s.r.o.", "portal@bench.example", "BENCH-SN-1")
    token = world.link()
    contract = f"/portal/{token}/contracts/{world.contract.id}"
    with Client(app.app, stage_name="local", project_dir=str(root)) as client:
        browser = Browser(client)
        return {
            "portal_overview": count_page(browser, counter, f"/portal/{token}"),
            "portal_contract_page": count_page(browser, counter, contract),
        }
