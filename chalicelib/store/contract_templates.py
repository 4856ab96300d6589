"""Contract templates: a handful per business, each change audited."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.contract_templates import ContractTemplate, validate_template
from chalicelib.domain.errors import NotFound
from chalicelib.store import records
from chalicelib.store.models_contracts import ContractTemplateModel


def from_item(item: Any) -> ContractTemplate:
    # terms also carry health (B22) and emails; items saved before them have neither and load with none.
    template = validate_template(item.id, {"name": item.name, **item.terms, "options": item.options or []})
    return replace(template, active=bool(item.active), created_at=item.created_at)


def to_item(template: ContractTemplate, version: int) -> ContractTemplateModel:
    if template.created_at is None:
        raise ValueError("a stored template needs its creation time")
    return ContractTemplateModel(
        id=template.id,
        name=template.name,
        terms=template.terms(),
        options=template.options_json() or None,
        active=template.active,
        created_at=template.created_at,
        version=version,
    )


def get(template_id: str) -> ContractTemplate:
    try:
        return from_item(ContractTemplateModel.get(template_id))
    except DoesNotExist:
        raise NotFound(f"no contract template {template_id}", field="template_id") from None


def list_all() -> list[ContractTemplate]:
    return sorted((from_item(i) for i in ContractTemplateModel.scan()), key=lambda t: t.name.casefold())


def create(template: ContractTemplate, entry: AuditEntry) -> ContractTemplate:
    records.save_new(template, to_item(template, 1), entry, {})
    return template


def update(before: ContractTemplate, after: ContractTemplate, entry: AuditEntry) -> ContractTemplate:
    records.save_changed(
        before,
        after,
        model=ContractTemplateModel,
        to_item=to_item,
        from_item=from_item,
        claims=({}, {}),
        entry=entry,
        label="contract template",
        field="template_id",
    )
    return after
