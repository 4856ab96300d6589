"""Card payments in the admin page: the customer's card and automatic payment, an invoice's charge
attempts with "charge now", refunds with their errors, the dunning overview, retry and dunning days
on templates, and roles: staff who only see invoices cannot charge or refund."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.audit import Actor
from tests.browser_client import Browser
from tests.payment_helpers import MONTHLY_TOTAL, Billing

NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
START = NOW.replace(day=1, hour=12)


def _card(customer_id: str, number: str) -> Any:
    from chalicelib.services.card_setup import DevCard, begin_card_setup, finish_card_setup

    setup = begin_card_setup(customer_id, now=START)
    card = DevCard(number, "12", "2030", "123")
    actor = Actor(f"customer:{customer_id}", "customer via link")
    return finish_card_setup(customer_id, setup.setup_intent_id, dev_card=card, actor=actor, now=START)


@pytest.fixture
def billing(store) -> Billing:
    return Billing(start=START)


def _billed(billing: Billing, name: str, number: str | None) -> tuple[Any, Any]:
    from chalicelib.jobs import catalog
    from chalicelib.store import invoices

    customer = billing.customer(name)
    if number:
        _card(customer.id, number)
    catalog.run("run_billing", at=START, trigger="test")
    invoice = next(i for i in invoices.of_customer(customer.id) if i.kind == "invoice")
    return customer, invoices.get(invoice.id, consistent=True)


def test_customer_card_page_shows_the_card_and_turns_automatic_payment_off(admin: Browser, billing) -> None:
    from chalicelib.store import cards

    customer, invoice = _billed(billing, "Visa", "4242424242424242")
    assert invoice.open_minor == 0, "charged automatically when billed"
    page = admin.get(f"/admin/customers/{customer.id}/card").body.decode()
    assert "Visa •••• 4242, expires 12/2030" in page and "paid" in page
    assert "4242424242424242" not in page
    response = admin.post(f"/admin/customers/{customer.id}/autopay", {"autopay": "0"})
    assert response.status_code == 303
    assert cards.get(customer.id).autopay is False
    assert "Automatic card payment is off." in admin.get(response.headers["Location"]).body.decode()
    assert (
        f"/admin/customers/{customer.id}/card" in admin.get(f"/admin/customers/{customer.id}").body.decode()
    )


def test_invoice_page_lists_declined_attempts_and_charges_now_with_a_new_card(
    admin: Browser, billing
) -> None:
    customer, invoice = _billed(billing, "Decline", "4000000000000341")
    page = admin.get(f"/admin/invoices/{invoice.id}").body.decode()
    assert "Card payment" in page and "card_declined" in page and "next try" in page
    # The card is replaced without a retry yet (the customer saved it elsewhere), then staff charge now.
    from dataclasses import replace

    from chalicelib.domain.card_payments import Card
    from chalicelib.store import cards, invoices

    profile = cards.get(customer.id)
    good = _card_without_retry(customer.id)
    cards.save(profile, replace(profile, card=Card(good, "visa", "4242", 12, 2030)))
    admin.get(f"/admin/invoices/{invoice.id}")
    response = admin.post(f"/admin/invoices/{invoice.id}/charge", {})
    assert response.status_code == 303 and "charge_paid" in response.headers["Location"]
    assert invoices.get(invoice.id, consistent=True).open_minor == 0
    page = admin.get(response.headers["Location"]).body.decode()
    assert "Charged to the saved card" in page and "staff" in page


def _card_without_retry(customer_id: str) -> str:
    """A 4242 payment method attached to the customer's Stripe customer, straight at localstripe."""
    import stripe

    from chalicelib import bootstrap
    from chalicelib.store import cards

    settings = bootstrap.settings()
    client = stripe.StripeClient(settings.stripe_api_key, base_addresses={"api": settings.stripe_api_base})
    method = client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    client.v1.payment_methods.attach(
        method.id, params={"customer": cards.get(customer_id).stripe_customer_id}
    )
    return str(method.id)


def test_charge_now_without_a_card_is_refused_with_the_reason(admin: Browser, billing) -> None:
    _customer, invoice = _billed(billing, "Nocard", None)
    page = admin.get(f"/admin/invoices/{invoice.id}").body.decode()
    assert "Charge " not in page, "no button without a card"
    response = admin.post(f"/admin/invoices/{invoice.id}/charge", {})
    assert response.status_code == 400 and "no card is saved" in response.body.decode()


