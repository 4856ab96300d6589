"""Scheduled Lambdas: one line each, calling the job catalogue (which calls a service)."""

from __future__ import annotations

import json
from typing import Any

from chalice import Blueprint, Rate

from chalicelib.bootstrap import utcnow
from chalicelib.jobs import catalog, workers

bp = Blueprint(__name__)


@bp.schedule(Rate(60, unit=Rate.MINUTES), name="retry_failed_mail")
def retry_failed_mail(event: Any) -> None:
    catalog.run("retry_failed_mail", at=utcnow(), trigger="schedule")


@bp.schedule(Rate(24 * 60, unit=Rate.MINUTES), name="expire_quotes")
def expire_quotes(event: Any) -> None:
    catalog.run("expire_quotes", at=utcnow(), trigger="schedule")


@bp.schedule(Rate(60, unit=Rate.MINUTES), name="run_billing")
def run_billing(event: Any) -> None:
    catalog.run("run_billing", at=utcnow(), trigger="schedule")


@bp.schedule(Rate(60, unit=Rate.MINUTES), name="renew_contracts")
def renew_contracts(event: Any) -> None:
    catalog.run("renew_contracts", at=utcnow(), trigger="schedule")


@bp.on_sqs_message(queue="service-crm-work", batch_size=1)
def work(event: Any) -> None:
    workers.handle([json.loads(record.body) for record in event])


@bp.schedule(Rate(15, unit=Rate.MINUTES), name="send_invoices")
def send_invoices(event: Any) -> None:
    catalog.run("send_invoices", at=utcnow(), trigger="schedule")


@bp.schedule(Rate(60, unit=Rate.MINUTES), name="open_collection_tasks")
def open_collection_tasks(event: Any) -> None:
    catalog.run("open_collection_tasks", at=utcnow(), trigger="schedule")


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="deliver_webhooks")
def deliver_webhooks(event: Any) -> None:
    catalog.run("deliver_webhooks", at=utcnow(), trigger="schedule")


@bp.schedule(Rate(15, unit=Rate.MINUTES), name="collect_payments")
def collect_payments(event: Any) -> None:
    catalog.run("collect_payments", at=utcnow(), trigger="schedule")


@bp.schedule(Rate(60, unit=Rate.MINUTES), name="run_dunning")
def run_dunning(event: Any) -> None:
    catalog.run("run_dunning", at=utcnow(), trigger="schedule")


@bp.schedule(Rate(24 * 60, unit=Rate.MINUTES), name="card_expiry_notices")
def card_expiry_notices(event: Any) -> None:
    catalog.run("card_expiry_notices", at=utcnow(), trigger="schedule")
