"""Every scheduled job: its name, schedule and the service it calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import bootstrap
from chalicelib.domain.errors import NotFound
from chalicelib.domain.jobs import Every, JobRun
from chalicelib.services.run_job import run_job
from chalicelib.services.send_mail import retry_failed_mail


@dataclass(frozen=True)
class Job:
    name: str
    schedule: Every
    description: str
    work: Callable[[datetime], dict[str, Any]]


def _retry_failed_mail(at: datetime) -> dict[str, Any]:
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
    # On one machine the batches were billed inline: their invoices go out now. On AWS the workers
    # are still billing; the send job picks their invoices up.
    return {**counts, **_send_invoices(at)}


def _send_invoices(at: datetime) -> dict[str, Any]:
    from chalicelib.services.send_invoice import InvoiceMailer, send_unsent

    return {f"emails_{k}": v for k, v in send_unsent(mailer=InvoiceMailer.from_settings(), now=at).items()}


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
    ]
}


def run(name: str, *, at: datetime, trigger: str) -> JobRun:
    job = JOBS.get(name)
    if job is None:
        raise NotFound(f"no job named {name!r}; jobs: {', '.join(sorted(JOBS))}", field="job")
    bootstrap.settings()
    return run_job(name, job.work, at=at, trigger=trigger, clock=bootstrap.utcnow)