def test_refund_from_the_payment_page_with_errors_named(admin: Browser, billing) -> None:
    from chalicelib.store import collections, invoices, payments

    customer, invoice = _billed(billing, "Refund", "4242424242424242")
    payment_id = collections.get(invoice.id).payment_id
    page = admin.get(f"/admin/payments/{payment_id}").body.decode()
    assert "Refund through Stripe" in page
    too_much = admin.post(f"/admin/payments/{payment_id}/refund", {"amount": "99.00"})
    assert too_much.status_code == 400 and "above what is left of the payment" in too_much.body.decode()
    not_money = admin.post(f"/admin/payments/{payment_id}/refund", {"amount": "ten"})
    assert not_money.status_code == 400 and "amount" in not_money.body.decode()
    assert payments.get(payment_id).refunds == ()
    done = admin.post(f"/admin/payments/{payment_id}/refund", {"amount": "7.20", "reason": "visit missed"})
    assert done.status_code == 303
    page = admin.get(done.headers["Location"]).body.decode()
    assert "Refunded through Stripe" in page and "visit missed" in page and "credit note" in page
    assert invoices.get(invoice.id, consistent=True).credited_minor == 720
    assert payments.get(payment_id).refunded_minor == 720
    assert invoices.get(invoice.id, consistent=True).paid_minor == MONTHLY_TOTAL - 720


def test_dunning_overview_lists_declined_invoices_and_contracts(admin: Browser, billing) -> None:
    from chalicelib.jobs import catalog

    customer, invoice = _billed(billing, "Overdue", "4000000000000341")
    catalog.run("run_dunning", at=START + timedelta(days=8), trigger="test")
    page = admin.get("/admin/dunning").body.decode()
    assert "Overdue" in page and invoice.number in page and "warning" in page
    history = admin.get(f"/admin/contracts/{invoice.contract_id}?tab=history").body.decode()
    assert (
        "Dunning: warning" in history and "customer warned" in history and "a card payment failed" in history
    )


def test_template_form_keeps_retry_and_dunning_days_and_names_bad_ones(admin: Browser, billing) -> None:
    from chalicelib.store import contract_templates

    page = admin.get("/admin/templates").body.decode()
    assert 'name="retry_days"' in page and 'name="dunning_days"' in page
    form = {
        "name": "Card plan",
        "currency": "EUR",
        "period": "monthly",
        "retry_days": "2, 4",
        "dunning_days": "5, 10, 20",
    }
    assert admin.post("/admin/templates", form).status_code == 303
    saved = next(t for t in contract_templates.list_all() if t.name == "Card plan")
    assert (saved.retry_days, saved.dunning_days) == ((2, 4), (5, 10, 20))
    admin.get("/admin/templates")
    bad = admin.post("/admin/templates", {**form, "name": "Bad", "dunning_days": "10, 5, 20"})
    assert bad.status_code == 400 and "dunning_days must go up" in bad.body.decode()
    admin.get("/admin/templates")
    two = admin.post("/admin/templates", {**form, "name": "Two", "dunning_days": "5, 10"})
    assert two.status_code == 400 and "three days" in two.body.decode()


def test_staff_who_only_see_invoices_cannot_charge_refund_or_switch_autopay(
    browser: Browser, make_staff, billing
) -> None:
    from chalicelib.store import collections

    customer, invoice = _billed(billing, "Roles", "4242424242424242")
    payment_id = collections.get(invoice.id).payment_id
    make_staff("sales")
    browser.sign_in("sales@example.com")
    assert browser.get(f"/admin/customers/{customer.id}/card").status_code == 200
    assert browser.get("/admin/dunning").status_code == 200
    browser.get(f"/admin/payments/{payment_id}")
    assert "Refund through Stripe" not in browser.last_html
    for path, data in (
        (f"/admin/invoices/{invoice.id}/charge", {}),
        (f"/admin/payments/{payment_id}/refund", {"full": "1"}),
        (f"/admin/customers/{customer.id}/autopay", {"autopay": "0"}),
    ):
        browser.get("/admin/payments")  # a page with the session's CSRF token
        assert browser.post(path, data).status_code == 403, path
    assert collections.get(invoice.id).payment_id == payment_id
