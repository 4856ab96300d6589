"""Local adapters: the outbox, the blob folder and the inline queue, as the one-machine setup uses them."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.blobs import BlobNotFound, LocalBlobStore
from chalicelib.adapters.mail import Attachment, MailError, Message, OutboxTransport, build_mime
from chalicelib.adapters.queue import InlineQueue

PDF = b"%PDF-1.7\n\x00\x01\xff\r\n binary invoice\n%%EOF"


def _parse(raw: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(raw, _class=EmailMessage, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_outbox_writes_an_eml_that_mail_clients_can_read(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"  # created on first send
    message = Message(
        to="Кузнецова <anna@example.org>",
        subject="Счёт № INV-2027-0001 за январь",
        text="Здравствуйте! Счёт во вложении.",
        html="<p>Здравствуйте! <b>Счёт</b> во вложении.</p>",
        attachments=(Attachment("INV-2027-0001.pdf", "application/pdf", PDF),),
    )
    mime = build_mime(
        message, sender="billing@example.com", message_id="m-42", now=datetime(2027, 1, 5, 9, 30, tzinfo=UTC)
    )

    provider_id = OutboxTransport(folder).send(to="anna@example.org", mime=mime)

    path = Path(provider_id)
    assert path.parent == folder and path.suffix == ".eml"
    parsed = _parse(path.read_bytes())
    assert parsed["Subject"] == "Счёт № INV-2027-0001 за январь"
    assert parsed["To"].addresses[0].display_name == "Кузнецова"
    assert parsed["Message-ID"] == "<m-42@crm.local>"
    assert parsed["Date"].datetime == datetime(2027, 1, 5, 9, 30, tzinfo=UTC)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert text.get_content().strip() == "Здравствуйте! Счёт во вложении."
    assert "<b>Счёт</b>" in html.get_content()
    (attachment,) = list(parsed.iter_attachments())
    assert attachment.get_filename() == "INV-2027-0001.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF


def test_outbox_keeps_one_file_per_message(tmp_path: Path) -> None:
    outbox = OutboxTransport(tmp_path)
    first = build_mime(
        Message(to="a@example.org", subject="A", text="a"), sender="s@example.com", message_id="a"
    )
    second = build_mime(
        Message(to="b@example.org", subject="B", text="b"), sender="s@example.com", message_id="b"
    )

    paths = {outbox.send(to="a@example.org", mime=first), outbox.send(to="b@example.org", mime=second)}
    outbox.send(to="a@example.org", mime=first)  # a retry replaces its own file

    assert len(paths) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_crm.local.eml", "b_crm.local.eml"]


def test_text_only_message_is_a_single_plain_part() -> None:
    mime = build_mime(
        Message(to="a@example.org", subject="Hi", text="Just text"), sender="s@x.com", message_id="t"
    )

    parsed = _parse(mime)

    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content().strip() == "Just text"


def test_line_breaks_in_headers_are_refused() -> None:
    # A subject built from customer input must not be able to add a Bcc header.
    with pytest.raises(ValueError, match="subject"):
        build_mime(
            Message(to="a@example.org", subject="Hi\r\nBcc: evil@example.net", text="x"),
            sender="s@example.com",
            message_id="x",
        )


def test_outbox_that_cannot_be_written_raises_mail_error(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    folder.write_text("a file where the folder should be")
    mime = build_mime(
        Message(to="a@example.org", subject="A", text="a"), sender="s@example.com", message_id="a"
    )

    with pytest.raises(MailError, match="could not write"):
        OutboxTransport(folder).send(to="a@example.org", mime=mime)


def test_blob_folder_round_trip_in_sub_folders(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    key = "invoices/2027/INV-2027-0001.pdf"

    assert not store.exists(key)
    store.put(key, PDF, "application/pdf")
    assert store.exists(key)
    assert store.get(key) == PDF
    assert (tmp_path / "blobs" / "invoices" / "2027" / "INV-2027-0001.pdf").read_bytes() == PDF

    store.put(key, b"replaced", "application/pdf")
    assert store.get(key) == b"replaced"
    # Atomic writes leave no temporary files behind.
    assert [p.name for p in (tmp_path / "blobs" / "invoices" / "2027").iterdir()] == ["INV-2027-0001.pdf"]

    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting again is not an error


def test_missing_blob_raises_blob_not_found(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put("invoices/a.pdf", PDF, "application/pdf")

    for key in ("invoices/none.pdf", "invoices", "invoices/a.pdf/deeper", "never/seen.pdf"):
        with pytest.raises(BlobNotFound):
            store.get(key)
        assert not store.exists(key)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../outside.pdf",
        "invoices/../../outside.pdf",
        "/etc/passwd",
        "a\\..\\b",
        "a//b",
        "a/",
        "./a",
        "a/.hidden",
    ],
)
def test_keys_that_could_escape_the_folder_are_refused(tmp_path: Path, key: str) -> None:
    store = LocalBlobStore(tmp_path / "blobs")

    with pytest.raises(ValueError):
        store.put(key, b"x", "text/plain")
    with pytest.raises(ValueError):
        store.get(key)
    assert list(tmp_path.rglob("*")) == []


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_bytes(b"secret")
    (tmp_path / "blobs").mkdir()
    (tmp_path / "blobs" / "link").symlink_to(tmp_path)

    with pytest.raises(ValueError):
        LocalBlobStore(tmp_path / "blobs").get("link/secret.txt")


def test_inline_queue_hands_the_batch_to_the_handler_at_once() -> None:
    received: list[list[dict[str, Any]]] = []
    messages = [{"contract_id": f"c-{i}", "period": "2027-01"} for i in range(25)]

    InlineQueue(received.append).send_batch(messages)

    assert received == [messages]


def test_inline_queue_refuses_what_sqs_could_not_carry() -> None:
    received: list[list[dict[str, Any]]] = []

    with pytest.raises(TypeError):
        InlineQueue(received.append).send_batch([{"when": datetime(2027, 1, 1, tzinfo=UTC)}])

    assert received == []
