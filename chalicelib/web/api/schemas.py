"""JSON schemas shared by the OpenAPI document."""

from __future__ import annotations

from typing import Any

ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string"},
            },
        }
    },
}

_CUSTOMER_FIELDS: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 200},
    "email": {"type": "string", "format": "email"},
    "phone": {"type": "string"},
    "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "locale": {"type": "string", "enum": ["en", "ru", "uk", "sk", "fr"]},
    "timezone": {"type": "string", "examples": ["Europe/Bratislava"]},
}

CUSTOMER_INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["name", "country", "currency"],
    "properties": _CUSTOMER_FIELDS,
}
CUSTOMER_PATCH: dict[str, Any] = {"type": "object", "properties": _CUSTOMER_FIELDS}
CUSTOMER: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        **_CUSTOMER_FIELDS,
    },
}
CUSTOMER_PAGE: dict[str, Any] = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": CUSTOMER}, "next": {"type": ["string", "null"]}},
}
WHOAMI: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key_id": {"type": "string"},
        "name": {"type": "string"},
        "scopes": {"type": "array", "items": {"type": "string"}},
    },
}

LIST: dict[str, Any] = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"type": "object"}}},
}
_RECORD_EXTRAS: dict[str, Any] = {
    "address_id": {"type": ["string", "null"]},
    "custom": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
    "categories": {"type": "array", "items": {"type": "string", "examples": ["region:west"]}},
}
_CUSTOMER_FIELDS.update(
    {
        name: {"type": "string"}
        for name in ("code", "tax_id", "external_id", "website", "bank_account", "notes")
    }
)
_CUSTOMER_FIELDS.update(_RECORD_EXTRAS)
PERSON_INPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        **{
            name: {"type": "string"}
            for name in ("first_name", "last_name", "email", "phone", "external_id", "notes")
        },
        **_RECORD_EXTRAS,
    },
}
MEMBERSHIP_INPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "role": {"type": "string"},
        "email": {"type": "string"},
        "phone": {"type": "string"},
        "primary": {"type": "boolean"},
    },
}
ADDRESS_INPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        name: {"type": "string"}
        for name in (
            "label",
            "line1",
            "line2",
            "city",
            "postcode",
            "region",
            "country",
            "latitude",
            "longitude",
        )
    },
}
