"""Contract templates (B20, B22, B23): the terms a contract starts from, validated as typed in."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.domain.card_payments import DEFAULT_RETRY_DAYS
from chalicelib.domain.dunning import DEFAULT_DUNNING_DAYS
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.money import check_currency
from chalicelib.domain.numbering import check_series_id
from chalicelib.domain.periods import Cadence
from chalicelib.domain.template_terms import (  # noqa: F401  (also used from here)
    ACCESS_LEVELS,
    BILLING_TIMING,
    EMAIL_STAGES,
    HEALTH_METRICS,
    HEALTH_OPS,
    MAX_BODY,
    MAX_HEALTH_CONDITIONS,
    MAX_HEALTH_VALUE,
    MAX_SUBJECT,
    PRORATION,
)

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

MAX_RETRIES = 8
_OPTION_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


@dataclass(frozen=True)
class TemplateOption:
    """An option customers may add (within their access level): price per period and a one-off setup fee."""

    code: str
    label: str
    price_minor: int
    setup_fee_minor: int = 0


@dataclass(frozen=True)
class TemplatePlan:
    """The plan itself, priced per period: what a signup from the template starts with, before options."""

    label: str
    price_minor: int

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "price_minor": self.price_minor}


MAX_PLAN_PRICE = 100_000_000  # minor units per period


@dataclass(frozen=True)
class HealthCondition:
    """What a healthy contract satisfies, e.g. days_past_due <= 14."""

    metric: str
    op: str
    value: int

    @property
    def text(self) -> str:
        return f"{self.metric} {self.op} {self.value}"

    def holds(self, actual: int) -> bool:
        return _COMPARE[self.op](actual, self.value)

    def as_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "op": self.op, "value": self.value}


@dataclass(frozen=True)
class StageEmail:
    stage: str
    subject: str
    body: str


@dataclass(frozen=True)
class ContractTemplate:
    id: str
    name: str
    currency: str
    period: str  # weekly, monthly, quarterly, yearly, every_<n>_months
    timing: str = "advance"
    term_periods: int | None = None  # None: open-ended
    auto_renew: bool = True
    notice_days: int = 30
    payment_terms_days: int = 14
    service_every_months: int | None = None  # planned visits (S10); None: no visits
    access_level: str = "restricted"
    proration: str = "now"
    reminder_days: tuple[int, ...] = (30, 7)
    invoice_series: str = "default"  # the number series its contracts' invoices are issued in (X3)
    # B25: card payment retries, in days after the first failure, and when dunning warns, suspends and
    # cancels (days after the first failure). Read when a payment fails, so edits apply at once.
    retry_days: tuple[int, ...] = DEFAULT_RETRY_DAYS
    dunning_days: tuple[int, int, int] = DEFAULT_DUNNING_DAYS
    options: tuple[TemplateOption, ...] = field(default_factory=tuple)
    plan: TemplatePlan | None = None  # signup links offer it (B6); staff contracts list their own lines
    health: tuple[HealthCondition, ...] = field(default_factory=tuple)
    emails: tuple[StageEmail, ...] = field(default_factory=tuple)  # in EMAIL_STAGES order

    active: bool = True
    created_at: datetime | None = None

    @property
    def cadence(self) -> Cadence:
        return Cadence.named(self.period)

    @property
    def ref(self) -> str:
        return f"template#{self.id}"

    def lookup_keys(self) -> set[str]:
        return set()

    def terms(self) -> dict[str, Any]:
        """Everything but the id, name and options: what the audit log and the table keep as one document."""
        return {
            "currency": self.currency,
            "period": self.period,
            "timing": self.timing,
            "term_periods": self.term_periods,
            "auto_renew": self.auto_renew,
            "notice_days": self.notice_days,
            "payment_terms_days": self.payment_terms_days,
            "service_every_months": self.service_every_months,
            "access_level": self.access_level,
            "proration": self.proration,
            "reminder_days": list(self.reminder_days),
            "invoice_series": self.invoice_series,
            "retry_days": list(self.retry_days),
            "dunning_days": list(self.dunning_days),
            "plan": self.plan.as_json() if self.plan else None,
            "health": [c.as_json() for c in self.health],
            "emails": {e.stage: {"subject": e.subject, "body": e.body} for e in self.emails},
        }

    @property
    def has_offer(self) -> bool:
        """Something a signup link can offer: a plan price or options to choose."""
        return bool(self.options) or self.plan is not None

    @property
    def plan_label(self) -> str:
        return (self.plan.label if self.plan else "") or self.name

    def email(self, stage: str) -> StageEmail | None:
        return next((e for e in self.emails if e.stage == stage), None)

    def options_json(self) -> list[dict[str, Any]]:
        return [
            {
                "code": o.code,
                "label": o.label,
                "price_minor": o.price_minor,
                "setup_fee_minor": o.setup_fee_minor,
            }
            for o in self.options
        ]


def _int(data: dict[str, Any], name: str, low: int, high: int, default: int | None) -> int | None:
    raw = data.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationError(f"{name} must be a whole number", field=name) from None
    if not low <= value <= high:
        raise ValidationError(f"{name} must be between {low} and {high}", field=name)
    return value


def _flag(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise ValidationError(f"{name} must be true or false", field=name)
    return value


def _choice(data: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = str(data.get(name) or default).strip()
    if value not in allowed:
        raise ValidationError(f"{name} must be one of {', '.join(allowed)}", field=name)
    return value


def _options(raw: Any) -> tuple[TemplateOption, ...]:
    if not isinstance(raw, list | tuple):
        raise ValidationError("options must be a list", field="options")
    options, seen = [], set()
    for index, option in enumerate(raw):
        where = f"options[{index}]"
        if not isinstance(option, dict):
            raise ValidationError(f"{where} must be an object with code, label and prices", field=where)
        code = str(option.get("code") or "").strip().lower()
        if not _OPTION_CODE.match(code):
            raise ValidationError(
                f"{where}.code must be lower-case letters, digits, - or _", field=f"{where}.code"
            )
        if code in seen:
            raise ValidationError(f"option {code} is listed twice", field=f"{where}.code")
        seen.add(code)
        label = str(option.get("label") or "").strip()
        if not label:
            raise ValidationError(f"{where}.label is required", field=f"{where}.label")
        price = option.get("price_minor", 0)
        fee = option.get("setup_fee_minor", 0)
        for name, value in (("price_minor", price), ("setup_fee_minor", fee)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationError(
                    f"{where}.{name} must be a whole number of minor units, not negative",
                    field=f"{where}.{name}",
                )
        options.append(TemplateOption(code=code, label=label[:100], price_minor=price, setup_fee_minor=fee))
    return tuple(options)


def health_condition(raw: Any, where: str) -> HealthCondition:
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} must be an object with metric, op and value", field=where)
    metric, op, value = raw.get("metric"), raw.get("op"), raw.get("value")
    if metric not in HEALTH_METRICS:
        raise ValidationError(
            f"{where}.metric must be one of {', '.join(HEALTH_METRICS)}", field=f"{where}.metric"
        )
    if op not in HEALTH_OPS:
        raise ValidationError(f"{where}.op must be one of {' '.join(HEALTH_OPS)}", field=f"{where}.op")
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_HEALTH_VALUE:
        raise ValidationError(
            f"{where}.value must be a whole number from 0 to {MAX_HEALTH_VALUE}", field=f"{where}.value"
        )
    return HealthCondition(metric=metric, op=op, value=value)


def _health(raw: Any) -> tuple[HealthCondition, ...]:
    if not isinstance(raw, list | tuple):
        raise ValidationError("health must be a list of conditions", field="health")
    if len(raw) > MAX_HEALTH_CONDITIONS:
        raise ValidationError(f"health takes at most {MAX_HEALTH_CONDITIONS} conditions", field="health")
    return tuple(health_condition(c, f"health[{i}]") for i, c in enumerate(raw))


def evaluate_health(
    conditions: Iterable[HealthCondition], facts: Mapping[str, int]
) -> tuple[bool, list[str]]:
    """Healthy when every condition holds; a fact analytics does not know is no failure."""
    failed = [
        f"{c.text} (is {facts[c.metric]})"
        for c in conditions
        if facts.get(c.metric) is not None and not c.holds(facts[c.metric])
    ]
    return not failed, failed


@cache
def _jinja() -> SandboxedEnvironment:
    # Imported here: only templates with emails pay for jinja2. Plain text, so no escaping;
    # a missing placeholder (even customer.name) renders empty rather than failing the send.
    from jinja2 import ChainableUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        autoescape=False, undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True
    )


@lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    # Cached: every load of a template validates it again.
    return _jinja().from_string(text)


def _email_text(email: dict[str, Any], stage: str, name: str, limit: int) -> str:
    where = f"emails.{stage}.{name}"
    value = email.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{where} is required", field=where)
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise ValidationError(f"{where} takes at most {limit} characters", field=where)
    if name == "subject" and len(value.splitlines()) > 1:  # a mail header is one line
        raise ValidationError(f"{where} must be one line", field=where)
    from jinja2 import TemplateSyntaxError

    try:
        _compiled(value)
    except TemplateSyntaxError as error:
        raise ValidationError(f"{where} line {error.lineno}: {error.message}", field=where) from None
    return value


def _emails(raw: Any) -> tuple[StageEmail, ...]:
    if not isinstance(raw, dict):
        raise ValidationError("emails must be an object of stage: {subject, body}", field="emails")
    for stage, email in raw.items():
        where = f"emails.{stage}"
        if stage not in EMAIL_STAGES:
            raise ValidationError(f"{where}: no such stage; use {', '.join(EMAIL_STAGES)}", field=where)
        if not isinstance(email, dict):
            raise ValidationError(f"{where} must be an object with subject and body", field=where)
    return tuple(
        StageEmail(
            stage=stage,
            subject=_email_text(raw[stage], stage, "subject", MAX_SUBJECT),
            body=_email_text(raw[stage], stage, "body", MAX_BODY),
        )
        for stage in EMAIL_STAGES
        if stage in raw
    )


def render_stage_email(
    template: ContractTemplate, stage: str, values: Mapping[str, Any]
) -> tuple[str, str] | None:
    """(subject, body) for a stage, or None when the template sends nothing then."""
    if stage not in EMAIL_STAGES:
        raise ValueError(f"no email stage {stage}")
    email = template.email(stage)
    if email is None:
        return None
    from jinja2 import TemplateError

    try:
        subject = _compiled(email.subject).render(values)
        body = _compiled(email.body).render(values)
    except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as error:
        # Staff-written text: name the stage rather than crash whoever sends it.
        where = f"emails.{stage}"
        raise ValidationError(f"{where} cannot be rendered: {error}", field=where) from None
    return " ".join(subject.split()), body  # values with line breaks must not split the header


def validate_template(template_id: str, data: dict[str, Any]) -> ContractTemplate:
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError("name is required", field="name")
    period = str(data.get("period") or "").strip()
    Cadence.named(period)  # raises naming the field
    reminders = data.get("reminder_days", (30, 7))
    if not isinstance(reminders, list | tuple) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 < d <= 365 for d in reminders
    ):
        raise ValidationError("reminder_days must be whole days between 1 and 365", field="reminder_days")
    return ContractTemplate(
        id=template_id,
        name=name[:120],
        currency=check_currency(str(data.get("currency") or "")),
        period=period,
        timing=_choice(data, "timing", BILLING_TIMING, "advance"),
        term_periods=_int(data, "term_periods", 1, 600, None),
        auto_renew=_flag(data, "auto_renew", True),
        notice_days=_int(data, "notice_days", 0, 365, 30) or 0,
        payment_terms_days=_int(data, "payment_terms_days", 0, 180, 14) or 0,
        service_every_months=_int(data, "service_every_months", 1, 60, None),
        access_level=_choice(data, "access_level", ACCESS_LEVELS, "restricted"),
        proration=_choice(data, "proration", PRORATION, "now"),
        reminder_days=tuple(sorted(set(reminders), reverse=True)),
        invoice_series=check_series_id(str(data.get("invoice_series") or "default"), "invoice_series"),
        retry_days=_retry_days(data.get("retry_days", DEFAULT_RETRY_DAYS)),
        dunning_days=_dunning_days(data.get("dunning_days", DEFAULT_DUNNING_DAYS)),
        options=_options(data.get("options") or []),
        plan=_plan(data.get("plan")),
        # Both live in the stored terms; items saved before B22 have neither.
        health=_health(data.get("health") or []),
        emails=_emails(data.get("emails") or {}),
    )


def _plan(raw: Any) -> TemplatePlan | None:
    """{"label", "price_minor"}: no plan without a price; an empty label reads as the template's name."""
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        raise ValidationError("plan must be an object with label and price_minor", field="plan")
    price = raw.get("price_minor")
    if price in (None, ""):
        return None
    if not isinstance(price, int) or isinstance(price, bool) or not 0 <= price <= MAX_PLAN_PRICE:
        raise ValidationError(
            f"plan.price_minor must be a whole number from 0 to {MAX_PLAN_PRICE}", field="plan.price_minor"
        )
    return TemplatePlan(label=str(raw.get("label") or "").strip()[:100], price_minor=price)


