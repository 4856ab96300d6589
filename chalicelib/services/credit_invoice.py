"""Correcting an issued invoice (X2): a credit note, full or partial, issued and linked to it.

The credit note, its number, the invoice's credited amount (with a version check) and the negative
revenue are written in one transaction: two credit notes at once cannot together exceed the invoice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.ids import new_id
from chalicelib.domain.invoice_documents import credit_amounts, credit_note, issued_credit_note
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.periods import local_date
from chalicelib.services import collection_tasks
from chalicelib.services.issue_invoice import write_numbered
from chalicelib.store import invoices, records


def preview_credit_note(invoice_id: str, data: dict[str, Any], *, now: datetime) -> Invoice:
    """The credit note as it would be issued (draft, no number): raises the same errors as issuing."""
    invoice = invoices.get(invoice_id, consistent=True)
    reason = str(data.get("reason") or "").strip() or "preview"
    return credit_note(invoice, credit_amounts(invoice, data), note_id="preview", reason=reason, now=now)


def credit_invoice(invoice_id: str, data: dict[str, Any], *, actor: Actor, now: datetime) -> Invoice:
    from chalicelib.store import customers

    invoice = invoices.get(invoice_id, consistent=True)
    note = credit_note(
        invoice,
        credit_amounts(invoice, data),
        note_id=new_id(),
        reason=str(data.get("reason") or ""),
        now=now,
    )
    today = local_date(now, customers.get(invoice.customer_id).timezone)

    after = replace(invoice, credited_minor=invoice.credited_minor + note.total_minor)

    def credited(change: records.Change) -> None:
        invoices.saved(invoice, after, change)

    issued = write_numbered(
        None, lambda number: issued_credit_note(note, number, today), today, actor, now, credited
    )
    collection_tasks.close_paid([after], now=now)  # credited down to nothing owed: task done (B26)
    return issued
