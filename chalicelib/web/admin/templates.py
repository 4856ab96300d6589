"""Contract templates (B20, B22, B23): list, create and edit; options and health conditions one per line."""

from __future__ import annotations

import re
from typing import Any

from chalice import Response

from chalicelib.domain.contract_templates import (
    ACCESS_LEVELS,
    BILLING_TIMING,
    EMAIL_STAGES,
    HEALTH_METRICS,
    HEALTH_OPS,
    MAX_HEALTH_VALUE,
    PRORATION,
    ContractTemplate,
)
from chalicelib.domain.errors import DomainError, ValidationError
from chalicelib.domain.money import parse_amount, plain_amount
from chalicelib.domain.roles import Permission
from chalicelib.services.manage_templates import create_template, update_template
from chalicelib.store import contract_templates
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

PERIODS = ("weekly", "monthly", "quarterly", "yearly", "every_2_months", "every_6_months")
NEW_TEMPLATE = {"auto_renew": "1", "reminder_days": "30, 7", "period": "monthly"}
_NUMBERS = ("term_periods", "notice_days", "payment_terms_days", "service_every_months")
_DIGITS = re.compile(r"[0-9]{1,7}")  # not str.isdigit: int() fails on "²" and on 5000 digits
_CONDITION = re.compile(r"^(?P<metric>[^\s<>=!]+)\s*(?P<op>[<>=!]+)\s*(?P<value>\S+)$")
STAGE_LABELS = {
    "welcome": "Welcome (contract started)",
    "renewal_reminder": "Renewal reminder",
    "renewed": "Renewed",
    "expired": "Expired",
    "cancelled": "Cancelled",
    "suspended": "Suspended",
    "visit_done": "Service visit done (feedback request)",
}


def _options(text: str, currency: str) -> list[dict[str, Any]]:
    """Lines of "code | label | price per period | setup fee" in the template's currency."""
    options = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (3, 4):
            raise ValidationError(
                f"option line {number}: write code | label | price | setup fee", field="options"
            )
        try:
            price = parse_amount(parts[2], currency, field="options")
            fee = parse_amount(parts[3], currency, field="options") if len(parts) == 4 and parts[3] else 0
        except ValidationError as error:
            raise ValidationError(f"options line {number}: {error.message}", field="options") from None
        options.append({"code": parts[0], "label": parts[1], "price_minor": price, "setup_fee_minor": fee})
    return options


def _plan(form: dict[str, str], currency: str) -> dict[str, Any] | None:
    """The plan's price per period, for signup links (empty: the template has no plan of its own)."""
    price = (form.get("plan_price") or "").strip()
    if not price:
        return None
    return {
        "label": (form.get("plan_label") or "").strip(),
        "price_minor": parse_amount(price, currency, field="plan_price"),
    }


def _condition(line: str, number: int) -> dict[str, Any]:
    """One line of "metric op value", e.g. days_past_due <= 14, checked here so errors name the line."""
    where = f"health line {number}"
    match = _CONDITION.match(line.strip())
    if not match:
        raise ValidationError(f"{where}: write metric op value, e.g. days_past_due <= 14", field="health")
    metric, op, value = match["metric"], match["op"], match["value"]
    if metric not in HEALTH_METRICS:
        raise ValidationError(
            f"{where}: unknown metric {metric}; use {', '.join(HEALTH_METRICS)}", field="health"
        )
    if op not in HEALTH_OPS:
        raise ValidationError(f"{where}: use one of {' '.join(HEALTH_OPS)}, not {op}", field="health")
    if not (_DIGITS.fullmatch(value) and int(value) <= MAX_HEALTH_VALUE):
        raise ValidationError(
            f"{where}: {value} is not a whole number from 0 to {MAX_HEALTH_VALUE}", field="health"
        )
    return {"metric": metric, "op": op, "value": int(value)}


def _health(text: str) -> list[dict[str, Any]]:
    lines = enumerate((text or "").splitlines(), start=1)
    return [_condition(line, number) for number, line in lines if line.strip()]


def _emails(form: dict[str, str]) -> dict[str, dict[str, str]]:
    """A stage with neither subject nor body sends nothing; with one of them the domain asks for both."""
    emails = {}
    for stage in EMAIL_STAGES:
        subject, body = form.get(f"email_{stage}_subject", ""), form.get(f"email_{stage}_body", "")
        if subject.strip() or body.strip():
            emails[stage] = {"subject": subject, "body": body}
    return emails


def _day_list(form: dict[str, str], name: str, default: str) -> list[int]:
    days = [d.strip() for d in (form.get(name) or default).split(",") if d.strip()]
    if not all(_DIGITS.fullmatch(d) for d in days):
        raise ValidationError(
            f"{name.replace('_', ' ')} must be whole numbers separated by commas", field=name
        )
    return [int(d) for d in days]


