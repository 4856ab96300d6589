"""Card payments through Stripe (B5, B11, B25): the saved card and the collection of one invoice.

A collection holds every charge attempt of one invoice. At most one attempt is in flight, and an
attempt number is used once: its idempotency key is derived from the invoice and that number, so a
retried request can never become a second charge. Only a confirmed success pays the invoice.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from chalicelib.domain.errors import Conflict
from chalicelib.domain.invoices import Invoice

DEFAULT_RETRY_DAYS = (1, 3, 7, 14)  # after the first failure: 4 tries over 2 weeks
RESOLVE_AFTER = timedelta(minutes=10)  # an attempt with an unknown outcome is looked up again
PENDING_CHECK = timedelta(hours=1)  # a charge Stripe is still processing is asked about again
UNAVAILABLE_RETRY = timedelta(minutes=30)  # Stripe was unreachable or rate-limited: not a decline
# Declines that no retry can turn into a payment: the card must change first.
HARD_DECLINES = frozenset(
    {
        "authentication_required",
        "card_not_supported",
        "currency_not_supported",
        "do_not_honor",
        "do_not_try_again",
        "expired_card",
        "fraudulent",
        "incorrect_number",
        "invalid_account",
        "invalid_number",
        "lost_card",
        "merchant_blacklist",
        "new_account_information_available",
        "no_action_taken",
        "pickup_card",
        "request_refused",  # Stripe refused the request itself (not a decline): retrying the same fails
        "restricted_card",
        "revocation_of_all_authorizations",
        "revocation_of_authorization",
        "security_violation",
        "service_not_allowed",
        "stolen_card",
        "stop_payment_order",
        "transaction_not_allowed",
    }
)


@dataclass(frozen=True)
class Card:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int

    @property
    def expires_on(self) -> date:
        """A card works through the last day of its expiry month."""
        return date(self.exp_year, self.exp_month, calendar.monthrange(self.exp_year, self.exp_month)[1])

    @property
    def label(self) -> str:
        return f"{self.brand.title()} •••• {self.last4}, expires {self.exp_month:02d}/{self.exp_year}"


@dataclass(frozen=True)
class SavedCard:
    """A customer's payment profile: their Stripe customer and the card saved on it, if any."""

    customer_id: str
    stripe_customer_id: str
    card: Card | None = None
    autopay: bool = True  # charge the card when an invoice is issued
    updated_at: datetime | None = None
    notices: tuple[str, ...] = ()  # expiry notices sent: "<YYYY-MM>:<days>"
    version: int = 0

    @property
    def can_charge(self) -> bool:
        return self.card is not None

    @property
    def charges_automatically(self) -> bool:
        return self.card is not None and self.autopay

    @property
    def label(self) -> str:
        return self.card.label if self.card else "no card saved"


def with_card(profile: SavedCard, card: Card, now: datetime) -> SavedCard:
    """A new card replaces the old one; expiry notices start again for it."""
    return replace(profile, card=card, autopay=True, updated_at=now, notices=())


def expiry_notice_due(
    card: Card, today: date, days_before: tuple[int, ...], sent: tuple[str, ...]
) -> int | None:
    """The notice to send now (30 or 7 days before expiry...), or None: the latest one due, once."""
    left = (card.expires_on - today).days
    if left < 0:
        return None
    month = f"{card.exp_year:04d}-{card.exp_month:02d}"
    due = [d for d in sorted(days_before) if left <= d]
    if not due:
        return None
    closest = due[0]
    return None if f"{month}:{closest}" in sent else closest


def notice_key(card: Card, days: int) -> str:
    return f"{card.exp_year:04d}-{card.exp_month:02d}:{days}"


class AttemptStatus(StrEnum):
    PENDING = "pending"  # sent, or about to be: the outcome is not known yet
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # declined (or refused by Stripe): counts as a try
    UNAVAILABLE = "unavailable"  # Stripe could not be reached and nothing was charged: does not count


class Trigger(StrEnum):
    ISSUED = "issued"
    RETRY = "retry"
    CARD_UPDATED = "card_updated"
    PAY_NOW = "pay_now"
    STAFF = "staff"


