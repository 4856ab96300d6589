"""Issuing a draft invoice or pro-forma (X3): its taxes fixed and the next number of its series.

The number is taken in the same transaction that issues the draft (store.invoices.with_next_number),
so numbers stay gapless and unique when several people issue at once; a lost race tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import NotFound
from chalicelib.domain.invoice_documents import ensure_draft, issued
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.periods import local_date
from chalicelib.services.manage_invoice_drafts import audited
from chalicelib.store import invoices, records

log = logging.getLogger(__name__)


def issue_invoice(invoice_id: str, *, actor: Actor, now: datetime) -> Invoice:
    from chalicelib import bootstrap
    from chalicelib.services.invoice_tax import Taxer

    draft = invoices.get(invoice_id, consistent=True)
    ensure_draft(draft)
    # Pro-formas show the tax too: the customer pays them as they would the invoice.
    products = {line.product_id for line in draft.lines if line.product_id}
    taxer = Taxer.of([draft.customer_id], products, bootstrap.settings().company_country, {})
    if draft.customer_id not in taxer.customers:  # the tax reads the customer: no second read here
        raise NotFound(f"no customer {draft.customer_id}", field="customer_id")
    taxed = taxer.tax_lines(draft.customer_id, draft.lines, draft.tax_inclusive)
    today = local_date(now, taxer.customers[draft.customer_id].timezone)
    invoice = write_numbered(draft, lambda number: issued(draft, number, today, taxed), today, actor, now)
    _charge_if_automatic(invoice, now)
    return invoice


def _charge_if_automatic(invoice: Invoice, now: datetime) -> None:
    """B5: a customer paying automatically by card is charged as the invoice is issued. The invoice
    is issued whatever happens here; the card payment job picks up anything left undone."""
    from chalicelib.services.collect_payments import start_autopay

    try:
        start_autopay(invoice, now=now)
    except Exception:
        log.exception("charging invoice %s at issue failed; the card payment job tries again", invoice.id)


def write_numbered(
    before: Invoice | None,
    build: Callable[[str], Invoice],
    today: date,
    actor: Actor,
    now: datetime,
    also: Callable[[records.Change], None] | None = None,
) -> Invoice:
    """Writes the document `build(number)` makes, numbered in its series, with its revenue months."""

    def write(number: str, change: records.Change) -> Invoice:
        after = build(number)
        change.audit = actor.entry(
            "invoice",
            after.id,
            f"{after.kind}.issued",
            now,
            audited(before) if before else None,
            audited(after),
        )
        saved = invoices.saved(before, after, change)
        for item in invoices.revenue_items(saved):
            change.save(item)
        if also is not None:
            also(change)
        records.commit(change)
        return saved

    return invoices.with_next_number(build("").series, today, now, write)