def _data(form: dict[str, str]) -> dict[str, Any]:
    currency = (form.get("currency") or "").strip().upper()
    reminders = [d.strip() for d in (form.get("reminder_days") or "").split(",") if d.strip()]
    if not all(_DIGITS.fullmatch(d) for d in reminders):
        raise ValidationError(
            "reminder days must be whole numbers separated by commas", field="reminder_days"
        )
    return {
        "name": form.get("name", ""),
        "retry_days": _day_list(form, "retry_days", "1, 3, 7, 14"),
        "dunning_days": _day_list(form, "dunning_days", "7, 14, 30"),
        "currency": currency,
        "period": form.get("period", ""),
        "timing": form.get("timing", ""),
        "access_level": form.get("access_level", ""),
        "proration": form.get("proration", ""),
        "invoice_series": form.get("invoice_series", ""),
        "auto_renew": form.get("auto_renew") == "1",
        # A hidden 0 before the checkbox: unticked sends "0", ticked sends "0,1".
        "active": "1" in form.get("active", "1").split(","),
        "reminder_days": [int(d) for d in reminders] or [30, 7],
        "options": _options(form.get("options", ""), currency),
        "plan": _plan(form, currency),
        "health": _health(form.get("health", "")),
        "emails": _emails(form),
        **{name: form.get(name, "") for name in _NUMBERS},
    }


def _form(template: ContractTemplate) -> dict[str, str]:
    lines = [
        f"{o.code} | {o.label} | {plain_amount(o.price_minor, template.currency)} | "
        f"{plain_amount(o.setup_fee_minor, template.currency)}"
        for o in template.options
    ]
    terms = {k: v for k, v in template.terms().items() if k not in ("health", "emails", "plan")}
    emails = {
        f"email_{e.stage}_{part}": text
        for e in template.emails
        for part, text in (("subject", e.subject), ("body", e.body))
    }
    return {
        "name": template.name,
        **{k: "" if v is None else str(v) for k, v in terms.items()},
        "reminder_days": ", ".join(str(d) for d in template.reminder_days),
        "retry_days": ", ".join(str(d) for d in template.retry_days),
        "dunning_days": ", ".join(str(d) for d in template.dunning_days),
        "options": "\n".join(lines),
        "plan_label": template.plan.label if template.plan else "",
        "plan_price": plain_amount(template.plan.price_minor, template.currency) if template.plan else "",
        "health": "\n".join(c.text for c in template.health),
        **emails,
        "auto_renew": "1" if template.auto_renew else "",
        "active": "1" if template.active else "0",
    }


def _series(ctx: PageContext) -> list[Any]:
    from chalicelib.store import invoices

    return invoices.all_series(ctx.now, for_invoices=True)


def _render(
    ctx: PageContext, template: ContractTemplate | None, status: int = 200, error: DomainError | None = None
) -> Response:
    form = ctx.form if error else (_form(template) if template else NEW_TEMPLATE)
    return ctx.render(
        "admin/templates.html",
        status,
        templates=contract_templates.list_all(),
        current=template,
        form=form,
        error=error,
        periods=PERIODS,
        timings=BILLING_TIMING,
        levels=ACCESS_LEVELS,
        prorations=PRORATION,
        metrics=HEALTH_METRICS,
        stages=STAGE_LABELS,
        series=_series(ctx),
        emails_set=sum(1 for s in EMAIL_STAGES if form.get(f"email_{s}_subject")),  # shown while folded
        saved=ctx.query.get("notice") == "saved",
    )


@admin_page("/templates", permission=Permission.VIEW_CONTRACTS)
def template_list(ctx: PageContext) -> Response:
    return _render(ctx, None)


@admin_page("/templates", permission=Permission.MANAGE_TEMPLATES, methods=("POST",))
def template_create(ctx: PageContext) -> Response:
    try:
        template = create_template(_data(ctx.form), actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _render(ctx, None, 400, error)
    return redirect(f"{PREFIX}/templates/{template.id}?notice=saved")


@admin_page("/templates/{template_id}", permission=Permission.VIEW_CONTRACTS)
def template_detail(ctx: PageContext, template_id: str) -> Response:
    return _render(ctx, contract_templates.get(template_id))


@admin_page("/templates/{template_id}", permission=Permission.MANAGE_TEMPLATES, methods=("POST",))
def template_update(ctx: PageContext, template_id: str) -> Response:
    template = contract_templates.get(template_id)
    try:
        update_template(template_id, _data(ctx.form), actor=ctx.actor, now=ctx.now)
    except (ValidationError, DomainError) as error:
        if error.status not in (400, 409):
            raise
        return _render(ctx, template, error.status, error)
    return redirect(f"{PREFIX}/templates/{template_id}?notice=saved")
