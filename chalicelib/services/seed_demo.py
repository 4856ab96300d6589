"""Demo data for `make run`: an admin to sign in with and a few customers. Safe to run twice."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.errors import Conflict
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_staff import create_staff
from chalicelib.store import customers, staff

DEMO_ADMIN_EMAIL = "admin@demo.local"

DEMO_CUSTOMERS = [
    {
        "name": "Acme Facilities s.r.o.",
        "email": "billing@acme.example",
        "phone": "+421 2 5555 0101",
        "country": "SK",
        "currency": "EUR",
        "locale": "sk",
        "timezone": "Europe/Bratislava",
    },
    {
        "name": "Boulangerie Dupont SARL",
        "email": "compta@dupont.example",
        "phone": "+33 1 55 55 01 02",
        "country": "FR",
        "currency": "EUR",
        "locale": "fr",
        "timezone": "Europe/Paris",
    },
    {
        "name": "ТОВ «Київ Сервіс»",
        "email": "office@kyiv-service.example",
        "phone": "+380 44 555 0103",
        "country": "UA",
        "currency": "UAH",
        "locale": "uk",
        "timezone": "Europe/Kyiv",
    },
    {
        "name": "Northwind Clinics Ltd",
        "email": "ap@northwind.example",
        "phone": "+44 20 5555 0104",
        "country": "GB",
        "currency": "GBP",
        "locale": "en",
        "timezone": "Europe/London",
    },
    {
        "name": "Pacific Labs Inc",
        "email": "finance@pacificlabs.example",
        "phone": "+1 415 555 0105",
        "country": "US",
        "currency": "USD",
        "locale": "en",
        "timezone": "America/Los_Angeles",
    },
]


def seed_demo(*, admin_password: str, now: datetime) -> dict[str, int]:
    counts = {"staff": 0, "customers": 0}
    if staff.find_by_email(DEMO_ADMIN_EMAIL) is None:
        try:
            create_staff(
                email=DEMO_ADMIN_EMAIL,
                name="Demo Admin",
                role="admin",
                password=admin_password,
                actor=SYSTEM,
                now=now,
            )
            counts["staff"] += 1
        except Conflict:
            pass
    existing = {c.name: c for c in customers.page(limit=500)[0]}
    for data in DEMO_CUSTOMERS:
        if data["name"] not in existing:
            existing[data["name"]] = create_customer(data, actor=SYSTEM, now=now)
            counts["customers"] += 1
    _seed_tax_rates(now)
    counts["contracts"] = _seed_contract(existing[DEMO_CUSTOMERS[0]["name"]].id, now)
    counts["contracts"] += _seed_support_plans([existing[d["name"]] for d in DEMO_CUSTOMERS[1:]], now)
    return counts


# The card demo (B5, B25): these customers get a card link; save 4242 4242 4242 4242 on the first and
# 4000 0000 0000 0341 (saved, then every charge declined) on the second, then bill with `run-job --at`.
CARD_DEMO = (DEMO_CUSTOMERS[0]["name"], DEMO_CUSTOMERS[3]["name"])


def demo_card_links(*, now: datetime) -> list[tuple[str, str]]:
    """(customer name, link to save a card) for the card demo customers: fresh links on every start."""
    from chalicelib.services.payment_links import card_update_url

    found = {c.name: c for c in customers.page(limit=500)[0]}
    return [
        (name, card_update_url(found[name].id, now=now, actor=SYSTEM)) for name in CARD_DEMO if name in found
    ]


def demo_portal_links(*, now: datetime) -> list[tuple[str, str]]:
    """(what, URL): Acme's customer portal and a signup link for the Boiler care offer (issue 7)."""
    from chalicelib.domain.links import Scope
    from chalicelib.services import manage_links
    from chalicelib.services.link_mail import link_url
    from chalicelib.store import contract_templates

    found = {c.name: c for c in customers.page(limit=500)[0]}
    made = []
    acme = found.get(DEMO_CUSTOMERS[0]["name"])
    if acme is not None:
        link, token = manage_links.customer_link(Scope.PORTAL, acme.id, actor=SYSTEM, now=now)
        made.append((f"customer portal of {acme.name}", link_url(link, token)))
    template = next((t for t in contract_templates.list_all() if t.name == "Boiler care"), None)
    if template is not None:
        link, token = manage_links.create_link(
            Scope.SIGNUP, template.id, customer_id="", actor=SYSTEM, now=now
        )
        made.append(("signup link for Boiler care (a new customer)", link_url(link, token)))
    return made


DEMO_TAX_RATES = {"SK": "23", "FR": "20", "UA": "20", "GB": "20", "US": "0"}


def _seed_tax_rates(now: datetime) -> None:
    """Standard rates for the demo customers' countries (setting one again changes nothing)."""
    from chalicelib.services.manage_tax_rates import set_tax_rate
    from chalicelib.store import tax_rates

    known = tax_rates.all_rates()
    for region, rate in DEMO_TAX_RATES.items():
        if (region, "standard") not in known:
            set_tax_rate({"region": region, "category": "standard", "rate": rate}, actor=SYSTEM, now=now)


