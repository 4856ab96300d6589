"""A pro-forma the customer agreed to (or paid) becomes a draft invoice with the same lines."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.ids import new_id
from chalicelib.domain.invoice_documents import invoice_from_proforma
from chalicelib.domain.invoices import Invoice
from chalicelib.services.manage_invoice_drafts import audited
from chalicelib.store import invoices, records


def invoice_proforma(proforma_id: str, *, actor: Actor, now: datetime) -> Invoice:
    draft = invoice_from_proforma(invoices.get(proforma_id, consistent=True), new_id(), now)
    entry = actor.entry(
        "invoice", draft.id, "invoice.drafted", now, after={**audited(draft), "from": proforma_id}
    )
    change = records.Change(audit=entry)
    saved = invoices.saved(None, draft, change)
    records.commit(change)
    return saved
