"""Dunning (B25): what happens to a contract while its card payments keep failing.

Counted in days since the first failed charge of its oldest unpaid invoice: past due at once, a
warning, then the service suspended, then the contract cancelled (template thresholds, default 7,
14 and 30 days). Paying the open invoices brings it back to ok; a contract dunning suspended is
resumed, one it cancelled stays cancelled (staff may sign a new one).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

DEFAULT_DUNNING_DAYS = (7, 14, 30)  # warning, suspend, cancel


class Level(StrEnum):
    OK = "ok"
    PAST_DUE = "past_due"
    WARNING = "warning"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


ORDER = (Level.OK, Level.PAST_DUE, Level.WARNING, Level.SUSPENDED, Level.CANCELLED)


class Action(StrEnum):
    WARN_CUSTOMER = "warn_customer"  # email: pay now or the service is suspended on <date>
    NOTIFY_STAFF = "notify_staff"
    SUSPEND = "suspend"
    CANCEL = "cancel"
    RESUME = "resume"
    THANK_CUSTOMER = "thank_customer"  # email: paid, all is well again


@dataclass(frozen=True)
class Step:
    level: Level
    at: datetime
    note: str


@dataclass(frozen=True)
class Dunning:
    contract_id: str
    customer_id: str
    level: Level = Level.OK
    since: datetime | None = None  # the first failure of the oldest unpaid invoice
    suspended_by_dunning: bool = False
    steps: tuple[Step, ...] = ()
    version: int = 0

    @property
    def active(self) -> bool:
        return self.level is not Level.OK


def level_after(since: datetime, now: datetime, days: tuple[int, int, int]) -> Level:
    elapsed = (now - since).total_seconds() / 86400
    warning, suspend, cancel = days
    if elapsed >= cancel:
        return Level.CANCELLED
    if elapsed >= suspend:
        return Level.SUSPENDED
    if elapsed >= warning:
        return Level.WARNING
    return Level.PAST_DUE


def _rank(level: Level) -> int:
    return ORDER.index(level)


def escalate(
    dunning: Dunning, since: datetime, now: datetime, days: tuple[int, int, int], *, contract_active: bool
) -> tuple[Dunning, list[Action]]:
    """The contract's dunning with failures since `since`: only ever forward, and when several steps
    were missed (the job did not run), only the last one's actions are taken."""
    target = level_after(since, now, days)
    if dunning.level is Level.CANCELLED or _rank(target) <= _rank(dunning.level):
        return (replace(dunning, since=dunning.since or since), [])
    actions: list[Action] = []
    suspended_by_dunning = dunning.suspended_by_dunning
    if target is Level.WARNING:
        actions = [Action.WARN_CUSTOMER, Action.NOTIFY_STAFF]
    elif target is Level.SUSPENDED:
        actions = [Action.SUSPEND, Action.NOTIFY_STAFF] if contract_active else [Action.NOTIFY_STAFF]
        suspended_by_dunning = suspended_by_dunning or contract_active
    elif target is Level.CANCELLED:
        actions = [Action.CANCEL, Action.NOTIFY_STAFF]
    note = _note(target, days)
    return (
        replace(
            dunning,
            level=target,
            since=dunning.since or since,
            suspended_by_dunning=suspended_by_dunning,
            steps=(*dunning.steps, Step(target, now, note)),
        ),
        actions,
    )


def _note(level: Level, days: tuple[int, int, int]) -> str:
    warning, suspend, cancel = days
    return {
        Level.PAST_DUE: "a card payment failed",
        Level.WARNING: f"unpaid for {warning} days: customer warned, staff told",
        Level.SUSPENDED: f"unpaid for {suspend} days: service suspended",
        Level.CANCELLED: f"unpaid for {cancel} days: contract cancelled",
    }.get(level, "")


def recover(dunning: Dunning, now: datetime, *, contract_suspended: bool) -> tuple[Dunning, list[Action]]:
    """Everything paid: back to ok; the service resumes if dunning suspended it."""
    if not dunning.active:
        return dunning, []
    actions = [Action.THANK_CUSTOMER, Action.NOTIFY_STAFF]
    if dunning.suspended_by_dunning and contract_suspended and dunning.level is not Level.CANCELLED:
        actions.insert(0, Action.RESUME)
    note = "paid: back to ok" + (
        "" if dunning.level is not Level.CANCELLED else " (the contract stays cancelled)"
    )
    return (
        replace(
            dunning,
            level=Level.OK,
            since=None,
            suspended_by_dunning=False,
            steps=(*dunning.steps, Step(Level.OK, now, note)),
        ),
        actions,
    )


def suspend_on(since: datetime, days: tuple[int, int, int]) -> datetime:
    """When the service will be suspended, for the warning email."""
    from datetime import timedelta

    return since + timedelta(days=days[1])
