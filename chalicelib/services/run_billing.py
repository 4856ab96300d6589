"""The billing run (B2, S5): every due contract billed for each due period, exactly once, numbered gaplessly.

Due contracts come from the sparse next-billing-date index (no scan). Up to ~20 contracts are
written per transaction: their invoices, the contracts advanced past the billed periods (with a
version check), and the series' counter moved from n to n+k (with a check that it is still n).
So an invoice exists only with its number and its contract's update: a run that dies after any
write leaves either all of a batch or none of it, a second run (or SQS delivering twice) finds
the periods billed, and two runs at once cannot both bill a period or take the same number.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.billing import PeriodBill, bill_period, periods_due
from chalicelib.domain.card_payments import SavedCard, chargeable, collection_for
from chalicelib.domain.contracts import Contract
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.invoices import Taxed, issued_from
from chalicelib.domain.numbering import format_number
from chalicelib.domain.periods import local_date
from chalicelib.store import cards, collections, contracts, invoices, records
from chalicelib.store.models_billing import InvoiceModel, InvoiceSeriesModel
from chalicelib.store.models_contracts import ContractModel

JOB_ACTOR = Actor("job:run_billing", "billing run")
BATCH_ACTIONS = 95  # of DynamoDB's 100 per transaction: see Planned.actions, plus 1 for the counter
NUMBERS_MOVED = invoices.NUMBERS_MOVED
MAX_ATTEMPTS = 25
LATEST_OFFSET = timedelta(hours=14)  # the earliest time zone (UTC+14) reaches a date first
BATCH_MESSAGE = "billing.batch"
DISPATCH_SIZE = 100  # contract ids per worker message (a worker writes them in transactions of ~20)


@dataclass(frozen=True)
class Planned:
    before: Contract
    after: Contract
    bills: tuple[PeriodBill, ...]
    today: date
    taxed: tuple[Taxed, ...] = ()  # one per bill
    autopay: bool = False  # the customer pays by card automatically: each invoice starts a collection

    @property
    def actions(self) -> int:
        """Writes in the transaction: contract, version, audit; per invoice itself, its revenue months
        and its card collection."""
        return 3 + sum(1 + _months(bill) + int(self.autopay) for bill in self.bills)


def _months(bill: PeriodBill) -> int:
    """Calendar months a bill's service days touch (at most), for sizing transactions."""
    starts = [line.service_start for line in bill.lines if line.service_start] or [bill.period.start]
    ends = [line.service_end for line in bill.lines if line.service_end] or [bill.period.end]
    first, last = min(starts), max(ends)
    return (last.year - first.year) * 12 + last.month - first.month + 2  # + the month a fee is invoiced


def due_contracts(now: datetime) -> Iterator[Contract]:
    """Contracts whose next billing date has come somewhere on Earth; each is checked in its own zone."""
    horizon = (now + LATEST_OFFSET).date().isoformat()
    for item in ContractModel.by_next_billing.query("due", ContractModel.next_billing_date <= horizon):
        yield contracts.from_item(item)


def plan(contract: Contract, now: datetime) -> Planned | None:
    """The contract's due periods, as many as fit one transaction; the next run bills the rest."""
    today = local_date(now, contract.timezone)
    bills: list[PeriodBill] = []
    current, actions = contract, 3
    for period in periods_due(contract, today):
        bill = bill_period(current, period, now, f"{contract.id}:{period.start.isoformat()}")
        actions += 1 + _months(bill)
        if bills and actions > BATCH_ACTIONS:
            break
        bills.append(bill)
        current = bill.contract_after
    return Planned(contract, current, tuple(bills), today) if bills else None


def run_billing(
    now: datetime,
    *,
    actor: Actor = JOB_ACTOR,
    series_id: str = invoices.DEFAULT_SERIES,
    dispatch: Callable[[list[dict[str, Any]]], None] | None = None,
) -> dict[str, Any]:
    """Bills what is due as of `now`, or with `dispatch` hands batches of contract ids to workers.

    On AWS `dispatch` is the SQS queue: each message is one worker Lambda's batch. A message
    delivered twice bills nothing twice: the worker reads the contracts again and skips what is billed.
    """
    if dispatch is None:
        return _bill(list(due_contracts(now)), now, actor, series_id)
    ids = [c.id for c in due_contracts(now)]
    messages = [
        {
            "type": BATCH_MESSAGE,
            "contract_ids": ids[i : i + DISPATCH_SIZE],
            "at": now.isoformat(),
            "series": series_id,
        }
        for i in range(0, len(ids), DISPATCH_SIZE)
    ]
    if messages:
        dispatch(messages)
    return {"contracts_due": len(ids), "batches_sent": len(messages)}


