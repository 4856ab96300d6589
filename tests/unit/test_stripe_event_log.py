"""The stored form of incoming Stripe events: what is parsed, what identifies an event, what a huge
payload is cut to, and when a claim has gone stale."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.stripe_event_log import (
    MAX_PAYLOAD_BYTES,
    MAX_TEXT,
    Status,
    failure_text,
    new_event,
    parse_event,
    status_of_outcome,
    stored_payload,
    stripe_customer_id,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def event(obj: dict, **extra: object) -> dict:
    return {
        "id": "evt_1",
        "object": "event",
        "type": "x.y",
        "created": 1_795_000_000,
        "data": {"object": obj},
        **extra,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"", "body"),
        (b"{", "body"),
        (b"\xff", "body"),
        (b"[1]", "body"),
        (b"[" * 100_000, "body"),
        (b'{"type": "a", "created": 1}', "id"),
        (b'{"id": "", "type": "a", "created": 1}', "id"),
        (b'{"id": 5, "type": "a", "created": 1}', "id"),
        (json.dumps({"id": "e" * 256, "type": "a", "created": 1}).encode(), "id"),
        (b'{"id": "evt_1", "created": 1}', "type"),
        (b'{"id": "evt_1", "type": "a"}', "created"),
        (b'{"id": "evt_1", "type": "a", "created": "yesterday"}', "created"),
        (b'{"id": "evt_1", "type": "a", "created": true}', "created"),
        (b'{"id": "evt_1", "type": "a", "created": -1}', "created"),
    ],
)
def test_a_body_that_is_no_event_is_refused_naming_what_is_wrong(body: bytes, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_event(body)
    assert error.value.field == field and error.value.message


def test_an_event_is_parsed_whole() -> None:
    sent = event({"id": "pi_1", "object": "payment_intent", "amount": 100})
    assert parse_event(json.dumps(sent, indent=2).encode()) == sent


@pytest.mark.parametrize(
    ("obj", "customer"),
    [
        ({"id": "pi_1", "object": "payment_intent", "customer": "cus_1"}, "cus_1"),
        (
            {"id": "pi_1", "object": "payment_intent", "customer": {"id": "cus_2", "object": "customer"}},
            "cus_2",
        ),
        ({"id": "pi_1", "object": "payment_intent", "customer": None}, ""),
        ({"id": "cus_3", "object": "customer"}, "cus_3"),
        ({"id": "pm_1", "object": "payment_method"}, ""),
    ],
)
def test_the_stripe_customer_is_found_as_an_id_or_an_expanded_object(obj: dict, customer: str) -> None:
    assert stripe_customer_id(event(obj)) == customer


def test_a_first_delivery_is_recorded_claimed_with_what_identifies_it() -> None:
    record = new_event(
        event({"id": "ch_1", "object": "charge", "customer": "cus_1"}, livemode=True),
        received_at=NOW,
        claim="c1",
    )
    assert (record.status, record.attempts, record.claim, record.claimed_at) == (
        Status.RECEIVED,
        1,
        "c1",
        NOW,
    )
    assert (record.object_id, record.stripe_customer_id, record.livemode) == ("ch_1", "cus_1", True)
    assert record.created == datetime.fromtimestamp(1_795_000_000, UTC)
    assert not record.payload_truncated and not record.done


def test_an_event_without_an_object_is_still_recorded() -> None:
    record = new_event(
        {"id": "evt_2", "type": "ping", "created": 1, "data": "odd"}, received_at=NOW, claim="c"
    )
    assert (record.object_id, record.stripe_customer_id) == ("", "")


def test_a_payload_that_fits_is_kept_whole_and_a_huge_one_is_cut_to_a_summary() -> None:
    small = event({"id": "in_1", "object": "invoice", "total": 5})
    assert stored_payload(small) == (small, False)

    lines = {"object": "list", "data": [{"id": f"il_{i}", "text": "x" * 200} for i in range(1000)]}
    huge = event(
        {
            "id": "in_1",
            "object": "invoice",
            "total": 5,
            "customer": "cus_1",
            "note": "n" * 5000,
            "lines": lines,
        }
    )
    kept, cut = stored_payload(huge)
    assert cut and len(json.dumps(kept).encode()) <= MAX_PAYLOAD_BYTES
    assert kept["id"] == "evt_1" and kept["type"] == "x.y" and kept["created"] == huge["created"]
    assert kept["data"]["object"]["total"] == 5 and kept["data"]["object"]["customer"] == "cus_1"
    assert "lines" not in kept["data"]["object"] and len(kept["data"]["object"]["note"]) == 500
    assert kept["crm_truncated"]["original_bytes"] > MAX_PAYLOAD_BYTES


def test_a_summary_that_is_still_too_big_keeps_only_the_object_identity() -> None:
    many = {f"field_{i}": "v" * 400 for i in range(400)}
    kept, cut = stored_payload(event({"id": "cus_1", "object": "customer", "status": "x", **many}))
    assert cut and kept["data"]["object"] == {"id": "cus_1", "object": "customer", "status": "x"}
    assert len(json.dumps(kept).encode()) <= MAX_PAYLOAD_BYTES


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("processed: invoice INV-1 paid", Status.PROCESSED),
        ("ignored: charge.updated is not handled", Status.IGNORED),
        ("Ignored: no invoice", Status.IGNORED),
        ("marked paid", Status.PROCESSED),
    ],
)
def test_the_handlers_outcome_decides_processed_or_ignored(outcome: str, status: Status) -> None:
    assert status_of_outcome(outcome) is status


def test_a_claim_goes_stale_after_five_minutes_and_only_then_may_be_taken_over() -> None:
    record = new_event(event({"id": "pi_1"}), received_at=NOW, claim="c")
    assert not record.claim_is_stale(NOW + timedelta(minutes=5))
    assert record.claim_is_stale(NOW + timedelta(minutes=5, seconds=1))
    assert not record.can_process_again(NOW + timedelta(minutes=4))
    assert record.can_process_again(NOW + timedelta(minutes=6))
    failed = replace(record, status=Status.FAILED, claim="", claimed_at=None)
    assert failed.can_process_again(NOW) and not failed.claim_is_stale(NOW)
    assert not replace(failed, payload_truncated=True).can_process_again(NOW)
    assert not replace(failed, status=Status.PROCESSED).can_process_again(NOW + timedelta(days=1))


def test_an_error_is_recorded_with_its_type_and_a_bounded_length() -> None:
    assert failure_text(KeyError("inv_1")) == "failed: KeyError: 'inv_1'"
    assert len(failure_text(RuntimeError("x" * 10_000))) == MAX_TEXT