def _seed_contract(customer_id: str, now: datetime) -> int:
    """A product, a price list, a template and one running contract, so the contract screen has data."""
    from chalicelib.services.manage_catalogue import create_price_list, create_product, set_price
    from chalicelib.services.manage_contracts import create_contract
    from chalicelib.services.manage_templates import create_template
    from chalicelib.store import contract_templates, contracts, price_lists, products

    if contracts.of_customer(customer_id):
        return 0
    product = products.find_by_code("BOILER-CARE") or create_product(
        {"code": "BOILER-CARE", "name": "Boiler maintenance", "kind": "service", "unit": "month"},
        actor=SYSTEM,
        now=now,
    )
    eur = next((p for p in price_lists.list_all() if p.name == "Standard EUR"), None) or create_price_list(
        {"name": "Standard EUR", "currency": "EUR"}, actor=SYSTEM, now=now
    )
    set_price(product.id, eur.id, amount="49.00", actor=SYSTEM, now=now)
    template = next((t for t in contract_templates.list_all() if t.name == "Boiler care"), None)
    template = template or create_template(
        {
            "name": "Boiler care",
            "currency": "EUR",
            "period": "monthly",
            "term_periods": 12,
            "service_every_months": 6,
            "proration": "upgrades_now",
            "access_level": "upgrade_only",
            "options": [
                {"code": "hotline", "label": "24/7 hotline", "price_minor": 900, "setup_fee_minor": 2500},
                {"code": "spare-parts", "label": "Spare parts included", "price_minor": 1500},
            ],
            "plan": {"label": "Boiler maintenance", "price_minor": 4900},  # what signup links offer
            "emails": {"visit_done": VISIT_DONE_EMAIL},
        },
        actor=SYSTEM,
        now=now,
    )
    boiler = _seed_item(customer_id, product.id, now)
    data = {
        "customer_id": customer_id,
        "template_id": template.id,
        "price_list_id": eur.id,
        "lines": [{"product_id": product.id, "quantity": "2", "item_ids": [boiler]}],
        "options": ["hotline"],
        "start_date": month_ago(now).isoformat(),
        "activate": True,
    }
    create_contract(data, actor=SYSTEM, now=now)
    _seed_quote(customer_id, eur.id, now)
    return 1


def _seed_quote(customer_id: str, price_list_id: str, now: datetime) -> None:
    """A sent quote for a one-off job: the customer can accept it from the portal (B8, C14)."""
    from chalicelib.services.manage_catalogue import create_product, set_price
    from chalicelib.services.manage_quotes import create_quote, mark
    from chalicelib.store import products

    product = products.find_by_code("THERMOSTAT") or create_product(
        {"code": "THERMOSTAT", "name": "Smart thermostat, fitted", "kind": "product", "unit": "pc"},
        actor=SYSTEM,
        now=now,
    )
    set_price(product.id, price_list_id, amount="189.00", actor=SYSTEM, now=now)
    line = {"product_id": product.id, "quantity": "1", "recurring": False}
    data = {"customer_id": customer_id, "price_list_id": price_list_id, "lines": [line]}
    quote = create_quote(data, actor=SYSTEM, now=now)
    mark(quote.id, "send", actor=SYSTEM, now=now)


# B3: after a service visit is marked done the customer is asked for a rating (the link is appended).
VISIT_DONE_EMAIL = {
    "subject": "How was our visit? ({{ contract_number }})",
    "body": "Dear {{ customer_name }},\n\nour technician has just serviced your equipment under contract "
    "{{ contract_number }}. Please tell us how it went: it takes a minute.\n\n{{ company }}",
}


def _seed_item(customer_id: str, product_id: str, now: datetime) -> str:
    """The boiler the demo contract services: its visits and history show in the portal (S4)."""
    from chalicelib.services.manage_items import register_item
    from chalicelib.store import items

    found = [i for i in items.of_owner(customer_id) if i.serial == "VBX-2024-0117"]
    if found:
        return found[0].id
    data = {"product_id": product_id, "serial": "VBX-2024-0117", "model": "Vaillant ecoTEC plus"}
    return register_item({**data, "owner_id": customer_id}, actor=SYSTEM, now=now).id


def month_ago(now: datetime) -> date:
    """The first day of last month: the demo contracts have a month to bill when the run first comes."""
    first = now.date().replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


PLAN_PRICES = {"EUR": 12900, "UAH": 450000, "GBP": 9900, "USD": 14900}  # a month, in minor units


def _seed_support_plans(found: list[Any], now: datetime) -> int:
    """One monthly support plan per other demo customer, in its currency, running since last month."""
    from chalicelib.services.manage_catalogue import create_product
    from chalicelib.services.manage_contracts import create_contract
    from chalicelib.services.manage_templates import create_template
    from chalicelib.store import contract_templates, contracts, products

    product = products.find_by_code("SUPPORT") or create_product(
        {"code": "SUPPORT", "name": "Support plan", "kind": "service", "unit": "month"}, actor=SYSTEM, now=now
    )
    templates = {t.name: t for t in contract_templates.list_all()}
    made = 0
    for customer in found:
        if contracts.of_customer(customer.id):
            continue
        name = f"Support plan ({customer.currency})"
        template = templates.get(name) or create_template(
            {"name": name, "currency": customer.currency, "period": "monthly", "payment_terms_days": 14},
            actor=SYSTEM,
            now=now,
        )
        templates[name] = template
        line = {"product_id": product.id, "quantity": "1", "unit_price_minor": PLAN_PRICES[customer.currency]}
        data = {
            "customer_id": customer.id,
            "template_id": template.id,
            "lines": [line],
            "start_date": month_ago(now).isoformat(),
            "activate": True,
        }
        create_contract(data, actor=SYSTEM, now=now)
        made += 1
    return made
