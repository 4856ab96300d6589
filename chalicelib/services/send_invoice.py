"""Emailing an issued invoice, credit note or pro-forma to the customer with its PDF attached.

A document is claimed before it is sent (a versioned write), so two senders at once (the job and a
"send" click) send it once. The email goes through the mail log: a delivery failure is recorded
there and retried by the mail job, and the invoice page shows it. A customer without an email
address is recorded on the invoice, and staff can send it again once the address is known.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.adapters.blobs import BlobStore
from chalicelib.adapters.mail import Attachment, MailTransport, Message
from chalicelib.adapters.pdf import PdfRenderer
from chalicelib.domain.errors import Conflict
from chalicelib.domain.invoice_mail import invoice_mail
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.money import format_amount
from chalicelib.store import invoices, records

NO_EMAIL = "the customer has no email address: add one and send again"


@dataclass(frozen=True)
class InvoiceMailer:
    transport: MailTransport
    blobs: BlobStore
    renderer: PdfRenderer
    sender: str
    company: str

    @classmethod
    def from_settings(cls) -> InvoiceMailer:
        from chalicelib import bootstrap

        settings = bootstrap.settings()
        return cls(
            transport=bootstrap.mail_transport(),
            blobs=bootstrap.blobs(),
            renderer=bootstrap.pdf_renderer(),
            sender=settings.mail_from,
            company=settings.company_name,
        )


def send_invoice(invoice_id: str, *, mailer: InvoiceMailer, now: datetime, again: bool = False) -> Invoice:
    """Sends it once; `again` sends an already sent one anew (staff asked to)."""
    before = invoices.get(invoice_id, consistent=True)
    if before.is_draft:
        raise Conflict("a draft is not sent: issue it first", field="status")
    if before.sent_at is not None and not again:
        return before
    claimed = _save(before, replace(before, send_error=f"sending since {now.isoformat(timespec='seconds')}"))
    return _send(claimed, mailer, now)


def _send(invoice: Invoice, mailer: InvoiceMailer, now: datetime) -> Invoice:
    from chalicelib.services.invoice_pdf import invoice_pdf
    from chalicelib.services.send_mail import send_mail
    from chalicelib.store import customers

    customer = customers.get(invoice.customer_id)
    if not customer.email:
        return _save(invoice, replace(invoice, send_error=NO_EMAIL))
    pdf = invoice_pdf(invoice, blobs=mailer.blobs, renderer=mailer.renderer, customer=customer)
    values = {
        "number": invoice.number,
        "company": mailer.company,
        "total": format_amount(invoice.total_minor, invoice.currency, customer.locale),
        "due": invoice.due_date.isoformat() if invoice.due_date else "",
    }
    subject, text = invoice_mail(customer.locale, invoice.kind, **values)
    message = Message(
        to=customer.email,
        subject=subject,
        text=text,
        attachments=(Attachment(f"{invoice.number}.pdf", "application/pdf", pdf),),
    )
    record = send_mail(message, transport=mailer.transport, blobs=mailer.blobs, sender=mailer.sender, now=now)
    return _save(invoice, replace(invoice, sent_at=now, send_error="", mail_id=record.id))


def _save(before: Invoice, after: Invoice) -> Invoice:
    change = records.Change()
    saved = invoices.saved(before, after, change, "the document is being sent by someone else")
    records.commit(change)
    return saved


def send_unsent(*, mailer: InvoiceMailer, now: datetime, limit: int = 200) -> dict[str, Any]:
    """The job's share: every issued document not emailed yet (another sender's are skipped)."""
    counts = {"sent": 0, "no_email": 0, "skipped": 0}
    for invoice_id in invoices.unsent(limit):
        try:
            sent = send_invoice(invoice_id, mailer=mailer, now=now)
        except Conflict:
            counts["skipped"] += 1
            continue
        counts["sent" if sent.sent_at else "no_email"] += 1
    return counts
