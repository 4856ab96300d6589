"""Contract templates (B20, B23): the terms a contract starts from, validated as typed in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.money import check_currency
from chalicelib.domain.periods import Cadence

ACCESS_LEVELS = ("restricted", "upgrade_only", "upgrade_and_downgrade")
BILLING_TIMING = ("advance", "arrears")
PRORATION = ("now", "period_end")  # when a mid-period change takes effect (X1)
_OPTION_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class TemplateOption:
    """An option customers may add (within their access level): price per period and a one-off setup fee."""

    code: str
    label: str
    price_minor: int
    setup_fee_minor: int = 0


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
    options: tuple[TemplateOption, ...] = field(default_factory=tuple)

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
        }

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
        options=_options(data.get("options") or []),
    )


def may_change_quantity(template: ContractTemplate, old: int, new: int) -> bool:
    """What the customer may do on their own (B23); staff are not limited by it."""
    if new == old:
        return True
    if template.access_level == "restricted":
        return False
    return new > old or template.access_level == "upgrade_and_downgrade"
