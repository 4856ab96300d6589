"""Issuing a draft invoice or pro-forma (X3): its taxes fixed and the next number of its series.

The number is taken in the same transaction that issues the draft (see store.invoices.take_numbers),
so numbers stay gapless and unique when several people issue at once; a lost race tries again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Conflict
from chalicelib.domain.invoice_documents import ensure_draft, issued
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.numbering import format_number
from chalicelib.domain.periods import local_date
from chalicelib.services.manage_invoice_drafts import audited
from chalicelib.store import invoices, records

MAX_ATTEMPTS = 20


def issue_invoice(invoice_id: str, *, actor: Actor, now: datetime) -> Invoice:
    from chalicelib import bootstrap
    from chalicelib.services.invoice_tax import Taxer
    from chalicelib.store import customers

    draft = invoices.get(invoice_id, consistent=True)
    ensure_draft(draft)
    customer = customers.get(draft.customer_id)
    # Pro-formas show the tax too: the customer pays them as they would the invoice.
    products = {line.product_id for line in draft.lines if line.product_id}
    taxer = Taxer.of([draft.customer_id], products, bootstrap.settings().company_country, {})
    taxed = taxer.tax_lines(draft.customer_id, draft.lines, draft.tax_inclusive)
    today = local_date(now, customer.timezone)
    return write_numbered(draft, lambda number: issued(draft, number, today, taxed), today, actor, now)


def write_numbered(
    before: Invoice | None,
    build: Callable[[str], Invoice],
    today: date,
    actor: Actor,
    now: datetime,
    also: Callable[[records.Change], None] | None = None,
) -> Invoice:
    """Writes the document `build(number)` makes, numbered in its series; retried when numbers moved."""
    series_id = build("").series
    for _attempt in range(MAX_ATTEMPTS):
        series = invoices.series(series_id, now)
        change = records.Change()
        seq = invoices.take_numbers(change, series, 1)[0]
        after = build(format_number(series.format, seq, today))
        action = f"{after.kind}.issued"
        change.audit = actor.entry(
            "invoice", after.id, action, now, audited(before) if before else None, audited(after)
        )
        saved = invoices.saved(before, after, change)
        for item in invoices.revenue_items(saved):
            change.save(item)
        if also is not None:
            also(change)
        try:
            records.commit(change)
        except Conflict as error:
            if error.message != invoices.NUMBERS_MOVED:
                raise
            time.sleep(random.uniform(0, 0.02))  # noqa: S311 - jitter, not security
            continue
        return saved
    raise Conflict("could not take a number: too many documents issued at once; try again")
