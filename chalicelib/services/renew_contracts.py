"""Renewals (S7): manual renewal at any time, and the daily job that reminds, renews, expires, cancels.

The job is safe to run twice, also at the same time: every step is a conditional write on the
contract's version, a renewal's id is derived from the contract and its term (a second creation
fails), and a reminder is marked sent on the contract before its email goes out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_lifecycle import Status, move
from chalicelib.domain.contract_schedule import reminder_dates
from chalicelib.domain.contracts import Contract, renewal
from chalicelib.domain.errors import Conflict, DomainError
from chalicelib.domain.periods import local_date
from chalicelib.services.manage_contracts import check_version, persist
from chalicelib.store import contracts

JOB_ACTOR = Actor("job:renew_contracts", "renewal job")
MAX_REMINDER_DAYS = 365


def renewal_id(contract: Contract) -> str:
    """Derived, not random: two runs renewing the same term collide instead of creating two renewals."""
    return f"{contract.id.split('-')[0]}-{contract.term_number + 1}"


def _renewal_saves(old: Contract, today: date, now: datetime) -> tuple[list[contracts.Saved], Contract]:
    if old.cancellation is not None:
        raise Conflict("a cancelled contract is not renewed", field="status")
    if old.status is not Status.EXPIRED:
        move(old.status, "renew")
    start = max(old.end_date, today) if old.status is Status.EXPIRED and old.end_date else old.end_date
    new = renewal(old, renewal_id(old), start or today, now)  # raises for open-ended contracts
    ended = old.status is Status.EXPIRED or (old.end_date is not None and old.end_date <= today)
    status = move(old.status, "renew") if ended else old.status
    marked = replace(old, renewed_to=new.id, status=status)
    summary = f"renewed as {new.number} from {new.start_date} to {new.end_date}"
    return [
        contracts.Saved(old, marked, "contract.renewed", summary),
        contracts.Saved(None, new, "contract.created", f"renewal of {old.number}, term {new.term_number}"),
    ], new


def renew(contract_id: str, *, version: int, actor: Actor, now: datetime) -> Contract:
    """Staff renew a contract: the next term starts where this one ends (today if it has expired)."""
    old = contracts.get(contract_id, consistent=True)
    check_version(old, version)
    saves, _new = _renewal_saves(old, local_date(now, old.timezone), now)
    return persist(saves, actor, now)[1]


def run_renewals(now: datetime, *, actor: Actor = JOB_ACTOR) -> dict[str, Any]:
    """One pass: reminders due, then contracts at their end date renewed, expired or cancelled."""
    counts = {"reminded": 0, "renewed": 0, "expired": 0, "cancelled": 0, "closed": 0, "skipped": 0}
    horizon = now.date() + timedelta(days=MAX_REMINDER_DAYS + 1)
    for contract in contracts.ending_by(horizon):
        try:
            outcome = _handle(contract, now, actor)
        except (Conflict, DomainError):
            outcome = "skipped"  # changed meanwhile (another run, or staff): the next run sees it anew
        if outcome:
            counts[outcome] += 1
    return counts


def _handle(contract: Contract, now: datetime, actor: Actor) -> str:
    today = local_date(now, contract.timezone)
    end = contract.end_date
    if end is None:
        return ""
    if end > today:
        return _remind(contract, end, today, now, actor)
    if contract.cancellation is not None:
        after = replace(contract, status=move(contract.status, "cancel"))
        _save(contracts.Saved(contract, after, "contract.cancel", f"cancelled on {end}"), actor, now)
        return "cancelled"
    if contract.renewed_to:
        after = replace(contract, status=move(contract.status, "renew"))
        summary = f"term ended: continued by {contract.renewed_to}"
        _save(contracts.Saved(contract, after, "contract.renewed", summary), actor, now)
        return "closed"
    if contract.status is Status.DRAFT:
        return ""  # never started: staff decide
    if contract.terms.auto_renew:
        persist(_renewal_saves(contract, today, now)[0], actor, now)
        return "renewed"
    after = replace(contract, status=move(contract.status, "expire"))
    _save(contracts.Saved(contract, after, "contract.expire", f"expired on {end}"), actor, now)
    return "expired"


def _save(saved: contracts.Saved, actor: Actor, now: datetime) -> None:
    persist([saved], actor, now)


def _remind(contract: Contract, end: date, today: date, now: datetime, actor: Actor) -> str:
    if contract.renewed_to or contract.cancellation is not None or contract.status is Status.DRAFT:
        return ""
    due = [
        (days, on)
        for days, on in reminder_dates(end, contract.terms.reminder_days, end - timedelta(days=366))
        if on <= today and f"{end}:{days}" not in contract.reminders_sent
    ]
    if not due:
        return ""
    # One email however many were due: a late run does not send the 30- and 7-day ones together.
    days = (end - today).days
    keys = tuple(f"{end}:{d}" for d, _on in due)
    after = replace(contract, reminders_sent=(*contract.reminders_sent, *keys))
    summary = f"renewal reminder sent: {days} days before {end}"
    _save(contracts.Saved(contract, after, "contract.reminded", summary), actor, now)
    from chalicelib.services.contract_mail import send_renewal_reminder

    send_renewal_reminder(after, days, now)
    return "reminded"
