"""Reading a customer or person form: text fields, custom.* fields, categories, address."""

from __future__ import annotations

from typing import Any


def record_data(form: dict[str, str], text_fields: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {name: form[name] for name in text_fields if name in form}
    custom = {
        name.removeprefix("custom."): value for name, value in form.items() if name.startswith("custom.")
    }
    if custom:
        data["custom"] = custom
    # Unticking every box sends no "categories" at all: the marker says the boxes were on the form.
    if "categories_shown" in form:
        data["categories"] = [c for c in form.get("categories", "").split(",") if c]
    if "address_id" in form:
        data["address_id"] = form["address_id"]
    return data
