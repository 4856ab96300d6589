"""Demo data for `make run`: an admin to sign in with and a few customers. Safe to run twice."""

from __future__ import annotations

from datetime import datetime

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
    existing = {c.name for c in customers.page(limit=500)[0]}
    for data in DEMO_CUSTOMERS:
        if data["name"] not in existing:
            create_customer(data, actor=SYSTEM, now=now)
            counts["customers"] += 1
    return counts
