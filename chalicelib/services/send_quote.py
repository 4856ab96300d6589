"""Sending a quote to the customer by email (C14): a draft becomes sent; a sent one can be sent again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.adapters.blobs import BlobStore
from chalicelib.adapters.mail import MailTransport, Message
from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.quotes import Quote, next_status
from chalicelib.services.manage_quotes import audited, today_of
from chalicelib.services.quote_summary import summary
from chalicelib.store import quotes


@dataclass(frozen=True)
class Mailer:
    transport: MailTransport
    blobs: BlobStore
    sender: str
    company: str


def send_quote(quote_id: str, *, mailer: Mailer, actor: Actor, now: datetime) -> Quote:
    """The status is saved before the email goes out: a lost race sends nothing twice."""
    from chalicelib.services.send_mail import send_mail
    from chalicelib.store import customers
    from chalicelib.web.render import render

    before = quotes.get(quote_id, consistent=True)
    customer = customers.get(before.customer_id)
    if not customer.email:
        raise ValidationError(f"{customer.name} has no email address to send the quote to", field="email")
    if before.awaits_answer(today_of(before, now)):
        after, action = replace(before, sent_at=now), "quote.resent"
    else:
        after = replace(before, status=next_status(before, "send", today_of(before, now)), sent_at=now)
        action = "quote.sent"
    entry = actor.entry(
        "quote", quote_id, action, now, audited(before), {**audited(after), "to": customer.email}
    )
    saved = quotes.save(before, after, entry)
    values = {**summary(saved, customer.locale), "customer_name": customer.name, "notes": saved.notes}
    message = Message(
        to=customer.email,
        subject=f"Quote {saved.number} from {mailer.company}",
        text=render("email/quote_sent.txt", **values, company=mailer.company),
    )
    send_mail(message, transport=mailer.transport, blobs=mailer.blobs, sender=mailer.sender, now=now)
    return saved
