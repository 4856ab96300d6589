"""Saving a customer's card (B11): a Stripe customer on demand, a SetupIntent, the card's brand, last 4
and expiry kept (the card data stays at Stripe). A new card retries the declined invoices at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.card_payments import Card, SavedCard, with_card
from chalicelib.domain.errors import Conflict, NotFound, Unavailable, ValidationError
from chalicelib.store import cards

_DIGITS = re.compile(r"^[0-9]{12,19}$")


@dataclass(frozen=True)
class CardSetup:
    setup_intent_id: str
    client_secret: str
    dev_form: bool  # localstripe: a plain card form; on AWS Stripe.js collects the card
    publishable_key: str


@dataclass(frozen=True)
class DevCard:
    """Typed into the development-only card form (localstripe test cards)."""

    number: str
    exp_month: str
    exp_year: str
    cvc: str


def stripe_customer(customer_id: str, now: datetime) -> SavedCard:
    """The customer's payment profile, creating their Stripe customer the first time."""
    from chalicelib import bootstrap
    from chalicelib.store import customers

    existing = cards.profile(customer_id, consistent=True)
    if existing is not None:
        return existing
    try:
        customer = customers.get(customer_id)
    except NotFound:
        raise NotFound(f"no customer {customer_id}", field="customer_id") from None
    with gateway_errors():
        stripe_id = bootstrap.payment_gateway().create_customer(
            customer_id=customer.id, name=customer.name, email=customer.email
        )
    profile = SavedCard(customer_id=customer.id, stripe_customer_id=stripe_id, updated_at=now)
    try:
        return cards.save(None, profile)
    except Conflict:  # created at the same moment elsewhere (the same Stripe customer: same idempotency key)
        found = cards.profile(customer_id, consistent=True)
        assert found is not None
        return found


def begin_card_setup(customer_id: str, *, now: datetime) -> CardSetup:
    from chalicelib import bootstrap

    profile = stripe_customer(customer_id, now)
    with gateway_errors():
        started = bootstrap.payment_gateway().start_card_setup(profile.stripe_customer_id)
    settings = bootstrap.settings()
    return CardSetup(
        setup_intent_id=started.setup_intent_id,
        client_secret=started.client_secret,
        dev_form=settings.stripe_dev_cards,
        publishable_key=settings.stripe_publishable_key,
    )


def _dev_card(dev_card: DevCard) -> tuple[str, int, int, str]:
    number = re.sub(r"[\s-]", "", dev_card.number)
    if not _DIGITS.match(number):
        raise ValidationError("the card number must be 12 to 19 digits", field="card_number")
    month, year = dev_card.exp_month.strip(), dev_card.exp_year.strip()
    if not month.isdigit() or not 1 <= int(month) <= 12:
        raise ValidationError("the expiry month must be 1 to 12", field="exp_month")
    if not year.isdigit() or len(year) not in (2, 4):
        raise ValidationError("the expiry year must be like 2030", field="exp_year")
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    cvc = dev_card.cvc.strip()
    if not cvc.isdigit() or len(cvc) not in (3, 4):
        raise ValidationError("the CVC must be 3 or 4 digits", field="cvc")
    return number, int(month), full_year, cvc


def finish_card_setup(
    customer_id: str, setup_intent_id: str, *, dev_card: DevCard | None, actor: Actor, now: datetime
) -> SavedCard:
    """Saves the card the SetupIntent confirmed; a declined card is a ValidationError on `card`."""
    from chalicelib import bootstrap
    from chalicelib.adapters.payments_gateway import CardRefused

    before = cards.profile(customer_id, consistent=True)
    if before is None:
        raise ValidationError("start the card setup first", field="setup_intent_id")
    if not setup_intent_id.strip():
        raise ValidationError("setup_intent_id is required", field="setup_intent_id")
    gateway = bootstrap.payment_gateway()
    try:
        with gateway_errors():
            if dev_card is not None:
                if not bootstrap.settings().stripe_dev_cards:
                    raise ValidationError("the development card form is switched off here", field="card")
                number, month, year, cvc = _dev_card(dev_card)
                details = gateway.confirm_card_setup_dev(
                    setup_intent_id, number=number, exp_month=month, exp_year=year, cvc=cvc
                )
            else:
                details = gateway.card_of_setup(setup_intent_id)
    except CardRefused as refused:
        raise ValidationError(f"the card was not accepted: {refused.message}", field="card") from None
    owner = getattr(details, "stripe_customer_id", "")  # the card's Stripe customer, when the gateway says
    if owner and owner != before.stripe_customer_id:
        raise ValidationError("this card setup belongs to another customer", field="setup_intent_id")
    card = Card(details.payment_method_id, details.brand, details.last4, details.exp_month, details.exp_year)
    return save_card(before, card, actor=actor, now=now)


def save_card(before: SavedCard, card: Card, *, actor: Actor, now: datetime) -> SavedCard:
    """Keeps the card on the profile (audited on the customer) and retries declined invoices once."""
    from chalicelib.services.collect_payments import retry_after_new_card

    after = with_card(before, card, now)
    entry = actor.entry(
        "customer",
        before.customer_id,
        "card.saved",
        now,
        {"card": before.label} if before.card else None,
        {"card": after.label},
    )
    saved = cards.save(before, after, entry)
    retry_after_new_card(saved.customer_id, actor=actor, now=now)
    return saved


def set_autopay(customer_id: str, on: bool, *, actor: Actor, now: datetime) -> SavedCard:
    before = cards.get(customer_id, consistent=True)
    if before is None:
        raise ValidationError("save a card first: automatic payment needs one", field="autopay")
    from dataclasses import replace

    after = replace(before, autopay=on, updated_at=now)
    entry = actor.entry(
        "customer", customer_id, "card.autopay", now, {"autopay": before.autopay}, {"autopay": on}
    )
    return cards.save(before, after, entry)


@contextmanager
def gateway_errors() -> Iterator[None]:
    """Stripe unreachable -> Unavailable (503, nothing changed); a refused request -> ValidationError."""
    from chalicelib.adapters.payments_gateway import CardRefused, GatewayError, GatewayUnavailable

    try:
        yield
    except CardRefused:
        raise
    except GatewayUnavailable as error:
        raise Unavailable(f"Stripe could not be reached ({error}); nothing was changed, try again") from None
    except GatewayError as error:
        raise ValidationError(f"Stripe refused the request: {error}", field="card") from None
