"""Rules of tickets (complaints from the portal) and of visit feedback: what is accepted, what is refused
and which field the refusal names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.feedback import (
    is_low,
    parse_visit_subject,
    validate_rating,
    visit_key,
    visit_subject,
)
from chalicelib.domain.numbering import format_number
from chalicelib.domain.tickets import NUMBER_FORMAT, Ticket, move, servicing_contract, validate_complaint

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _ticket(status: str = "open") -> Ticket:
    return Ticket("t1", "T-000001", "c1", "i1", "", "It leaks", "normal", status, NOW, NOW, "customer:c1", 1)


@pytest.mark.parametrize(("seq", "number"), [(1, "T-000001"), (123, "T-000123"), (1_234_567, "T-1234567")])
def test_ticket_numbers_are_t_and_six_digits(seq: int, number: str) -> None:
    assert format_number(NUMBER_FORMAT, seq, date(2027, 1, 1)) == number


def test_a_complaint_needs_a_description_and_takes_an_urgency() -> None:
    complaint = validate_complaint({"description": "  Boiler leaks\r\nsince Monday ", "urgency": "high"})
    assert (complaint.description, complaint.urgency) == ("Boiler leaks\nsince Monday", "high")
    assert validate_complaint({"description": "Noise"}).urgency == "normal"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"description": ["a"]}, "description"),
        ({"description": "Leaks", "urgency": "panic"}, "urgency"),
    ],
)
def test_a_bad_complaint_is_refused_naming_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_complaint(data)
    assert refused.value.field == field
    assert field in refused.value.message


def test_4000_characters_are_still_a_description() -> None:
    assert len(validate_complaint({"description": "x" * 4000}).description) == 4000


@pytest.mark.parametrize(
    ("before", "after"),
    [("open", "in_progress"), ("in_progress", "resolved"), ("resolved", "closed"), ("closed", "open")],
)
def test_tickets_move_through_the_desk(before: str, after: str) -> None:
    later = datetime(2027, 3, 2, tzinfo=UTC)
    moved = move(_ticket(before), after, later)
    assert (moved.status, moved.updated_at, moved.created_at) == (after, later, NOW)


@pytest.mark.parametrize(("before", "after"), [("open", "open"), ("closed", "resolved"), ("open", "lost")])
def test_a_move_the_desk_does_not_make_is_refused(before: str, after: str) -> None:
    with pytest.raises(ValidationError) as refused:
        move(_ticket(before), after, NOW)
    assert refused.value.field == "status"


def test_the_servicing_contract_is_the_running_one_carrying_the_item() -> None:
    class Fake:
        def __init__(self, cid: str, status: Status, items: list[str]) -> None:
            self.id, self.status, self._items = cid, status, items

        def item_ids(self, day: date | None = None) -> list[str]:
            return self._items

    old = Fake("a", Status.EXPIRED, ["i1"])
    running = Fake("b", Status.ACTIVE, ["i1", "i2"])
    other = Fake("c", Status.ACTIVE, ["i3"])
    found = servicing_contract([old, other, running], "i1", date(2027, 1, 1))  # type: ignore[list-item]
    assert found is running
    assert servicing_contract([other], "i1", date(2027, 1, 1)) is None  # type: ignore[list-item]


@pytest.mark.parametrize("raw", ["1", "3", " 5 "])
def test_a_rating_is_a_whole_number_from_one_to_five(raw: str) -> None:
    given = validate_rating({"rating": raw, "comment": " Quick and tidy "})
    assert (given.rating, given.comment) == (int(raw), "Quick and tidy")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "rating"),
        ({"rating": ""}, "rating"),
        ({"rating": "0"}, "rating"),
        ({"rating": "6"}, "rating"),
        ({"rating": "4.5"}, "rating"),
        ({"rating": "²"}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"rating": "5", "comment": "x" * 2001}, "comment"),
    ],
)
def test_a_bad_rating_is_refused_naming_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_rating(data)
    assert refused.value.field == field


def test_a_comment_of_2000_characters_is_kept() -> None:
    assert len(validate_rating({"rating": "4", "comment": "y" * 2000}).comment) == 2000


def test_ratings_of_two_or_less_are_low() -> None:
    assert [r for r in range(1, 6) if is_low(r)] == [1, 2]


def test_a_feedback_subject_names_the_contract_and_the_visit() -> None:
    key = visit_key(date(2027, 4, 1), "item9")
    assert key == "2027-04-01#item9"
    assert parse_visit_subject(visit_subject("contract-2", key)) == ("contract-2", key)


@pytest.mark.parametrize(
    "subject", ["", "c1", "c1|", "|2027-04-01#i1", "c1|2027-04-01", "c1|2027-02-30#i1", "c/1|2027-04-01#i1"]
)
def test_anything_else_is_no_feedback_subject(subject: str) -> None:
    assert parse_visit_subject(subject) is None
