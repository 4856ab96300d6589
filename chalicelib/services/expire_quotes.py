"""The daily job that marks open quotes past their validity as expired (C14).

Pages already show such quotes as expired; the job makes it a stored, audited fact. Running it
again finds nothing left to do, and a quote accepted meanwhile is skipped, not expired.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Conflict
from chalicelib.domain.quotes import QuoteStatus
from chalicelib.services.manage_quotes import audited, today_of
from chalicelib.store import quotes

JOB_ACTOR = Actor("job:expire_quotes", "expire quotes job")


def expire_quotes(*, now: datetime) -> dict[str, Any]:
    counts = {"expired": 0, "skipped": 0}
    # A day of slack: "today" is each quote's own (its customer's time zone), checked one by one.
    for quote in quotes.open_until(now.date() + timedelta(days=1)):
        if quote.status_on(today_of(quote, now)) is not QuoteStatus.EXPIRED:
            continue
        after = replace(quote, status=QuoteStatus.EXPIRED)
        entry = JOB_ACTOR.entry("quote", quote.id, "quote.expired", now, audited(quote), audited(after))
        try:
            quotes.save(quote, after, entry)
        except Conflict:
            counts["skipped"] += 1  # changed meanwhile (accepted, declined): the next run looks again
            continue
        counts["expired"] += 1
    return counts