def bill_batch(
    contract_ids: list[str], now: datetime, *, series_id: str = invoices.DEFAULT_SERIES
) -> dict[str, Any]:
    """A worker's share: the contracts as they are now (consistent reads), billed as of `now`."""
    return _bill(contracts.get_many(contract_ids), now, JOB_ACTOR, series_id)


def _bill(due: list[Contract], now: datetime, actor: Actor, series_id: str) -> dict[str, Any]:
    """Batches never mix series: each transaction moves one series' counter."""
    from chalicelib import bootstrap
    from chalicelib.services.invoice_tax import Taxer

    counts: dict[str, Any] = {"contracts": 0, "invoices": 0, "skipped": 0}
    planned_all = [p for p in (plan(c, now) for c in due) if p is not None]
    taxer = Taxer.load([p.before for p in planned_all], bootstrap.settings().company_country)
    profiles = cards.of_customers([p.before.customer_id for p in planned_all]) if planned_all else {}
    waiting: dict[str, list[Planned]] = {}
    for planned in planned_all:
        try:
            planned = replace(
                planned,
                taxed=tuple(taxer.tax(planned.before, b) for b in planned.bills),
                autopay=_autopay(profiles.get(planned.before.customer_id)),
            )
        except ValidationError as error:
            # Not billed, nothing written: staff add the missing rate and the next run bills it.
            counts.setdefault("not_billed", []).append(f"{planned.before.number}: {error.message}")
            continue
        series = planned.before.terms.invoice_series or series_id
        batch = waiting.setdefault(series, [])
        if batch and sum(p.actions for p in batch) + planned.actions > BATCH_ACTIONS:
            _count(counts, *commit_batch(batch, series, actor, now))
            batch.clear()
        batch.append(planned)
    for series, batch in waiting.items():
        if batch:
            _count(counts, *commit_batch(batch, series, actor, now))
    return counts


def _autopay(profile: SavedCard | None) -> bool:
    return profile is not None and profile.charges_automatically


def _count(counts: dict[str, Any], done: list[Planned], skipped: list[Planned]) -> None:
    counts["contracts"] += len(done)
    counts["invoices"] += sum(len(p.bills) for p in done)
    counts["skipped"] += len(skipped)


def commit_batch(
    batch: list[Planned], series_id: str, actor: Actor, now: datetime
) -> tuple[list[Planned], list[Planned]]:
    """(billed, skipped): a contract changed or billed meanwhile is skipped; the next run sees it anew."""
    for _attempt in range(MAX_ATTEMPTS):
        series = invoices.series(series_id, now)
        try:
            _write(batch, series, actor, now)
            return batch, []
        except Conflict as error:
            if error.message == NUMBERS_MOVED or error.message == records.CONCURRENT:
                time.sleep(random.uniform(0, 0.02))  # noqa: S311 - jitter, not security
                continue
            if len(batch) == 1:
                return [], batch
            done: list[Planned] = []
            skipped: list[Planned] = []
            for planned in batch:  # find the one that cannot be written; bill the others
                ok, not_ok = commit_batch([planned], series_id, actor, now)
                done += ok
                skipped += not_ok
            return done, skipped
    raise Conflict("could not take invoice numbers: too many billing runs at once; run again")


def _write(batch: list[Planned], series: InvoiceSeriesModel, actor: Actor, now: datetime) -> None:
    change = records.Change()
    seqs = iter(invoices.take_numbers(change, series, sum(len(p.bills) for p in batch)))
    saves = []
    for planned in batch:
        numbers = []
        for index, bill in enumerate(planned.bills):
            seq = next(seqs)
            number = format_number(series.format, seq, planned.today)
            taxed = planned.taxed[index] if planned.taxed else None
            invoice = issued_from(bill, planned.before, series.id, number, planned.today, now, taxed)
            change.save(invoices.to_item(invoice), InvoiceModel.id.does_not_exist(), "already billed")
            for item in invoices.revenue_items(invoice):
                change.save(item)
            if planned.autopay and chargeable(invoice):
                collections.add_to(change, None, collection_for(invoice, now))
            numbers.append(f"{number} ({bill.period.start} to {bill.period.end})")
        saves.append(
            contracts.Saved(planned.before, planned.after, "contract.billed", "billed " + ", ".join(numbers))
        )
    contracts.commit(saves, actor, now, also=change)