@dataclass(frozen=True)
class Attempt:
    number: int
    key: str  # the Stripe idempotency key and the PaymentIntent's crm_attempt metadata
    trigger: Trigger
    started_at: datetime
    amount_minor: int
    status: AttemptStatus = AttemptStatus.PENDING
    intent_id: str = ""
    decline_code: str = ""
    message: str = ""
    finished_at: datetime | None = None

    @property
    def hard(self) -> bool:
        return self.decline_code in HARD_DECLINES

    @property
    def is_open(self) -> bool:
        return self.status is AttemptStatus.PENDING


class State(StrEnum):
    DUE = "due"  # to be charged now
    CHARGING = "charging"  # an attempt is in flight
    FAILED = "failed"  # declined: the next retry is scheduled
    STOPPED = "stopped"  # no more automatic tries (hard decline, no card, out of retries)
    PAID = "paid"  # paid by card
    SETTLED = "settled"  # paid or credited otherwise: nothing to collect


@dataclass(frozen=True)
class Collection:
    invoice_id: str
    customer_id: str
    contract_id: str
    currency: str
    state: State
    created_at: datetime
    retry_days: tuple[int, ...] = DEFAULT_RETRY_DAYS
    attempts: tuple[Attempt, ...] = ()
    next_try_at: datetime | None = None
    first_failed_at: datetime | None = None
    stop_reason: str = ""
    payment_id: str = ""
    version: int = 0

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.is_open), None)

    @property
    def declines(self) -> int:
        return sum(1 for a in self.attempts if a.status is AttemptStatus.FAILED)

    @property
    def last_attempt(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def failing(self) -> bool:
        """Declined and not paid: what dunning counts."""
        return self.state in (State.FAILED, State.STOPPED) and self.first_failed_at is not None

    def attempt(self, key: str) -> Attempt | None:
        return next((a for a in self.attempts if a.key == key), None)

    def retries_left(self) -> int:
        return max(0, len(self.retry_days) + 1 - self.declines)


def attempt_key(invoice_id: str, number: int) -> str:
    return f"crm-invoice-{invoice_id}-attempt-{number}"


def new_collection(
    invoice_id: str,
    customer_id: str,
    contract_id: str,
    currency: str,
    now: datetime,
    retry_days: tuple[int, ...] = DEFAULT_RETRY_DAYS,
) -> Collection:
    return Collection(
        invoice_id=invoice_id,
        customer_id=customer_id,
        contract_id=contract_id,
        currency=currency,
        state=State.DUE,
        created_at=now,
        retry_days=tuple(retry_days),
        next_try_at=now,
    )


def chargeable(invoice: Invoice) -> bool:
    """Only an issued invoice (not a credit note or pro-forma) with something left to pay is charged."""
    return invoice.kind == "invoice" and invoice.owes and invoice.open_minor > 0


def collection_for(invoice: Invoice, now: datetime) -> Collection:
    return new_collection(invoice.id, invoice.customer_id, invoice.contract_id, invoice.currency, now)


def may_start(collection: Collection, trigger: Trigger, now: datetime) -> str:
    """Why no attempt may start now, or "" when one may. Staff, the customer paying now and a new
    card may try a stopped collection again; the schedule may only try what is due."""
    if collection.open_attempt is not None:
        return "a charge for this invoice is already in progress"
    if collection.state in (State.PAID, State.SETTLED):
        return "this invoice is already paid"
    if trigger in (Trigger.ISSUED, Trigger.RETRY):
        if collection.state not in (State.DUE, State.FAILED):
            return f"automatic charging stopped: {collection.stop_reason or collection.state.value}"
        if collection.next_try_at is None or collection.next_try_at > now:
            return "the next try is not due yet"
    return ""


def start_attempt(collection: Collection, trigger: Trigger, amount_minor: int, now: datetime) -> Collection:
    """The collection with a new pending attempt; a Conflict when one may not start now."""
    reason = may_start(collection, trigger, now)
    if reason:
        raise Conflict(reason)
    number = len(collection.attempts) + 1
    attempt = Attempt(
        number=number,
        key=attempt_key(collection.invoice_id, number),
        trigger=trigger,
        started_at=now,
        amount_minor=amount_minor,
    )
    return replace(
        collection,
        state=State.CHARGING,
        attempts=(*collection.attempts, attempt),
        next_try_at=now + RESOLVE_AFTER,  # if we crash before the result is saved, look it up then
    )


def _with_attempt(collection: Collection, attempt: Attempt) -> tuple[Attempt, ...]:
    return tuple(attempt if a.number == attempt.number else a for a in collection.attempts)


def succeeded(collection: Collection, key: str, intent_id: str, payment_id: str, now: datetime) -> Collection:
    """Paid: final. A success for any attempt of this invoice wins over whatever came before."""
    attempt = collection.attempt(key)
    attempts = collection.attempts
    if attempt is not None:
        done = replace(
            attempt, status=AttemptStatus.SUCCEEDED, intent_id=intent_id or attempt.intent_id, finished_at=now
        )
        attempts = _with_attempt(collection, done)
    return replace(
        collection,
        state=State.PAID,
        attempts=attempts,
        next_try_at=None,
        stop_reason="",
        payment_id=payment_id,
    )


def declined(
    collection: Collection,
    key: str,
    *,
    intent_id: str,
    code: str,
    message: str,
    has_card: bool,
    now: datetime,
) -> Collection:
    """The attempt failed: the next retry is scheduled from the first failure, or charging stops.

    A late failure for an attempt that already has an outcome, or for a paid invoice, changes nothing.
    """
    attempt = collection.attempt(key)
    if attempt is None or not attempt.is_open or collection.state in (State.PAID, State.SETTLED):
        return collection
    done = replace(
        attempt,
        status=AttemptStatus.FAILED,
        intent_id=intent_id or attempt.intent_id,
        decline_code=code or "declined",
        message=message,
        finished_at=now,
    )
    failed = replace(collection, attempts=_with_attempt(collection, done))
    first = collection.first_failed_at or now
    failed = replace(failed, first_failed_at=first)
    if done.hard:
        return _stop(failed, f"the card was declined ({done.decline_code}): a new card is needed")
    if not has_card:
        return _stop(failed, "no card saved")
    tries = failed.declines  # the first charge plus the retries so far
    if tries > len(failed.retry_days):
        return _stop(failed, f"gave up after {tries} tries")
    next_at = first + timedelta(days=failed.retry_days[tries - 1])
    return replace(failed, state=State.FAILED, next_try_at=max(next_at, now), stop_reason="")


def _stop(collection: Collection, reason: str) -> Collection:
    return replace(collection, state=State.STOPPED, next_try_at=None, stop_reason=reason)


def unavailable(collection: Collection, key: str, message: str, now: datetime) -> Collection:
    """Stripe could not be reached and nothing was charged: try again soon; it does not count."""
    attempt = collection.attempt(key)
    if attempt is None or not attempt.is_open:
        return collection
    done = replace(attempt, status=AttemptStatus.UNAVAILABLE, message=message, finished_at=now)
    state = State.FAILED if collection.first_failed_at else State.DUE
    return replace(
        collection, state=state, attempts=_with_attempt(collection, done), next_try_at=now + UNAVAILABLE_RETRY
    )


def still_pending(
    collection: Collection, key: str, intent_id: str, message: str, now: datetime
) -> Collection:
    """Sent, with no final answer yet (timeout, processing): look it up again later. Never charge anew."""
    attempt = collection.attempt(key)
    if attempt is None or not attempt.is_open:
        return collection
    updated = replace(attempt, intent_id=intent_id or attempt.intent_id, message=message)
    wait = RESOLVE_AFTER if not intent_id else PENDING_CHECK
    return replace(collection, attempts=_with_attempt(collection, updated), next_try_at=now + wait)


def settled(collection: Collection, reason: str) -> Collection:
    """Paid or credited some other way: nothing more to charge (an attempt in flight still resolves)."""
    if collection.state is State.PAID:
        return collection
    return replace(collection, state=State.SETTLED, next_try_at=None, stop_reason=reason)


def reopened(collection: Collection, now: datetime) -> Collection:
    """Owed again (a payment reversed): charged again at once if the card allows it."""
    if collection.state not in (State.SETTLED, State.PAID):
        return collection
    return replace(collection, state=State.DUE, next_try_at=now, stop_reason="", payment_id="")
