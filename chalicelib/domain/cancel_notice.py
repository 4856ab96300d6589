"""When a customer's own cancellation takes effect (B12): the notice period of the contract's terms.

The notice runs from the day the customer asks (in the contract's time zone). Where the terms make a
lower price wait for the end of the billing period ("period_end", "upgrades_now": the customer keeps
what they paid for), the cancellation waits for the end of the period the notice ends in. It never
reaches past the end of the current term: a fixed-term contract ends then anyway, and cancelling stops
its renewal.
"""

from __future__ import annotations

from datetime import date, timedelta

from chalicelib.domain.contracts import CANCEL_REASONS, Contract

STAFF_ONLY_REASONS = frozenset({"non_payment"})
CUSTOMER_REASONS = tuple(r for r in CANCEL_REASONS if r not in STAFF_ONLY_REASONS)
WAITS_FOR_PERIOD_END = frozenset({"period_end", "upgrades_now"})


def cancel_date(contract: Contract, today: date) -> date:
    """The last day of service is the day before this one (the contract's new end date)."""
    day = max(today + timedelta(days=contract.terms.notice_days), contract.start_date)
    if contract.terms.proration in WAITS_FOR_PERIOD_END:
        period = contract.period_of(day)
        if day != period.start:
            day = period.end
    if contract.end_date is not None:
        day = min(day, contract.end_date)
    return day


def ends_with_term(contract: Contract, today: date) -> bool:
    """True when the date is the term's end (the notice reaches it): the page says so."""
    return contract.end_date is not None and cancel_date(contract, today) == contract.end_date
