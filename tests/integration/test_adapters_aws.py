"""AWS adapters against moto: what SES, S3 and SQS receive from our code."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.adapters.blobs import BlobNotFound, S3BlobStore
from chalicelib.adapters.mail import Attachment, MailError, Message, SesTransport, build_mime
from chalicelib.adapters.queue import QueueError, SqsQueue

REGION = "eu-central-1"
SENDER = "billing@example.com"
PDF = b"%PDF-1.7\n\x00\x01\xff binary invoice\n%%EOF"


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # moto intercepts only real AWS host names: a local endpoint override would bypass it.
    for name in (
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_SES",
        "AWS_ENDPOINT_URL_SQS",
        "AWS_ENDPOINT_URL_DYNAMODB",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


def _invoice_mail(to: str = "kunde@example.org") -> bytes:
    message = Message(
        to=to,
        subject="Счёт INV-2027-0001",
        text="Your invoice is attached.",
        html="<p>Your invoice is attached.</p>",
        attachments=(Attachment("INV-2027-0001.pdf", "application/pdf", PDF),),
    )
    return build_mime(message, sender=SENDER, message_id="inv-1")


def test_ses_sends_raw_message_with_attachment_from_verified_sender() -> None:
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
    transport = SesTransport(region=REGION)

    provider_id = transport.send(to="kunde@example.org", mime=_invoice_mail())

    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    assert len(sent) == 1
    assert provider_id == sent[0].id
    assert sent[0].source == SENDER
    received = email.message_from_string(sent[0].raw_data, _class=EmailMessage, policy=policy.default)
    assert isinstance(received, EmailMessage)
    assert received["Subject"] == "Счёт INV-2027-0001"
    (attachment,) = list(received.iter_attachments())
    assert attachment.get_filename() == "INV-2027-0001.pdf"
    assert attachment.get_content() == PDF


def test_ses_unverified_sender_raises_mail_error_with_reason() -> None:
    transport = SesTransport(region=REGION)

    with pytest.raises(MailError, match="billing@example.com"):
        transport.send(to="kunde@example.org", mime=_invoice_mail())

    assert ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages == []


@pytest.fixture
def s3() -> Any:
    client = boto3.client("s3", region_name=REGION)
    client.create_bucket(Bucket="crm-files", CreateBucketConfiguration={"LocationConstraint": REGION})
    return client


def test_s3_round_trip_of_binary_data(s3: Any) -> None:
    store = S3BlobStore(bucket="crm-files", region=REGION)
    key = "invoices/2027/INV-2027-0001.pdf"

    assert not store.exists(key)
    store.put(key, PDF, "application/pdf")
    assert store.exists(key)
    assert store.get(key) == PDF

    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting again is not an error


def test_s3_missing_key_raises_blob_not_found(s3: Any) -> None:
    store = S3BlobStore(bucket="crm-files", region=REGION)

    with pytest.raises(BlobNotFound):
        store.get("invoices/none.pdf")


def test_s3_objects_are_encrypted_and_typed(s3: Any) -> None:
    S3BlobStore(bucket="crm-files", region=REGION).put("invoices/a.pdf", PDF, "application/pdf")

    head = s3.head_object(Bucket="crm-files", Key="invoices/a.pdf")

    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "application/pdf"


def test_s3_rejects_the_keys_the_local_store_rejects(s3: Any) -> None:
    store = S3BlobStore(bucket="crm-files", region=REGION)

    with pytest.raises(ValueError):
        store.put("../escape.pdf", PDF, "application/pdf")


def test_sqs_sends_25_messages_in_3_batches_and_all_arrive_intact() -> None:
    client = boto3.client("sqs", region_name=REGION)
    queue_url = client.create_queue(QueueName="billing")["QueueUrl"]
    calls: list[int] = []
    original = client.send_message_batch

    def counting_send(**kwargs: Any) -> Any:
        calls.append(len(kwargs["Entries"]))
        return original(**kwargs)

    client.send_message_batch = counting_send
    messages = [{"contract_id": f"c-{i}", "period": "2027-01", "name": "Ёлка ✓", "n": i} for i in range(25)]

    SqsQueue(queue_url=queue_url, region=REGION, client=client).send_batch(messages)

    assert calls == [10, 10, 5]
    received: list[dict[str, Any]] = []
    while True:
        batch = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            break
        received.extend(json.loads(m["Body"]) for m in batch)
    assert sorted(received, key=lambda m: m["n"]) == messages


def test_sqs_failure_names_every_message_not_queued() -> None:
    client = boto3.client("sqs", region_name=REGION)
    queue_url = client.create_queue(QueueName="billing")["QueueUrl"]
    client.delete_queue(QueueUrl=queue_url)

    with pytest.raises(QueueError) as raised:
        SqsQueue(queue_url=queue_url, region=REGION).send_batch([{"n": i} for i in range(12)])

    assert raised.value.failed_ids == [str(i) for i in range(12)]
    assert "12 of 12" in str(raised.value)
