"""A customer with one of everything the portal shows: a contract and an order (from an accepted quote),
an open quote, an issued invoice, a registered item, a planned visit. Built through the services, at the
real clock's time (the app under test reads the real clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.audit import SYSTEM, Actor
from chalicelib.domain.links import Scope
from chalicelib.services import manage_links
from tests.payment_helpers import store_document

STAFF = Actor("u1", "staff@example.com")


def portal_csrf(token: str) -> str:
    """The CSRF token the pages of this link carry (the forms of one link do not work on another)."""
    from chalicelib import bootstrap
    from chalicelib.domain.links import hash_token
    from chalicelib.web import security

    return security.csrf_token(bootstrap.settings().secret_key, f"link:{hash_token(token)}")


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Catalogue:
    care: Any
    install: Any
    eur: Any
    template: Any


@dataclass
class PortalWorld:
    """One customer's records, and the texts that must never show on another customer's pages."""

    customer: Any
    contract: Any
    order: Any
    quote: Any  # sent, open: the customer may still accept it
    invoice: Any
    item: Any

    @property
    def ids(self) -> dict[str, str]:
        return {
            "contract_id": self.contract.id,
            "order_id": self.order.id,
            "quote_id": self.quote.id,
            "invoice_id": self.invoice.id,
            "item_id": self.item.id,
        }

    @property
    def secrets(self) -> list[str]:
        """What identifies this customer's records on a page."""
        return [
            self.customer.name,
            self.customer.email,
            self.contract.number,
            self.quote.number,
            self.invoice.number,
            self.item.serial,
        ]

    def link(self, scope: Scope = Scope.PORTAL, subject: str = "", *, age: timedelta = timedelta(0)) -> str:
        _link, token = manage_links.create_link(
            scope,
            subject or self.customer.id,
            customer_id=self.customer.id,
            actor=STAFF,
            now=now() - age,
            subject_type="visit" if scope is Scope.FEEDBACK else None,
        )
        return token


def catalogue() -> Catalogue:
    from chalicelib.services.manage_catalogue import create_price_list, create_product, set_price
    from chalicelib.services.manage_templates import create_template

    at = now()
    care = create_product({"code": "CARE", "name": "Boiler care"}, actor=SYSTEM, now=at)
    install = create_product({"code": "INST", "name": "Installation"}, actor=SYSTEM, now=at)
    eur = create_price_list({"name": "Standard EUR", "currency": "EUR"}, actor=SYSTEM, now=at)
    set_price(care.id, eur.id, amount="31.00", actor=SYSTEM, now=at)
    set_price(install.id, eur.id, amount="250.00", actor=SYSTEM, now=at)
    template = create_template(
        {
            "name": "Care monthly",
            "currency": "EUR",
            "period": "monthly",
            "term_periods": 12,
            "service_every_months": 3,
            "access_level": "upgrade_and_downgrade",
            "options": [{"code": "hotline", "label": "24/7 hotline", "price_minor": 900}],
        },
        actor=SYSTEM,
        now=at,
    )
    return Catalogue(care, install, eur, template)


def portal_world(shop: Catalogue, name: str, email: str, serial: str, locale: str = "en") -> PortalWorld:
    from chalicelib.services.accept_quote import accept_quote
    from chalicelib.services.manage_customers import create_customer
    from chalicelib.services.manage_items import register_item
    from chalicelib.services.manage_quotes import create_quote, mark

    at = now()
    customer = create_customer(
        {"name": name, "country": "SK", "currency": "EUR", "email": email, "locale": locale},
        actor=SYSTEM,
        now=at,
    )
    item = register_item(
        {"product_id": shop.care.id, "serial": serial, "owner_id": customer.id}, actor=SYSTEM, now=at
    )

    def quote() -> Any:
        made = create_quote(
            {
                "customer_id": customer.id,
                "template_id": shop.template.id,
                "price_list_id": shop.eur.id,
                "valid_until": (at + timedelta(days=20)).date().isoformat(),
                "lines": [
                    {"product_id": shop.care.id, "quantity": "1", "recurring": True},
                    {"product_id": shop.install.id, "quantity": "1", "recurring": False},
                ],
            },
            actor=SYSTEM,
            now=at,
        )
        return mark(made.id, "send", actor=SYSTEM, now=at)

    accepted = accept_quote(quote().id, actor=SYSTEM, now=at)
    return PortalWorld(
        customer=customer,
        contract=_service_item(accepted.contract, item.id, at),
        order=accepted.order,
        quote=quote(),
        invoice=store_document(customer.id, total=4321),
        item=item,
    )


def _service_item(contract: Any, item_id: str, at: datetime) -> Any:
    """The item goes on the care line, so the contract plans its service visits (S4)."""
    from chalicelib.services.change_contract import change_contract

    line = contract.lines[0]  # the recurring care line (the installation went to the order)
    data = {"line_id": line.id, "item_ids": [item_id]}
    return change_contract(contract.id, "items", data, version=contract.version, actor=SYSTEM, now=at).after
