"""Scheduled Lambdas: one line each, calling the job catalogue (which calls a service)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.bootstrap import utcnow
from chalicelib.jobs import catalog

bp = Blueprint(__name__)


@bp.schedule(Rate(60, unit=Rate.MINUTES), name="retry_failed_mail")
def retry_failed_mail(event: Any) -> None:
    catalog.run("retry_failed_mail", at=utcnow(), trigger="schedule")
