"""A small world for purchase order tests: a customer order with stock and service lines, items at an
installation site, and two vendors (one with an email address, one without)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.contracts import Line
from chalicelib.domain.orders import Order
from chalicelib.services.manage_addresses import create_address
from chalicelib.services.manage_catalogue import create_product
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_items import register_item
from chalicelib.store import orders


@dataclass
class World:
    customer: Any
    vendor: Any  # Viessmann s.r.o., Slovak, with an email address
    quiet_vendor: Any  # Grundfos Ltd, English, no email address
    site: Any
    order: Order
    products: dict[str, Any]


def make_world(now: datetime) -> World:
    def address(**fields: str) -> Any:
        return create_address({"country": "SK", **fields}, actor=SYSTEM, now=now)

    def customer(**fields: Any) -> Any:
        return create_customer({"country": "SK", "currency": "EUR", **fields}, actor=SYSTEM, now=now)

    def product(code: str, name: str, **fields: str) -> Any:
        return create_product({"code": code, "name": name, **fields}, actor=SYSTEM, now=now)

    home = address(line1="Mlynské nivy 5", postcode="821 09", city="Bratislava")
    site = address(label="Kotolňa", line1="Hlavná 3", postcode="040 01", city="Košice")
    client = customer(name="Teplo a.s.", locale="sk", address_id=home.id)
    vendor = customer(
        name="Viessmann s.r.o.",
        locale="sk",
        email="orders@viessmann.test",
        timezone="Europe/Bratislava",
        address_id=address(line1="Priemyselná 7", postcode="917 01", city="Trnava").id,
    )
    quiet = customer(name="Grundfos Ltd", locale="en", country="GB", currency="GBP")
    products = {
        "boiler": product("BOIL", "Condensing boiler 24 kW", vendor="Viessmann", stocked="yes"),
        "valve": product("VALVE", "Mixing valve"),
        "pump": product("PUMP", "Circulation pump", vendor="Grundfos"),
        "install": product("INST", "Installation", kind="service", unit="h"),
    }
    items = [
        register_item(
            {
                "product_id": products["boiler"].id,
                "serial": serial,
                "owner_id": client.id,
                "install_address_id": site.id,
            },
            actor=SYSTEM,
            now=now,
        )
        for serial in ("SN-1", "SN-2")
    ]
    order = Order(
        id="0123456789abcdef",
        customer_id=client.id,
        quote_id="quote-1",
        currency="EUR",
        lines=(
            Line(
                "l1",
                products["boiler"].id,
                "Boiler 24 kW",
                Decimal(2),
                150000,
                item_ids=tuple(i.id for i in items),
            ),
            Line("l2", products["valve"].id, "Mixing valve", Decimal(3), 4000),
            Line("l3", products["pump"].id, "Pump", Decimal(1), 20000),
            Line("l4", products["install"].id, "Installation", Decimal(4), 5000, unit="h"),
        ),
        created_at=now,
    )
    orders.save(None, order, SYSTEM.entry("order", order.id, "order.created", now))
    return World(client, vendor, quiet, site, order, products)
