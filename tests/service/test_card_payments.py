"""Card payments against DynamoDB Local and localstripe: saved cards, automatic charges at billing,
retries on the template's schedule, dunning through suspension and back, refunds with credit notes,
and no sequence of retries, webhooks and concurrent runs that charges one invoice twice."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.audit import SYSTEM, Actor
from chalicelib.domain.card_payments import AttemptStatus, State
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.dunning import Level
from chalicelib.domain.errors import ValidationError
from tests.payment_helpers import MONTHLY_TOTAL, START, Billing

VISA = "4242424242424242"
DECLINES = "4000000000000341"  # attaches, then every off-session charge is declined
CUSTOMER = Actor("customer:test", "customer via link")


def save_card(customer_id: str, number: str, now: Any) -> Any:
    from chalicelib.services.card_setup import DevCard, begin_card_setup, finish_card_setup

    setup = begin_card_setup(customer_id, now=now)
    assert setup.dev_form, "tests run against localstripe, where the development card form is on"
    return finish_card_setup(
        customer_id,
        setup.setup_intent_id,
        dev_card=DevCard(number, "12", "2030", "123"),
        actor=CUSTOMER,
        now=now,
    )


def bill_and_collect(billing: Billing, now: Any) -> None:
    from chalicelib.jobs import catalog

    catalog.run("run_billing", at=now, trigger="test")


def invoice_of(customer_id: str) -> Any:
    from chalicelib.store import invoices

    found = [i for i in invoices.of_customer(customer_id) if i.kind == "invoice"]
    assert len(found) == 1, found
    return invoices.get(found[0].id, consistent=True)


def mails_to(address: str) -> list[Any]:
    from chalicelib.store import mail

    return [m for m in mail.recent(200) if m.to == address]


def stripe_intents(stripe_customer_id: str) -> list[Any]:
    import stripe

    from chalicelib import bootstrap

    settings = bootstrap.settings()
    client = stripe.StripeClient(settings.stripe_api_key, base_addresses={"api": settings.stripe_api_base})
    found = client.v1.payment_intents.list(params={"limit": 100}).data
    return [i for i in found if i.customer == stripe_customer_id]


@pytest.fixture
def billing() -> Billing:
    return Billing()


def customer_with_email(billing: Billing, name: str) -> Any:
    from chalicelib.services.manage_customers import update_customer

    customer = billing.customer(name)
    email = f"{name.lower()}@example.com"
    return update_customer(customer.id, {"email": email}, actor=SYSTEM, now=START)


def test_a_saved_card_is_charged_when_billed_and_the_invoice_is_paid(billing: Billing) -> None:
    from chalicelib.store import cards, collections, payments

    customer = customer_with_email(billing, "Visa")
    saved = save_card(customer.id, VISA, START)
    assert (saved.card.brand, saved.card.last4, saved.card.exp_month, saved.card.exp_year) == (
        "visa",
        "4242",
        12,
        2030,
    )
    assert "4242424242424242" not in str(cards.profile(customer.id).__dict__), "card data never stored"

    bill_and_collect(billing, START)

    invoice = invoice_of(customer.id)
    assert invoice.total_minor == MONTHLY_TOTAL
    assert invoice.open_minor == 0 and invoice.paid_minor == MONTHLY_TOTAL
    collection = collections.get(invoice.id)
    assert collection.state is State.PAID and len(collection.attempts) == 1
    payment = payments.get(collection.payment_id)
    assert payment.method.value == "card" and payment.reference.startswith("pi_")
    assert payment.allocations[0].invoice_id == invoice.id
    intents = stripe_intents(saved.stripe_customer_id)
    assert [(i.amount, i.status) for i in intents] == [(MONTHLY_TOTAL, "succeeded")]


def test_a_declining_card_is_retried_on_schedule_dunned_suspended_and_restored_by_a_new_card(
    billing: Billing,
) -> None:
    from chalicelib.jobs import catalog
    from chalicelib.store import collections, contracts, dunning

    customer = customer_with_email(billing, "Decline")
    save_card(customer.id, DECLINES, START)
    bill_and_collect(billing, START)
    invoice = invoice_of(customer.id)
    assert invoice.open_minor == MONTHLY_TOTAL, "a declined charge pays nothing"
    collection = collections.get(invoice.id)
    assert collection.state is State.FAILED
    assert collection.next_try_at == collection.first_failed_at + timedelta(days=1)
    failed_mails = [m for m in mails_to(customer.email) if "failed" in m.subject]
    assert len(failed_mails) == 1 and "/portal/" in failed_mails[0].text, (
        "pay-now and card links in the email"
    )
    contract_id = invoice.contract_id
    assert dunning.get(contract_id).level is Level.PAST_DUE

    first = collection.first_failed_at
    for day, level in ((1, Level.PAST_DUE), (3, Level.PAST_DUE), (7, Level.WARNING), (14, Level.SUSPENDED)):
        at = first + timedelta(days=day, minutes=1)
        catalog.run("collect_payments", at=at, trigger="test")
        catalog.run("run_dunning", at=at, trigger="test")
        assert dunning.get(contract_id).level is level, day
    collection = collections.get(invoice.id)
    assert [a.status for a in collection.attempts] == [AttemptStatus.FAILED] * 5
    assert collection.state is State.STOPPED and "gave up after 5 tries" in collection.stop_reason
    assert contracts.get(contract_id).status is Status.SUSPENDED
    subjects = [m.subject for m in mails_to(customer.email)]
    assert sum("failed" in s for s in subjects) == 5, "an email on each failure"
    assert any("suspended on" in s for s in subjects) and any("is suspended" in s for s in subjects)

    # No more tries after the schedule: the job leaves it alone.
    catalog.run("collect_payments", at=first + timedelta(days=20), trigger="test")
    assert len(collections.get(invoice.id).attempts) == 5

    save_card(customer.id, VISA, first + timedelta(days=15))  # one immediate retry with the new card
    assert invoice_of(customer.id).open_minor == 0
    assert dunning.get(contract_id).level is Level.OK
    assert contracts.get(contract_id).status is Status.ACTIVE, "dunning resumes what it suspended"
    assert any("paid" in m.subject.lower() for m in mails_to(customer.email))


def test_dunning_cancels_at_thirty_days_and_paying_returns_it_to_ok(billing: Billing) -> None:
    from chalicelib.jobs import catalog
    from chalicelib.services.record_payment import record_payment
    from chalicelib.store import collections, contracts, dunning

    customer = customer_with_email(billing, "Late")
    save_card(customer.id, DECLINES, START)
    bill_and_collect(billing, START)
    invoice = invoice_of(customer.id)
    first = collections.get(invoice.id).first_failed_at
    catalog.run("run_dunning", at=first + timedelta(days=31), trigger="test")  # the job missed days
    assert dunning.get(invoice.contract_id).level is Level.CANCELLED
    contract = contracts.get(invoice.contract_id)
    assert contract.status is Status.CANCELLED and contract.cancellation.reason == "non_payment"

    record_payment(
        {
            "customer_id": customer.id,
            "amount_minor": MONTHLY_TOTAL,
            "method": "bank_transfer",
            "allocations": [{"invoice_id": invoice.id, "amount_minor": MONTHLY_TOTAL}],
        },
        actor=SYSTEM,
        now=first + timedelta(days=32),
    )
    assert dunning.get(invoice.contract_id).level is Level.OK
    assert collections.get(invoice.id).state is State.SETTLED, "no more charges once paid otherwise"
    history = [s.level for s in dunning.get(invoice.contract_id).steps]
    assert history == [Level.PAST_DUE, Level.CANCELLED, Level.OK]


def test_template_retry_days_are_used(billing: Billing) -> None:
    from chalicelib.services.manage_templates import update_template
    from chalicelib.store import collections, contract_templates

    update_template(billing.template.id, {"retry_days": [2, 5]}, actor=SYSTEM, now=START)
    assert contract_templates.get(billing.template.id).retry_days == (2, 5)
    customer = customer_with_email(billing, "Custom")
    save_card(customer.id, DECLINES, START)
    bill_and_collect(billing, START)
    collection = collections.get(invoice_of(customer.id).id)
    assert collection.retry_days == (2, 5)
    assert collection.next_try_at == collection.first_failed_at + timedelta(days=2)


def test_concurrent_runs_and_repeated_reports_charge_one_invoice_once(billing: Billing) -> None:
    from chalicelib.services.charge_invoice import apply_success
    from chalicelib.services.collect_payments import collect_due
    from chalicelib.store import cards, collections, payments

    customer = customer_with_email(billing, "Once")
    saved = save_card(customer.id, VISA, START)
    billing.bill(START)  # billed without the card job: the collection waits for it
    invoice = invoice_of(customer.id)
    assert collections.get(invoice.id).state is State.DUE

    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            collect_due(START + timedelta(minutes=1))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    collection = collections.get(invoice.id)
    assert collection.state is State.PAID and len(collection.attempts) == 1
    # The webhook reporting the same success later, twice, records nothing more.
    attempt = collection.attempts[0]
    for _ in range(2):
        apply_success(invoice.id, attempt.key, attempt.intent_id, MONTHLY_TOTAL, START + timedelta(minutes=2))
    # And another run of the job finds nothing to do.
    collect_due(START + timedelta(days=2))
    assert len(stripe_intents(cards.get(customer.id).stripe_customer_id)) == 1
    assert len(payments.of_customer(customer.id)) == 1
    assert invoice_of(customer.id).paid_minor == MONTHLY_TOTAL
    assert saved.stripe_customer_id


def test_a_late_failure_after_a_success_does_not_unpay_the_invoice(billing: Billing) -> None:
    from chalicelib.services.stripe_events import handle
    from chalicelib.store import collections

    customer = customer_with_email(billing, "Order")
    save_card(customer.id, VISA, START)
    bill_and_collect(billing, START)
    invoice = invoice_of(customer.id)
    attempt = collections.get(invoice.id).attempts[0]
    late = {
        "id": "evt_late",
        "type": "payment_intent.payment_failed",
        "data": {
            "object": {
                "id": attempt.intent_id,
                "object": "payment_intent",
                "metadata": {"crm_invoice": invoice.id, "crm_attempt": attempt.key},
                "last_payment_error": {"code": "card_declined", "decline_code": "insufficient_funds"},
            }
        },
    }
    assert handle(late, now=START + timedelta(minutes=5)).startswith("ignored")
    assert invoice_of(customer.id).open_minor == 0
    assert collections.get(invoice.id).state is State.PAID


def test_a_hard_decline_stops_retries_and_no_card_means_no_charge(billing: Billing) -> None:
    from chalicelib.services.charge_invoice import apply_failure, pay_now
    from chalicelib.store import collections

    customer = customer_with_email(billing, "Stolen")
    save_card(customer.id, VISA, START)
    billing.bill(START)
    invoice = invoice_of(customer.id)
    # The charge is in flight when Stripe reports a stolen card by webhook.
    from chalicelib.domain.card_payments import Trigger, start_attempt

    before = collections.get(invoice.id)
    started = collections.save(before, start_attempt(before, Trigger.ISSUED, invoice.open_minor, START))
    outcome = apply_failure(invoice.id, started.attempts[0].key, "pi_x", "stolen_card", "stolen", START)
    assert outcome.status == "failed"
    stopped = collections.get(invoice.id)
    assert (
        stopped.state is State.STOPPED and stopped.next_try_at is None and "new card" in stopped.stop_reason
    )

    other = customer_with_email(billing, "Nocard")
    billing.bill(START)
    with pytest.raises(ValidationError, match="no card"):
        pay_now(invoice_of(other.id).id, actor=CUSTOMER, now=START)
    assert collections.get(invoice_of(other.id).id) is None, "no card, no automatic payment"


def test_stripe_unreachable_leaves_the_invoice_open_and_the_next_run_resolves_it(
    billing: Billing, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from chalicelib import bootstrap
    from chalicelib.services.collect_payments import collect_due
    from chalicelib.store import cards, collections

    customer = customer_with_email(billing, "Offline")
    save_card(customer.id, VISA, START)
    billing.bill(START)
    invoice = invoice_of(customer.id)
    with socket.socket() as sock:  # a port nothing listens on: connection refused
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    real_base = bootstrap.settings().stripe_api_base
    monkeypatch.setenv("CRM_STRIPE_API_BASE", f"http://127.0.0.1:{dead}")
    bootstrap.reset()
    counts = collect_due(START + timedelta(minutes=1))
    assert counts.get("card_paid", 0) == 0
    stored = collections.get(invoice.id)
    assert invoice_of(customer.id).open_minor == MONTHLY_TOTAL, "nothing lost, nothing paid"
    assert stored.attempts and stored.attempts[0].status in (AttemptStatus.PENDING, AttemptStatus.UNAVAILABLE)
    assert stored.next_try_at is not None

    monkeypatch.setenv("CRM_STRIPE_API_BASE", str(real_base))
    bootstrap.reset()
    later = START + timedelta(hours=1)
    collect_due(later)
    collect_due(later + timedelta(hours=1))
    assert invoice_of(customer.id).open_minor == 0
    assert len(stripe_intents(cards.get(customer.id).stripe_customer_id)) == 1


def test_refunds_partial_then_full_with_credit_notes_and_not_above_the_payment(billing: Billing) -> None:
    from chalicelib.services.refund_payment import refund_payment
    from chalicelib.store import collections, invoices, payments

    customer = customer_with_email(billing, "Refund")
    save_card(customer.id, VISA, START)
    bill_and_collect(billing, START)
    invoice = invoice_of(customer.id)
    payment_id = collections.get(invoice.id).payment_id
    staff = Actor("staff-1", "Staff")
    with pytest.raises(ValidationError, match="above what is left") as error:
        refund_payment(payment_id, {"amount_minor": MONTHLY_TOTAL + 1}, actor=staff, now=START)
    assert error.value.field == "amount"

    after = refund_payment(payment_id, {"amount": "12.40", "reason": "late visit"}, actor=staff, now=START)
    assert after.refunded_minor == 1240 and after.refunds[0].id.startswith("re_")
    invoice = invoices.get(invoice.id, consistent=True)
    notes = [i for i in invoices.of_customer(customer.id) if i.kind == "credit_note"]
    assert len(notes) == 1 and notes[0].total_minor == 1240 and notes[0].number
    assert invoice.credited_minor == 1240 and invoice.paid_minor == MONTHLY_TOTAL - 1240
    assert invoice.open_minor == 0

    full = refund_payment(payment_id, {"full": True}, actor=staff, now=START)
    assert full.refunded_minor == MONTHLY_TOTAL and full.refundable_minor == 0
    assert invoices.get(invoice.id, consistent=True).open_minor == 0
    with pytest.raises(ValidationError, match="above what is left"):
        refund_payment(payment_id, {"amount": "0.01"}, actor=staff, now=START)
    assert len(payments.get(payment_id).refunds) == 2


def test_a_refund_reported_by_webhook_is_recorded_once(billing: Billing) -> None:
    from chalicelib.services.refund_payment import refund_payment
    from chalicelib.services.stripe_events import handle
    from chalicelib.store import collections, payments

    customer = customer_with_email(billing, "Hook")
    save_card(customer.id, VISA, START)
    bill_and_collect(billing, START)
    invoice = invoice_of(customer.id)
    payment = payments.get(collections.get(invoice.id).payment_id)
    refunded = refund_payment(payment.id, {"amount": "10.00"}, actor=SYSTEM, now=START)
    event = {
        "id": "evt_refund",
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": "ch_1",
                "object": "charge",
                "payment_intent": payment.reference,
                "amount_refunded": 1500,
                "refunds": {
                    "object": "list",
                    "data": [
                        {"id": refunded.refunds[0].id, "amount": 1000},
                        {"id": "re_dashboard", "amount": 500},  # made in Stripe's dashboard
                    ],
                },
            }
        },
    }
    assert handle(event, now=START).startswith("processed: 1 refund")
    assert handle(event, now=START).startswith("ignored")
    assert payments.get(payment.id).refunded_minor == 1500


def test_events_for_unknown_customers_and_types_are_ignored() -> None:
    from chalicelib.services.stripe_events import handle

    setup = {
        "id": "evt_1",
        "type": "setup_intent.succeeded",
        "data": {"object": {"id": "seti_1", "customer": "cus_nobody", "payment_method": "pm_1"}},
    }
    assert "no customer of ours" in handle(setup, now=START)
    assert handle({"id": "evt_2", "type": "invoice.finalized", "data": {"object": {}}}, now=START).startswith(
        "ignored"
    )
    foreign = {
        "id": "evt_3",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_1", "metadata": {}}},
    }
    assert "not started by the CRM" in handle(foreign, now=START)


def test_expiry_notices_thirty_and_seven_days_before_once_each(billing: Billing) -> None:
    from chalicelib.domain.card_payments import Card
    from chalicelib.services.card_expiry_notices import send_expiry_notices
    from chalicelib.store import cards

    customer = customer_with_email(billing, "Expiring")
    profile = save_card(customer.id, VISA, START)
    # The card on file expires at the end of next month (as the bank told us).
    cards.save(profile, replace(profile, card=Card(profile.card.payment_method_id, "visa", "4242", 2, 2027)))
    assert send_expiry_notices(START) == {}, "more than 30 days left on 1 January"
    assert send_expiry_notices(START + timedelta(days=30)) == {"expiry_notices_sent": 1}
    assert send_expiry_notices(START + timedelta(days=31)) == {}
    assert send_expiry_notices(START + timedelta(days=53)) == {"expiry_notices_sent": 1}
    notices = [m for m in mails_to(customer.email) if "expires" in m.subject]
    assert len(notices) == 2 and all("/portal/" in m.text for m in notices)
