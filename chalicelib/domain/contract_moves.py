"""Moving lines between contracts (S3: reorganise, split, merge): pure, dates are arguments.

A moved line ends on the source on the day of the move and a copy runs on the target from that
day, with the installed items: the items move on with the line that runs on, as in change_line.
A line that had not started by then leaves the source entirely and starts on the target as planned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from chalicelib.domain.contracts import Contract, Line, end_line
from chalicelib.domain.errors import ValidationError


def running_line_ids(contract: Contract, day: date) -> list[str]:
    """Lines still running on `day` or starting later: what a merge moves."""
    return [line.id for line in contract.lines if not line.ended_by(day)]


def take_lines(contract: Contract, line_ids: list[str], day: date) -> tuple[Contract, list[Line]]:
    """The contract without the lines from `day`, and the lines as they run on from that day."""
    wanted = list(dict.fromkeys(line_ids))
    moving = []
    for line_id in wanted:
        line = contract.line(line_id)
        if line.ended_by(day):
            raise ValidationError(
                f"{contract.number}: {line.description} has ended before {day}", field="line_ids"
            )
        start = max(day, line.start or contract.start_date)
        runs_to_end = line.end is not None and line.end == contract.end_date
        moving.append(replace(line, start=start, end=None if runs_to_end else line.end))
    kept = []
    for line in contract.lines:
        if line.id not in wanted:
            kept.append(line)
        elif (ended := end_line(line, day, contract.start_date)) is not None:
            kept.append(replace(ended, item_ids=()))
    return replace(contract, lines=tuple(kept)), moving


def give_lines(contract: Contract, lines: list[Line], make_id: Callable[[], str]) -> Contract:
    """The contract with copies of `lines` (new ids); a start on or before its start reads as None."""
    if contract.end_date is not None:
        for line in lines:
            if line.start is not None and line.start >= contract.end_date:
                raise ValidationError(
                    f"{contract.number} ends on {contract.end_date}, before the lines would join it",
                    field="effective_date",
                )
    added = tuple(
        replace(
            line,
            id=make_id(),
            start=None if line.start is None or line.start <= contract.start_date else line.start,
        )
        for line in lines
    )
    return replace(contract, lines=(*contract.lines, *added))


def split_off(
    source: Contract, lines: list[Line], new_id: str, day: date, now: datetime, make_id: Callable[[], str]
) -> Contract:
    """A new contract of the same customer, template and terms holding `lines` from `day`.

    Billed from `day`: time the source had already invoiced comes back to it as a credit, and the
    new contract invoices it afresh. Only a percent discount carries over (an amount would count twice).
    """
    if source.end_date is not None and day >= source.end_date:
        raise ValidationError(
            f"{source.number} ends on {source.end_date}: nothing left to split", field="effective_date"
        )
    empty = replace(
        source,
        id=new_id,
        start_date=day,
        billed_until=day,
        lines=(),
        discount=replace(source.discount, amount_minor=0),
        adjustments=(),
        cancellation=None,
        renewed_from="",
        renewed_to="",
        term_number=1,
        quote_id="",
        reminders_sent=(),
        bill_now=None,
        created_at=now,
        version=0,
    )
    return give_lines(empty, lines, make_id)
