"""Contract templates (B20, B23): list, create and edit; options typed one per line."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.domain.contract_templates import ACCESS_LEVELS, BILLING_TIMING, PRORATION, ContractTemplate
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


def _data(form: dict[str, str]) -> dict[str, Any]:
    currency = (form.get("currency") or "").strip().upper()
    reminders = [d.strip() for d in (form.get("reminder_days") or "").split(",") if d.strip()]
    if not all(d.isdigit() for d in reminders):
        raise ValidationError(
            "reminder days must be whole numbers separated by commas", field="reminder_days"
        )
    return {
        "name": form.get("name", ""),
        "currency": currency,
        "period": form.get("period", ""),
        "timing": form.get("timing", ""),
        "access_level": form.get("access_level", ""),
        "proration": form.get("proration", ""),
        "auto_renew": form.get("auto_renew") == "1",
        # A hidden 0 before the checkbox: unticked sends "0", ticked sends "0,1".
        "active": "1" in form.get("active", "1").split(","),
        "reminder_days": [int(d) for d in reminders] or [30, 7],
        "options": _options(form.get("options", ""), currency),
        **{name: form.get(name, "") for name in _NUMBERS},
    }


def _form(template: ContractTemplate) -> dict[str, str]:
    lines = [
        f"{o.code} | {o.label} | {plain_amount(o.price_minor, template.currency)} | "
        f"{plain_amount(o.setup_fee_minor, template.currency)}"
        for o in template.options
    ]
    terms = template.terms()
    return {
        "name": template.name,
        **{k: "" if v is None else str(v) for k, v in terms.items()},
        "reminder_days": ", ".join(str(d) for d in template.reminder_days),
        "options": "\n".join(lines),
        "auto_renew": "1" if template.auto_renew else "",
        "active": "1" if template.active else "0",
    }


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
