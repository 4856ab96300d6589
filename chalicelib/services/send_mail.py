"""Sending email: logged before it is sent, kept as .eml, a failure recorded for the retry job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.adapters.blobs import BlobStore
from chalicelib.adapters.mail import MailError, MailTransport, Message, build_mime
from chalicelib.domain.ids import new_id
from chalicelib.store import mail
from chalicelib.store.mail import MailRecord

MAX_ATTEMPTS = 5


def send_mail(
    message: Message, *, transport: MailTransport, blobs: BlobStore, sender: str, now: datetime
) -> MailRecord:
    """Never raises for a delivery failure: the record says `failed` and the retry job tries again."""
    mail_id = new_id()
    mime = build_mime(message, sender=sender, message_id=mail_id, now=now)
    eml_key = f"mail/{mail_id}.eml"
    blobs.put(eml_key, mime, "message/rfc822")
    mail.create(
        mail_id=mail_id,
        now=now,
        to=message.to,
        subject=message.subject,
        text=message.text,
        html=message.html,
        eml_key=eml_key,
        attachments=[
            {"filename": a.filename, "content_type": a.content_type, "size": len(a.data)}
            for a in message.attachments
        ],
    )
    return _deliver(mail_id, message.to, mime, transport)


def send_templated(to: str, template: str, values: dict[str, Any], *, now: datetime) -> MailRecord:
    """Renders templates/email/<template>_subject.txt and <template>.txt and sends them through the
    configured transport, logged like every email."""
    from chalicelib.web.render import render

    subject = render(f"email/{template}_subject.txt", **values).strip()
    return send_text(to, subject, render(f"email/{template}.txt", **values), now=now)


def send_text(to: str, subject: str, text: str, *, now: datetime) -> MailRecord:
    """A plain-text email (already written: a template's stage text, a notice) through the configured
    transport, logged like every email."""
    from chalicelib import bootstrap

    return send_mail(
        Message(to=to, subject=subject, text=text),
        transport=bootstrap.mail_transport(),
        blobs=bootstrap.blobs(),
        sender=bootstrap.settings().mail_from,
        now=now,
    )


def retry_failed_mail(*, transport: MailTransport, blobs: BlobStore) -> dict[str, int]:
    """The scheduled retry: each failed email is sent again until MAX_ATTEMPTS."""
    counts = {"retried": 0, "sent": 0, "failed": 0, "given_up": 0}
    for mail_id in mail.failed_ids():
        record = mail.get(mail_id)
        if record.attempts >= MAX_ATTEMPTS or record.eml_key is None:
            counts["given_up"] += 1
            continue
        counts["retried"] += 1
        result = _deliver(mail_id, record.to, blobs.get(record.eml_key), transport)
        counts["sent" if result.status == "sent" else "failed"] += 1
    return counts


def _deliver(mail_id: str, to: str, mime: bytes, transport: MailTransport) -> MailRecord:
    try:
        provider_id = transport.send(to=to, mime=mime)
    except MailError as error:
        return mail.mark(mail_id, status="failed", provider_id=None, error=str(error) or "send failed")
    return mail.mark(mail_id, status="sent", provider_id=provider_id, error=None)
