"""Sending a purchase order (S13): the next PO number, taken in the transaction that marks it sent,
then an email to the vendor with the PDF.

Numbers are gapless like invoice numbers (store.invoices.take_numbers moves the series counter in
the same transaction); a lost race tries again. The email goes after the number is saved, through
the mail log (a delivery failure is retried by the mail job). A vendor without an email address
is noted on the order: it is still sent and numbered, and staff can email it again later.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.adapters.mail import Attachment, Message
from chalicelib.domain.audit import Actor
from chalicelib.domain.periods import local_date
from chalicelib.domain.purchase_orders import (
    SERIES,
    PurchaseOrder,
    PurchaseOrderStatus,
    ensure_costed,
    move,
)
from chalicelib.services.send_invoice import InvoiceMailer
from chalicelib.store import invoices, purchase_orders, records

NO_EMAIL = "the vendor has no email address: the purchase order was not emailed"


def send_purchase_order(po_id: str, *, mailer: InvoiceMailer, actor: Actor, now: datetime) -> PurchaseOrder:
    """A draft is numbered, marked sent and emailed; a sent one is emailed again."""
    before = purchase_orders.get(po_id, consistent=True)
    if before.status is PurchaseOrderStatus.SENT:
        return email_purchase_order(before, mailer=mailer, now=now)
    move(before.status, "send")
    ensure_costed(before)
    return email_purchase_order(number_and_mark_sent(before, actor=actor, now=now), mailer=mailer, now=now)


def number_and_mark_sent(before: PurchaseOrder, *, actor: Actor, now: datetime) -> PurchaseOrder:
    from chalicelib.store import customers

    today = local_date(now, customers.get(before.vendor_id).timezone or "UTC")

    def write(number: str, change: records.Change) -> PurchaseOrder:
        after = replace(before, status=PurchaseOrderStatus.SENT, number=number, sent_at=now)
        change.audit = actor.entry(
            "purchase_order", before.id, "purchase_order.sent", now, before.audited(), after.audited()
        )
        return purchase_orders.save(before, after, change)

    return invoices.with_next_number(SERIES, today, now, write)


def email_purchase_order(po: PurchaseOrder, *, mailer: InvoiceMailer, now: datetime) -> PurchaseOrder:
    from chalicelib.domain.document_labels import document_locale, labels
    from chalicelib.services.purchase_order_pdf import purchase_order_filename, purchase_order_pdf
    from chalicelib.services.send_mail import send_mail
    from chalicelib.store import customers

    vendor = customers.get(po.vendor_id)
    if not vendor.email:
        return _mail_state(po, replace(po, send_error=NO_EMAIL))
    words = labels(document_locale(vendor.locale))
    pdf = purchase_order_pdf(po, renderer=mailer.renderer, today=now.date())
    message = Message(
        to=vendor.email,
        subject=f"{words['purchase_order']} {po.number} · {mailer.company}",
        text=f"{words['purchase_order_mail'].format(number=po.number)}\n\n{mailer.company}\n",
        attachments=(Attachment(purchase_order_filename(po), "application/pdf", pdf),),
    )
    record = send_mail(message, transport=mailer.transport, blobs=mailer.blobs, sender=mailer.sender, now=now)
    return _mail_state(po, replace(po, send_error="", mail_id=record.id))


def _mail_state(before: PurchaseOrder, after: PurchaseOrder) -> PurchaseOrder:
    """Mail state only (the mail log holds the email itself): a versioned write, not audited."""
    return purchase_orders.save(before, after, records.Change())
