"""Every scheduled job: its name, schedule and the service it calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import bootstrap
from chalicelib.domain.errors import NotFound
from chalicelib.domain.jobs import Every, JobRun


@dataclass(frozen=True)
class Job:
    name: str
    schedule: Every
    description: str
    work: Callable[[datetime], dict[str, Any]]


def _retry_failed_mail(at: datetime) -> dict[str, Any]:
    from chalicelib.services.send_mail import retry_failed_mail

    return retry_failed_mail(transport=bootstrap.mail_transport(), blobs=bootstrap.blobs())


def _expire_quotes(at: datetime) -> dict[str, Any]:
    from chalicelib.services.expire_quotes import expire_quotes

    return expire_quotes(now=at)


def _renew_contracts(at: datetime) -> dict[str, Any]:
    from chalicelib.services.renew_contracts import run_renewals

    return run_renewals(at)


def _run_billing(at: datetime) -> dict[str, Any]:
    from chalicelib.services.run_billing import run_billing

    counts = run_billing(at, dispatch=bootstrap.queue().send_batch)
    # On one machine the batches were billed inline: their invoices go out and are charged now. On AWS
    # the workers are still billing; the send and card payment jobs pick their invoices up.
    return {**counts, **_collect_payments(at), **_send_invoices(at)}


def _collect_payments(at: datetime) -> dict[str, Any]:
    from chalicelib.services.collect_payments import collect_due

    return collect_due(at)


def _run_dunning(at: datetime) -> dict[str, Any]:
    from chalicelib.services.dunning_run import run_dunning

    return run_dunning(at)


def _card_expiry_notices(at: datetime) -> dict[str, Any]:
    from chalicelib.services.card_expiry_notices import send_expiry_notices

    return send_expiry_notices(at)


def _send_invoices(at: datetime) -> dict[str, Any]:
    from chalicelib.services.send_invoice import InvoiceMailer, send_unsent

    return {f"emails_{k}": v for k, v in send_unsent(mailer=InvoiceMailer.from_settings(), now=at).items()}


def _open_collection_tasks(at: datetime) -> dict[str, Any]:
    from chalicelib.services.collection_tasks import open_collection_tasks

    return open_collection_tasks(now=at)


def _deliver_webhooks(at: datetime) -> dict[str, Any]:
    from chalicelib.adapters.webhook_http import poster_for
    from chalicelib.services.deliver_webhooks import deliver_webhooks

    return deliver_webhooks(at, post=poster_for(bootstrap.settings()))


JOBS: dict[str, Job] = {
    job.name: job
    for job in [
        Job(
            "retry_failed_mail",
            Every(minutes=60),
            "Sends again the emails whose delivery failed",
            _retry_failed_mail,
        ),
        Job(
            "expire_quotes",
            Every(minutes=24 * 60),
            "Marks quotes past their validity as expired",
            _expire_quotes,
        ),
        # Hourly, like renewals: a contract's billing day starts at its own local midnight.
        Job(
            "run_billing",
            Every(minutes=60),
            "Bills every contract whose billing day has come, once per period, with gapless numbers",
            _run_billing,
        ),
        Job(
            "send_invoices",
            Every(minutes=15),
            "Emails every issued invoice, credit note and pro-forma not sent yet, with its PDF",
            _send_invoices,
        ),
        # Hourly: each contract's day ends at its own local midnight; a second run finds nothing to do.
        Job(
            "renew_contracts",
            Every(minutes=60),
            "Renewal reminders, then renews, expires or cancels contracts at their end date",
            _renew_contracts,
        ),
        # Every 15 minutes: first charges of new invoices, retries due, outcomes to look up at Stripe.
        Job(
            "collect_payments",
            Every(minutes=15),
            "Charges saved cards for new invoices and retries failed payments on the template's schedule",
            _collect_payments,
        ),
        Job(
            "run_dunning",
            Every(minutes=60),
            "Moves contracts with unpaid card payments through warning, suspension and cancellation",
            _run_dunning,
        ),
        Job(
            "card_expiry_notices",
            Every(minutes=24 * 60),
            "Emails customers 30 and 7 days before their saved card expires, with an update-card link",
            _card_expiry_notices,
        ),
        # Hourly: an invoice falls due at its customer's local midnight; a second run finds its task.
        Job(
            "open_collection_tasks",
            Every(minutes=60),
            "Opens a task for the salesperson for each invoice unpaid past its due date; closes paid ones",
            _open_collection_tasks,
        ),
        # Every minute: reads the audit log a minute behind, sends due deliveries and retries.
        Job(
            "deliver_webhooks",
            Every(minutes=1),
            "Sends contract, invoice and payment events to the registered webhook endpoints, with retries",
            _deliver_webhooks,
        ),
    ]
}


def run(name: str, *, at: datetime, trigger: str) -> JobRun:
    job = JOBS.get(name)
    if job is None:
        raise NotFound(f"no job named {name!r}; jobs: {', '.join(sorted(JOBS))}", field="job")
    bootstrap.settings()
    from chalicelib.services.run_job import run_job  # the store loads with the first job, not at import

    return run_job(name, job.work, at=at, trigger=trigger, clock=bootstrap.utcnow)
