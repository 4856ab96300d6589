"""Dunning (B25): an email on each failed card payment, then warning, suspension and cancellation as
days pass (the template's thresholds); everything paid brings the contract back to ok and resumes a
service dunning suspended. Each step is kept on the dunning record and in the contract's history."""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.card_payments import Attempt, Collection, settled
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.dunning import DEFAULT_DUNNING_DAYS, Action, Dunning, Level, escalate, recover
from chalicelib.domain.errors import Conflict, DomainError, NotFound
from chalicelib.store import collections, dunning, invoices, records

log = logging.getLogger(__name__)
SYSTEM = Actor("job:run_dunning", "Dunning")


def on_failure(collection: Collection, attempt: Attempt, *, now: datetime) -> None:
    """A declined charge: the customer is told at once, and the contract is past due (or further)."""
    from chalicelib.services.dunning_mail import payment_failed

    payment_failed(collection, attempt, now=now)
    review(collections.owner_key(collection), collection.customer_id, now=now)


def check_recovery(contract_id: str, customer_id: str, *, now: datetime) -> None:
    owner = contract_id or f"customer:{customer_id}"
    if dunning.get(owner) is None and not collections.failing_of(owner):
        return
    review(owner, customer_id, now=now)


def run_dunning(now: datetime) -> dict[str, Any]:
    """The scheduled pass: every contract with declined invoices or in dunning, moved on or restored."""
    owners: dict[str, str] = {}
    failing: dict[str, list[Collection]] = {}
    for collection in collections.failing():  # one query for all; grouped by contract
        owner = collections.owner_key(collection)
        owners[owner] = collection.customer_id
        failing.setdefault(owner, []).append(collection)
    for record in dunning.active():
        owners.setdefault(record.contract_id, record.customer_id)
    counts: Counter[str] = Counter()
    for owner, customer_id in sorted(owners.items()):
        try:
            counts[review(owner, customer_id, now=now, failing=failing.get(owner, []))] += 1
        except Exception:
            log.exception("dunning of %s failed", owner)
            counts["errors"] += 1
    return {"dunning_" + k: v for k, v in sorted(counts.items())}


def review(owner: str, customer_id: str, *, now: datetime, failing: list[Collection] | None = None) -> str:
    """Brings one contract's dunning up to date; returns its level after (or "unchanged").
    `failing`: its declined collections when the caller has them already."""
    unpaid = _unpaid(collections.failing_of(owner) if failing is None else failing)
    contract = _contract(owner)
    days = _days(contract)
    for _race in range(3):
        before = dunning.get(owner) or Dunning(contract_id=owner, customer_id=customer_id)
        if unpaid:
            since = min(c.first_failed_at for c in unpaid if c.first_failed_at)
            active = contract is not None and contract.status is Status.ACTIVE
            after, actions = escalate(before, since, now, days, contract_active=active)
        else:
            suspended = contract is not None and contract.status is Status.SUSPENDED
            after, actions = recover(before, now, contract_suspended=suspended)
        if after == before:
            return "unchanged"
        change = records.Change(conflict_message=dunning.CONFLICT)
        dunning.add_to(change, before if before.version else None, after)
        if after.level is not before.level:
            entity = ("contract", owner) if contract is not None else ("customer", customer_id)
            change.audit = SYSTEM.entry(
                *entity,
                "contract.dunning",
                now,
                {"dunning": before.level.value},
                {"dunning": after.level.value, "note": after.steps[-1].note if after.steps else ""},
            )
        try:
            records.commit(change)
        except Conflict:
            continue
        _act(actions, after, contract, unpaid, days, now)
        return after.level.value
    return "busy"


def _unpaid(failing: list[Collection]) -> list[Collection]:
    """The declined collections whose invoice is still owed; the others (paid by transfer, credited)
    are settled on the way so they stop counting."""
    if not failing:
        return []
    owed = invoices.get_many([c.invoice_id for c in failing])
    unpaid = []
    for collection in failing:
        invoice = owed.get(collection.invoice_id)
        if invoice is not None and invoice.open_minor > 0:
            unpaid.append(collection)
            continue
        with contextlib.suppress(Conflict):
            collections.save(collection, settled(collection, "paid or credited otherwise"))
    return unpaid


def _contract(owner: str) -> Any:
    from chalicelib.store import contracts

    if owner.startswith("customer:"):
        return None
    try:
        return contracts.get(owner, consistent=True)
    except NotFound:
        return None


def _days(contract: Any) -> tuple[int, int, int]:
    from chalicelib.store import contract_templates

    if contract is None:
        return DEFAULT_DUNNING_DAYS
    try:
        return contract_templates.get(contract.template_id).dunning_days
    except NotFound:
        return DEFAULT_DUNNING_DAYS


def _act(
    actions: list[Action],
    record: Dunning,
    contract: Any,
    unpaid: list[Collection],
    days: tuple[int, int, int],
    now: datetime,
) -> None:
    from chalicelib.services import dunning_mail

    for action in actions:
        try:
            if action is Action.SUSPEND and contract is not None:
                _status(contract.id, "suspend", now)
            elif action is Action.RESUME and contract is not None:
                _status(contract.id, "resume", now)
            elif action is Action.CANCEL and contract is not None:
                _cancel(contract.id, now)
            elif action is Action.WARN_CUSTOMER:
                dunning_mail.warning(record, unpaid, days, now=now)
            elif action is Action.THANK_CUSTOMER:
                dunning_mail.restored(record, now=now)
            elif action is Action.NOTIFY_STAFF:
                dunning_mail.staff_notice(record, contract, unpaid, now=now)
        except DomainError as error:  # e.g. staff cancelled it meanwhile: the step is recorded anyway
            log.warning("dunning %s of %s: %s", action.value, record.contract_id, error.message)
    if record.level in (Level.SUSPENDED, Level.CANCELLED) and actions:
        dunning_mail.customer_notice(record, unpaid, now=now)


def _status(contract_id: str, action: str, now: datetime) -> None:
    from chalicelib.services.manage_contracts import change_status
    from chalicelib.store import contracts

    contract = contracts.get(contract_id, consistent=True)
    change_status(contract_id, action, version=contract.version, actor=SYSTEM, now=now)


def _cancel(contract_id: str, now: datetime) -> None:
    from chalicelib.services.change_contract import change_contract
    from chalicelib.store import contracts

    contract = contracts.get(contract_id, consistent=True)
    if contract.status not in (Status.ACTIVE, Status.SUSPENDED, Status.DRAFT):
        return
    data = {"reason": "non_payment", "note": "cancelled by dunning: invoices unpaid", "when": "now"}
    change_contract(contract_id, "cancel", data, version=contract.version, actor=SYSTEM, now=now)
