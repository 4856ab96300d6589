"""Creating and changing contract templates (B20), audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_templates import ContractTemplate, validate_template
from chalicelib.domain.ids import new_id
from chalicelib.services.manage_invoice_series import check_series_exists
from chalicelib.store import contract_templates


def _audited(template: ContractTemplate) -> dict[str, Any]:
    return {
        "name": template.name,
        **template.terms(),
        "options": template.options_json(),
        "active": template.active,
    }


def create_template(data: dict[str, Any], *, actor: Actor, now: datetime) -> ContractTemplate:
    template = replace(validate_template(new_id(), data), created_at=now)
    check_series_exists(template.invoice_series, now)
    entry = actor.entry("template", template.id, "template.created", now, after=_audited(template))
    return contract_templates.create(template, entry)


def update_template(
    template_id: str, data: dict[str, Any], *, actor: Actor, now: datetime
) -> ContractTemplate:
    """`data` replaces the terms it names; the others keep their stored values."""
    before = contract_templates.get(template_id)
    merged = {"name": before.name, **before.terms(), "options": before.options_json(), **data}
    after = replace(
        validate_template(template_id, merged),
        active=bool(data.get("active", before.active)),
        created_at=before.created_at,
    )
    if after == before:
        return before
    check_series_exists(after.invoice_series, now)
    entry = actor.entry("template", template_id, "template.updated", now, _audited(before), _audited(after))
    return contract_templates.update(before, after, entry)