def _days(raw: Any, name: str, most: int) -> tuple[int, ...]:
    if not isinstance(raw, list | tuple) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 < d <= 365 for d in raw
    ):
        raise ValidationError(f"{name} must be whole days between 1 and 365", field=name)
    if list(raw) != sorted(set(raw)):
        raise ValidationError(f"{name} must go up, each day later than the one before", field=name)
    if len(raw) > most:
        raise ValidationError(f"{name} takes at most {most} days", field=name)
    return tuple(raw)


def _retry_days(raw: Any) -> tuple[int, ...]:
    return _days(raw, "retry_days", MAX_RETRIES)


def _dunning_days(raw: Any) -> tuple[int, int, int]:
    days = _days(raw, "dunning_days", 3)
    if len(days) != 3:
        raise ValidationError("dunning_days are three days: warning, suspend, cancel", field="dunning_days")
    return days[0], days[1], days[2]


class _HasAccessLevel(Protocol):
    @property
    def access_level(self) -> str: ...


def may_change_quantity(template: _HasAccessLevel, old: Decimal | int, new: Decimal | int) -> bool:
    """What the customer may do on their own (B23); staff are not limited by it.

    `template`: a template, or a contract's terms (the access level it started with)."""
    if new == old:
        return True
    if template.access_level == "restricted":
        return False
    return new > old or template.access_level == "upgrade_and_downgrade"
