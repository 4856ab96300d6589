"""Pure rules of card collection and dunning: one attempt in flight, the retry schedule counted from the
first failure, hard declines stop, late reports change nothing, dunning levels only move forward."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.card_payments import (
    AttemptStatus,
    Card,
    State,
    Trigger,
    attempt_key,
    declined,
    expiry_notice_due,
    new_collection,
    settled,
    start_attempt,
    succeeded,
    unavailable,
)
from chalicelib.domain.dunning import Action, Dunning, Level, escalate, level_after, recover
from chalicelib.domain.errors import Conflict

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def started(collection=None, trigger=Trigger.ISSUED, at=T0):
    return start_attempt(collection or new_collection("inv1", "c1", "k1", "EUR", T0), trigger, 1000, at)


def decline(collection, code="insufficient_funds", at=T0, has_card=True):
    key = collection.attempts[-1].key
    return declined(collection, key, intent_id="pi_1", code=code, message="", has_card=has_card, now=at)


def test_an_attempt_key_names_the_invoice_and_the_attempt_number() -> None:
    first = started()
    assert first.attempts[0].key == attempt_key("inv1", 1) == "crm-invoice-inv1-attempt-1"
    assert first.state is State.CHARGING


def test_no_second_attempt_while_one_is_in_flight_or_after_payment() -> None:
    first = started()
    with pytest.raises(Conflict, match="already in progress"):
        start_attempt(first, Trigger.PAY_NOW, 1000, T0)
    paid = succeeded(first, first.attempts[0].key, "pi_1", "pay1", T0)
    with pytest.raises(Conflict, match="already paid"):
        start_attempt(paid, Trigger.STAFF, 1000, T0)


@pytest.mark.parametrize(
    ("declines", "next_in_days"),
    [(1, 1), (2, 3), (3, 7), (4, 14)],
)
def test_retries_follow_the_schedule_from_the_first_failure(declines: int, next_in_days: int) -> None:
    collection = new_collection("inv1", "c1", "k1", "EUR", T0)
    at = T0
    for _ in range(declines):
        collection = decline(
            started(collection, Trigger.RETRY, at) if collection.attempts else started(), at=at
        )
        at = collection.next_try_at or at
    assert collection.state is State.FAILED
    assert collection.next_try_at == T0 + timedelta(days=next_in_days)


def test_the_fifth_decline_stops_and_the_schedule_refuses_more() -> None:
    collection = started()
    for day in (1, 3, 7, 14):
        collection = started(
            decline(collection, at=T0 + timedelta(days=day - 1)), Trigger.RETRY, T0 + timedelta(days=day)
        )
    stopped = decline(collection, at=T0 + timedelta(days=14))
    assert stopped.state is State.STOPPED and stopped.next_try_at is None
    assert stopped.stop_reason == "gave up after 5 tries"
    with pytest.raises(Conflict, match="stopped"):
        start_attempt(stopped, Trigger.RETRY, 1000, T0 + timedelta(days=30))
    # A new card (or the customer paying now) may try once more.
    assert start_attempt(stopped, Trigger.CARD_UPDATED, 1000, T0 + timedelta(days=30)).state is State.CHARGING


def test_a_retry_before_its_time_is_refused() -> None:
    failed = decline(started())
    with pytest.raises(Conflict, match="not due yet"):
        start_attempt(failed, Trigger.RETRY, 1000, T0 + timedelta(hours=1))


@pytest.mark.parametrize(
    "code", ["stolen_card", "lost_card", "expired_card", "do_not_honor", "request_refused"]
)
def test_hard_declines_stop_at_once(code: str) -> None:
    stopped = decline(started(), code=code)
    assert stopped.state is State.STOPPED and "new card" in stopped.stop_reason


def test_without_a_card_charging_stops() -> None:
    assert decline(started(), has_card=False).stop_reason == "no card saved"


def test_a_late_failure_after_success_and_a_second_report_change_nothing() -> None:
    first = started()
    paid = succeeded(first, first.attempts[0].key, "pi_1", "pay1", T0)
    assert decline(paid) == paid
    failed = decline(started())
    assert decline(failed) == failed, "the same attempt reported failed twice counts once"


def test_unreachable_stripe_does_not_count_as_a_try() -> None:
    first = started()
    after = unavailable(first, first.attempts[0].key, "timeout", T0)
    assert after.attempts[0].status is AttemptStatus.UNAVAILABLE
    assert after.declines == 0 and after.state is State.DUE
    assert after.next_try_at == T0 + timedelta(minutes=30)


def test_settled_otherwise_stops_charging_but_paid_stays_paid() -> None:
    failed = decline(started())
    assert settled(failed, "paid by transfer").state is State.SETTLED
    first = started()
    paid = succeeded(first, first.attempts[0].key, "pi", "pay", T0)
    assert settled(paid, "x") == paid


@pytest.mark.parametrize(
    ("today", "sent", "expected"),
    [
        (date(2027, 1, 15), (), None),  # 44 days left
        (date(2027, 1, 30), (), 30),
        (date(2027, 1, 30), ("2027-02:30",), None),
        (date(2027, 2, 21), ("2027-02:30",), 7),
        (date(2027, 2, 21), (), 7),  # the job missed the 30-day notice: only the closest is sent
        (date(2027, 3, 1), (), None),  # expired
    ],
)
def test_expiry_notice_due(today: date, sent: tuple[str, ...], expected: int | None) -> None:
    card = Card("pm_1", "visa", "4242", 2, 2027)  # works through 28 February 2027
    assert expiry_notice_due(card, today, (30, 7), sent) == expected


@pytest.mark.parametrize(
    ("days", "level"),
    [
        (0, Level.PAST_DUE),
        (6.9, Level.PAST_DUE),
        (7, Level.WARNING),
        (14, Level.SUSPENDED),
        (30, Level.CANCELLED),
    ],
)
def test_dunning_level_by_days_since_the_first_failure(days: float, level: Level) -> None:
    assert level_after(T0, T0 + timedelta(days=days), (7, 14, 30)) is level


def test_dunning_steps_take_their_actions_once_and_missed_steps_only_the_last() -> None:
    start = Dunning("k1", "c1")
    past_due, actions = escalate(start, T0, T0, (7, 14, 30), contract_active=True)
    assert past_due.level is Level.PAST_DUE and actions == []
    warned, actions = escalate(past_due, T0, T0 + timedelta(days=7), (7, 14, 30), contract_active=True)
    assert actions == [Action.WARN_CUSTOMER, Action.NOTIFY_STAFF]
    again, actions = escalate(warned, T0, T0 + timedelta(days=8), (7, 14, 30), contract_active=True)
    assert again == warned and actions == []
    jumped, actions = escalate(warned, T0, T0 + timedelta(days=31), (7, 14, 30), contract_active=True)
    assert jumped.level is Level.CANCELLED and actions == [Action.CANCEL, Action.NOTIFY_STAFF]


def test_recovery_resumes_only_what_dunning_suspended() -> None:
    suspended, _ = escalate(
        Dunning("k1", "c1"), T0, T0 + timedelta(days=15), (7, 14, 30), contract_active=True
    )
    assert suspended.suspended_by_dunning
    ok, actions = recover(suspended, T0 + timedelta(days=16), contract_suspended=True)
    assert ok.level is Level.OK and actions[0] is Action.RESUME
    by_staff, _ = escalate(
        Dunning("k1", "c1"), T0, T0 + timedelta(days=15), (7, 14, 30), contract_active=False
    )
    _ok, actions = recover(by_staff, T0 + timedelta(days=16), contract_suspended=True)
    assert Action.RESUME not in actions, "a contract staff suspended stays suspended"


@given(st.lists(st.sampled_from(["decline", "success", "late_failure", "unavailable"]), max_size=12))
def test_no_sequence_of_reports_pays_twice_or_unpays(events: list[str]) -> None:
    collection = new_collection("inv1", "c1", "k1", "EUR", T0)
    at = T0
    paid_once = False
    for event in events:
        at += timedelta(days=15)
        if collection.open_attempt is None:
            try:
                collection = start_attempt(collection, Trigger.STAFF, 1000, at)
            except Conflict:
                assert collection.state in (State.PAID, State.SETTLED)
                continue
        key = collection.attempts[-1].key
        if event == "success":
            collection = succeeded(collection, key, "pi", "pay", at)
            paid_once = True
        elif event in ("decline", "late_failure"):
            collection = declined(
                collection, key, intent_id="pi", code="x", message="", has_card=True, now=at
            )
        else:
            collection = unavailable(collection, key, "down", at)
        if paid_once:
            assert collection.state is State.PAID
    assert sum(a.status is AttemptStatus.SUCCEEDED for a in collection.attempts) <= 1
