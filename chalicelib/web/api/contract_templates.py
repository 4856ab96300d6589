"""Contract templates over JSON (B20, B22, B23)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain.roles import ApiScope
from chalicelib.domain.template_terms import (
    EMAIL_STAGES,
    HEALTH_METRICS,
    HEALTH_OPS,
    MAX_BODY,
    MAX_HEALTH_CONDITIONS,
    MAX_HEALTH_VALUE,
    MAX_SUBJECT,
    PRORATION,
)
from chalicelib.web.api.routing import ApiContext, endpoint

if TYPE_CHECKING:
    from chalicelib.domain.contract_templates import ContractTemplate

TEMPLATE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "currency": {"type": "string"},
        "period": {"type": "string", "examples": ["monthly", "quarterly", "yearly", "every_6_months"]},
        "timing": {"enum": ["advance", "arrears"]},
        "term_periods": {"type": ["integer", "null"]},
        "auto_renew": {"type": "boolean"},
        "notice_days": {"type": "integer"},
        "payment_terms_days": {"type": "integer"},
        "service_every_months": {"type": ["integer", "null"]},
        "access_level": {"enum": ["restricted", "upgrade_only", "upgrade_and_downgrade"]},
        "proration": {"enum": list(PRORATION)},
        "reminder_days": {"type": "array", "items": {"type": "integer"}},
        "retry_days": {
            "type": "array",
            "items": {"type": "integer"},
            "description": "card payment retries, days after the first failure; default [1, 3, 7, 14]",
        },
        "dunning_days": {
            "type": "array",
            "items": {"type": "integer"},
            "description": "days after the first failure to warn, suspend and cancel; default [7, 14, 30]",
        },
        "invoice_series": {"type": "string", "description": "code of the invoice number series; default"},
        "active": {"type": "boolean"},
        "options": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "label": {"type": "string"},
                    "price_minor": {"type": "integer"},
                    "setup_fee_minor": {"type": "integer"},
                },
            },
        },
        "plan": {
            "type": ["object", "null"],
            "description": "the plan's own price per period: a signup link for the template starts with it",
            "properties": {
                "label": {"type": "string", "description": "default: the template's name"},
                "price_minor": {"type": "integer", "minimum": 0},
            },
        },
        "health": {
            "type": "array",
            "description": "B22: a contract is healthy while every condition holds, e.g. days_past_due <= 14",
            "maxItems": MAX_HEALTH_CONDITIONS,
            "items": {
                "type": "object",
                "required": ["metric", "op", "value"],
                "properties": {
                    "metric": {"enum": list(HEALTH_METRICS)},
                    "op": {"enum": list(HEALTH_OPS)},
                    "value": {"type": "integer", "minimum": 0, "maximum": MAX_HEALTH_VALUE},
                },
            },
        },
        "emails": {
            "type": "object",
            "description": "Plain-text Jinja per stage, e.g. Hello {{ customer_name }}; none if left out",
            "propertyNames": {"enum": list(EMAIL_STAGES)},
            "additionalProperties": {
                "type": "object",
                "required": ["subject", "body"],
                "properties": {
                    "subject": {"type": "string", "maxLength": MAX_SUBJECT},
                    "body": {"type": "string", "maxLength": MAX_BODY},
                },
            },
        },
    },
}


def as_json(template: ContractTemplate) -> dict[str, Any]:
    return {
        "id": template.id,
        "name": template.name,
        **template.terms(),
        "active": template.active,
        "options": template.options_json(),
    }


@endpoint("/contract-templates", "GET", summary="Contract templates", scope=ApiScope.CONTRACTS_READ)
def list_templates(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.store import contract_templates

    return {"items": [as_json(t) for t in contract_templates.list_all()]}


@endpoint(
    "/contract-templates",
    "POST",
    summary="Create a contract template",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=TEMPLATE,
    status=201,
)
def post_template(ctx: ApiContext) -> dict[str, Any]:
    from chalicelib.services.manage_templates import create_template

    return as_json(create_template(ctx.body, actor=ctx.actor, now=ctx.now))


@endpoint(
    "/contract-templates/{template_id}", "GET", summary="One contract template", scope=ApiScope.CONTRACTS_READ
)
def get_template(ctx: ApiContext, template_id: str) -> dict[str, Any]:
    from chalicelib.store import contract_templates

    return as_json(contract_templates.get(template_id))


@endpoint(
    "/contract-templates/{template_id}",
    "PATCH",
    summary="Change terms of a contract template",
    scope=ApiScope.CONTRACTS_WRITE,
    request_schema=TEMPLATE,
)
def patch_template(ctx: ApiContext, template_id: str) -> dict[str, Any]:
    from chalicelib.services.manage_templates import update_template

    return as_json(update_template(template_id, ctx.body, actor=ctx.actor, now=ctx.now))
