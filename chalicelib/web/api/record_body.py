"""Reading a customer or person body: text fields, custom fields, categories, address id."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.web.api.routing import string_fields


def record_body(body: dict[str, Any], text_fields: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = dict(string_fields(body, text_fields))
    if "custom" in body:
        custom = body["custom"]
        if not isinstance(custom, dict) or not all(isinstance(v, str | int | float) for v in custom.values()):
            raise ValidationError("custom must be an object of field key to text or number", field="custom")
        data["custom"] = {str(k): str(v) for k, v in custom.items()}
    if "categories" in body:
        tags = body["categories"]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValidationError("categories must be a list of kind:code strings", field="categories")
        data["categories"] = tags
    if "address_id" in body:
        if body["address_id"] is not None and not isinstance(body["address_id"], str):
            raise ValidationError("address_id must be a string or null", field="address_id")
        data["address_id"] = body["address_id"] or ""
    return data
