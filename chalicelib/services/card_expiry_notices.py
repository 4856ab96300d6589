"""Pre-dunning (X4): an email 30 and 7 days before a saved card expires, with an update-card link.

Each notice is written on the payment profile before the email goes out (conditionally), so two runs
never send the same notice twice; a new card starts the notices again."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.card_payments import SavedCard, expiry_notice_due, notice_key
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.store import cards

log = logging.getLogger(__name__)
NOTICE_DAYS = (30, 7)


def send_expiry_notices(now: datetime) -> dict[str, Any]:
    today = now.astimezone(UTC).date()
    counts: Counter[str] = Counter()
    for profile in cards.expiring_by(today + timedelta(days=max(NOTICE_DAYS) + 1)):
        if profile.card is None:
            continue
        days = expiry_notice_due(profile.card, today, NOTICE_DAYS, profile.notices)
        if days is None:
            continue
        try:
            counts["sent" if notify(profile, now=now, days=days) else "skipped"] += 1
        except Exception:
            log.exception("expiry notice for customer %s failed", profile.customer_id)
            counts["errors"] += 1
    return {"expiry_notices_" + k: v for k, v in sorted(counts.items())}


def notify(profile: SavedCard, *, now: datetime, days: int) -> bool:
    """Sends the `days`-before notice once per card; False when it was sent already."""
    from chalicelib.services.dunning_mail import MAILER, _send
    from chalicelib.services.payment_links import card_update_url
    from chalicelib.store import customers

    card = profile.card
    if card is None:
        return False
    key = notice_key(card, days)
    if key in profile.notices:
        return False
    try:
        cards.save(profile, replace(profile, notices=(*profile.notices, key)))
    except Conflict:
        return False  # another run is sending it
    try:
        customer = customers.get(profile.customer_id)
    except NotFound:
        return False
    values = {
        "customer_name": customer.name,
        "card": card.label,
        "expires_on": card.expires_on.isoformat(),
        "card_url": card_update_url(customer.id, now=now, actor=MAILER),
    }
    return _send(customer.email, "card_expiring", values, now)
