"""/portal/<token>/contracts/<id>: one contract of the link's customer with its terms, lines, options,
service visits and invoices, and the ways to change it (options, cancellation: their own pages)."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.money import format_amount
from chalicelib.web.portal import owned
from chalicelib.web.portal.access import PortalContext
from chalicelib.web.portal.overview import (
    address_text,
    contract_status,
    customer_of,
    day,
    document_row,
    line_row,
    payment_text,
    period_text,
)


def _term(periods: int | None, period: str, t: dict[str, str]) -> str:
    """ "12 × month" for a fixed term; "open-ended" without one."""
    from chalicelib.domain.periods import Cadence

    if periods is None:
        return t["ov_open_ended"]
    cadence = Cadence.named(period)
    if cadence.count == 1:
        unit = t["ov_period_week" if cadence.unit == "week" else "ov_period_month"]
    else:
        unit = t["ov_period_weeks" if cadence.unit == "week" else "ov_period_months"].format(
            count=cadence.count
        )
    return t["ov_term_periods"].format(count=periods, period=unit)


def show(ctx: PortalContext) -> Response:
    from chalicelib.domain.contract_lifecycle import Status
    from chalicelib.domain.option_access import customer_may_change
    from chalicelib.domain.periods import local_date
    from chalicelib.services.portal_overview import contract_detail

    customer = customer_of(ctx)
    contract = owned.contract(ctx, ctx.params.get("contract_id", ""))
    detail = contract_detail(customer, contract, now=ctx.now)
    t = ctx.t
    terms = contract.terms
    upcoming = detail.summary.next_invoice
    facts = [
        (t["ov_plan"], contract.template_name),
        (t["status"], contract_status(contract, t)["text"]),
        (t["ov_start"], day(contract.start_date)),
        (t["ov_term"], _term(terms.term_periods, terms.period, t)),
        (t["ov_end"], day(contract.end_date) if contract.end_date else t["ov_open_ended"]),
        (
            t["ov_renewal"],
            t["ov_renews" if terms.auto_renew and not contract.cancellation else "ov_no_renewal"],
        ),
        (t["ov_notice"], t["ov_notice_days"].format(days=terms.notice_days)),
        (t["ov_recurrence"], period_text(terms.period, t)),
        (t["ov_billing_address"], address_text(detail.address, t, ctx.locale)),
        (t["ov_payment_method"], payment_text(detail.card, t)),
        (
            t["ov_next_invoice"],
            t["ov_next_invoice_value"].format(
                date=day(upcoming.day),
                amount=format_amount(upcoming.amount_minor, contract.currency, ctx.locale),
            )
            if upcoming
            else t["ov_none"],
        ),
    ]
    today = local_date(ctx.now, contract.timezone or "UTC")
    return ctx.render(
        "portal/contract.html",
        nav="overview",
        number=contract.number,
        state=contract_status(contract, t),
        facts=facts,
        has_next=upcoming is not None,
        lines=[line_row(line, contract.currency, ctx) for line in detail.summary.lines],
        options=[line_row(line, contract.currency, ctx) for line in detail.summary.options],
        visits=[
            {
                "due": day(v.due),
                "serial": detail.serials.get(v.item_id, ""),
                "status": t.get(f"ov_visit_{v.status}", v.status),
                "badge": {"done": "ok", "cancelled": "bad"}.get(v.status, ""),
            }
            for v in detail.visits
        ],
        documents=[document_row(d, ctx, today) for d in detail.documents],
        options_url=ctx.url(f"contracts/{contract.id}/options"),
        cancel_url=ctx.url(f"contracts/{contract.id}/cancel"),
        can_change_options=customer_may_change(contract),
        can_cancel=contract.status is Status.ACTIVE and contract.cancellation is None,
        back_url=ctx.url(),
    )
