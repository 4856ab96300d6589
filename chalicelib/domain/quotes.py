"""Quotes (C14): what we offer a customer, how long the offer stands, and where it is in its workflow.

A quote holds recurring lines (priced per billing period of its contract template) and one-off
lines. Accepting it turns the recurring lines into a contract (B1) and the one-off lines into an
order (C15). Money is integer minor units throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import Conflict, ValidationError

if TYPE_CHECKING:  # loaded on first use: the API registers its routes at cold start
    from chalicelib.domain.contracts import Line


class QuoteStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    VIEWED = "viewed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


AWAITING_ANSWER = frozenset({QuoteStatus.SENT, QuoteStatus.VIEWED})  # the customer may accept or decline

# action -> (statuses it may start from, status it leads to)
_MOVES: dict[str, tuple[frozenset[QuoteStatus], QuoteStatus]] = {
    "send": (frozenset({QuoteStatus.DRAFT}), QuoteStatus.SENT),
    "view": (frozenset({QuoteStatus.SENT}), QuoteStatus.VIEWED),
    "accept": (AWAITING_ANSWER, QuoteStatus.ACCEPTED),
    "decline": (AWAITING_ANSWER, QuoteStatus.DECLINED),
    "expire": (frozenset({QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.VIEWED}), QuoteStatus.EXPIRED),
}
ACTIONS = tuple(_MOVES)
OPEN = frozenset({QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.VIEWED})  # may still expire
MAX_NOTES = 2000


def move(status: QuoteStatus, action: str) -> QuoteStatus:
    """The status after `action`; a Conflict naming both statuses when the quote cannot do it now."""
    if action not in _MOVES:
        raise Conflict(f"unknown action {action!r}; actions: {', '.join(ACTIONS)}", field="action")
    allowed, target = _MOVES[action]
    if status not in allowed:
        raise Conflict(f"a quote that is {status.value} cannot become {target.value}", field="status")
    return target


def allowed_actions(status: QuoteStatus) -> list[str]:
    return [action for action, (allowed, _target) in _MOVES.items() if status in allowed]


@dataclass(frozen=True)
class QuoteLine:
    """A catalogue line, either billed every period of the contract (recurring) or once (one-off)."""

    line: Line
    recurring: bool

    @property
    def amount_minor(self) -> int:
        return self.line.period_amount

    def as_json(self) -> dict[str, Any]:
        return {**self.line.as_json(), "recurring": self.recurring}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuoteLine:
        from chalicelib.domain.contracts import Line

        return cls(Line.from_json(data), bool(data.get("recurring")))


@dataclass(frozen=True)
class Quote:
    id: str
    customer_id: str
    currency: str
    timezone: str  # the customer's: "valid until" ends at midnight there
    lines: tuple[QuoteLine, ...]
    valid_until: date
    created_at: datetime
    template_id: str = ""
    template_name: str = ""
    period: str = ""  # the template's billing period: recurring totals are per this period
    price_list_id: str = ""
    salesperson_id: str = ""
    notes: str = ""
    status: QuoteStatus = QuoteStatus.DRAFT
    sent_at: datetime | None = None
    accepted_at: datetime | None = None
    contract_id: str = ""
    order_id: str = ""
    version: int = 0

    @property
    def number(self) -> str:
        return f"Q-{self.id[:8].upper()}"

    @property
    def recurring_lines(self) -> list[Line]:
        return [q.line for q in self.lines if q.recurring]

    @property
    def one_off_lines(self) -> list[Line]:
        return [q.line for q in self.lines if not q.recurring]

    @property
    def recurring_total(self) -> int:
        """Per billing period of the template."""
        return sum((line.period_amount for line in self.recurring_lines), 0)

    @property
    def one_off_total(self) -> int:
        return sum((line.period_amount for line in self.one_off_lines), 0)

    def status_on(self, today: date) -> QuoteStatus:
        """The status as of `today`: an open quote past its validity is expired before the job says so."""
        if self.status in OPEN and self.valid_until < today:
            return QuoteStatus.EXPIRED
        return self.status

    def awaits_answer(self, today: date) -> bool:
        """Sent (or viewed) and still valid on `today`: the customer may accept or decline it."""
        return self.status_on(today) in AWAITING_ANSWER

    def actions_on(self, today: date) -> list[str]:
        return [a for a in allowed_actions(self.status_on(today)) if a != "expire"]


def next_status(quote: Quote, action: str, today: date) -> QuoteStatus:
    """Where `action` takes the quote today; an expired quote can no longer be sent or accepted."""
    return move(quote.status_on(today), action)


def check_lines(lines: list[QuoteLine], template_id: str) -> None:
    if not lines:
        raise ValidationError("add at least one line", field="lines")
    if any(q.recurring for q in lines) and not template_id:
        raise ValidationError(
            "recurring lines need a contract template (it gives the billing period)", field="template_id"
        )


def check_valid_until(valid_until: date, today: date) -> date:
    if valid_until < today:
        raise ValidationError(f"valid until {valid_until} is in the past", field="valid_until")
    return valid_until


def check_notes(notes: str) -> str:
    if len(notes) > MAX_NOTES:
        raise ValidationError(f"notes are at most {MAX_NOTES} characters", field="notes")
    return notes
