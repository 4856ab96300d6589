"""The words a contract template is written in: choices, health metrics, email stages, limits.

Kept apart from the template rules so the API can describe them at cold start cheaply.
"""

from __future__ import annotations

ACCESS_LEVELS = ("restricted", "upgrade_only", "upgrade_and_downgrade")
BILLING_TIMING = ("advance", "arrears")
# When a mid-period change takes effect (X1): now (credit and charge), at period end, or upgrades
# now and downgrades at period end (the customer keeps what they paid for until then).
PRORATION = ("now", "period_end", "upgrades_now")

# Health conditions (B22): facts analytics counts per contract, each a whole number.
HEALTH_METRICS = (
    "days_past_due",  # days the oldest unpaid invoice is past its due date (0: none overdue)
    "open_invoices",  # invoices issued and not yet paid
    "failed_payments_90d",  # failed payment attempts in the last 90 days
    "open_complaints",  # complaints logged on the contract and not yet resolved
    "overdue_visits",  # planned service visits (S10) past their date and not done
    "days_to_end",  # days until the current term ends; open-ended contracts have no such fact
    "usage_percent",  # usage of what the contract includes, in percent (may pass 100)
)
HEALTH_OPS = ("<", "<=", ">", ">=", "==")
MAX_HEALTH_CONDITIONS, MAX_HEALTH_VALUE = 10, 1_000_000

# Emails the template sends at each stage of a contract's life; bodies are plain-text Jinja.
EMAIL_STAGES = (
    "welcome",  # the contract started
    "renewal_reminder",  # sent on each reminder day before the term ends
    "renewed",
    "expired",
    "cancelled",
    "suspended",
    "visit_done",  # a service visit was done: asks for feedback
)
MAX_SUBJECT, MAX_BODY = 200, 5000
