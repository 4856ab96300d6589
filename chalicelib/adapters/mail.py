"""Outgoing mail: building the MIME message and handing it to a transport (SES or a local outbox)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.blobs import write_atomically


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()


class MailError(Exception):
    """Sending failed; the message says why (kept in the mail log)."""


def _header_value(name: str, value: str) -> str:
    # A newline in a header would let a customer-supplied value inject headers (Bcc: ...).
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name} must not contain line breaks")
    return value


def build_mime(message: Message, *, sender: str, message_id: str, now: datetime | None = None) -> bytes:
    """The raw RFC 5322 message; `now` (default: the current time) fills the Date header."""
    # The email package is imported on first send: it is ~30 ms of every cold start otherwise.
    from email import policy
    from email.message import EmailMessage
    from email.utils import format_datetime

    mime = EmailMessage()
    mime["From"] = _header_value("sender", sender)
    mime["To"] = _header_value("to", message.to)
    mime["Subject"] = _header_value("subject", message.subject)
    mime["Date"] = format_datetime(now or datetime.now(UTC))
    mime["Message-ID"] = f"<{_header_value('message_id', message_id)}@crm.local>"
    mime.set_content(message.text)
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mime.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    # SMTP policy: CRLF line ends and RFC 2047-encoded non-ASCII headers, which every server accepts.
    return mime.as_bytes(policy=policy.SMTP)


class MailTransport(Protocol):
    name: str

    def send(self, *, to: str, mime: bytes) -> str:
        """Returns the provider's id for the message; raises MailError on any failure."""
        ...


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


class OutboxTransport:
    """One machine: every message becomes an .eml file that the admin page (or a mail client) opens."""

    name = "outbox"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, *, to: str, mime: bytes) -> str:
        path = self.folder / f"{_file_stem(mime)}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(path, mime)
        except OSError as exc:
            raise MailError(f"could not write {path}: {exc}") from exc
        return str(path)


def _file_stem(mime: bytes) -> str:
    # Named after the Message-ID, so a retried send replaces its own file instead of adding a twin.
    from email import policy
    from email.parser import BytesHeaderParser

    message_id = BytesHeaderParser(policy=policy.default).parsebytes(mime).get("Message-ID", "")
    stem = _UNSAFE_FILENAME.sub("_", str(message_id).strip("<> ")).strip("._")
    return stem or uuid.uuid4().hex


class SesTransport:
    """AWS: SES send_raw_email; the sender comes from the From header and must be a verified identity."""

    name = "ses"

    def __init__(self, *, region: str, client: Any | None = None) -> None:
        import boto3  # lazily: boto3 (s3transfer...) is ~0.2 s of cold start, pynamodb needs only botocore

        self._client = client or boto3.client("ses", region_name=region)

    def send(self, *, to: str, mime: bytes) -> str:
        try:
            response = self._client.send_raw_email(Destinations=[to], RawMessage={"Data": mime})
        except (ClientError, BotoCoreError) as exc:
            raise MailError(str(exc)) from exc
        return str(response["MessageId"])
