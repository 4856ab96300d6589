"""The composition root: builds adapters from Settings on first use and caches them."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.adapters.blobs import BlobStore, LocalBlobStore, S3BlobStore
from chalicelib.adapters.mail import MailTransport, OutboxTransport, SesTransport
from chalicelib.adapters.pdf import PdfRenderer
from chalicelib.adapters.queue import InlineQueue, Queue, SqsQueue, ThreadQueue
from chalicelib.config import Settings, load_settings

if TYPE_CHECKING:
    from chalicelib.adapters.payments_gateway import PaymentGateway


def utcnow() -> datetime:
    """The one place the product reads the clock; everything below takes `now` as an argument."""
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def settings() -> Settings:
    from chalicelib.store import registry  # the models (pynamodb, botocore) load with the first request

    settings = load_settings()
    registry.bind_all(settings)
    return settings


@lru_cache(maxsize=1)
def mail_transport() -> MailTransport:
    s = settings()
    if s.mail_backend == "ses":
        return SesTransport(region=s.region)
    return OutboxTransport(s.outbox_dir)


@lru_cache(maxsize=1)
def blobs() -> BlobStore:
    s = settings()
    if s.blobs_backend == "s3":
        return S3BlobStore(bucket=s.blobs_bucket, region=s.region)
    return LocalBlobStore(s.blobs_dir)


@lru_cache(maxsize=1)
def queue() -> Queue:
    """Background work: SQS on AWS; on one machine inline (tests) or on a thread (dev server)."""
    from chalicelib.jobs import workers  # the workers call services that use this module

    s = settings()
    if s.queue_backend == "sqs":
        return SqsQueue(queue_url=s.queue_url, region=s.region)
    if s.queue_backend == "thread":
        return ThreadQueue(workers.handle)
    return InlineQueue(workers.handle)


@lru_cache(maxsize=1)
def pdf_renderer() -> PdfRenderer:
    return PdfRenderer()


@lru_cache(maxsize=1)
def payment_gateway() -> PaymentGateway:
    """Stripe, or localstripe when CRM_STRIPE_API_BASE is set (the stripe package loads on the first call)."""
    # Imported here: only requests and jobs that talk to Stripe pay for the gateway module.
    from chalicelib.adapters.payments_gateway import StripeGateway

    s = settings()
    return StripeGateway(s.stripe_api_key, api_base=s.stripe_api_base)


def reset() -> None:
    """Forget everything built so far (tests change the environment between cases)."""
    for getter in (settings, mail_transport, blobs, queue, pdf_renderer, payment_gateway):
        getter.cache_clear()
