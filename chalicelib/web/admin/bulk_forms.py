"""The bulk work page's forms (S3) turned into what the services take; errors name the form field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.errors import ValidationError

PRICE_FIELDS = (
    "vendor",
    "distributor",
    "product_code",
    "price_list_id",
    "currency",
    "change_kind",
    "change_value",
    "when",
    "effective_date",
)


def price_data(form: dict[str, str]) -> dict[str, Any]:
    """Filters, the change (percent, or an amount in minor units) and when, as the services take them."""
    from chalicelib.store import products

    data: dict[str, Any] = {
        name: form.get(name, "").strip()
        for name in ("vendor", "distributor", "price_list_id", "currency", "when", "effective_date")
    }
    code = form.get("product_code", "").strip()
    if code:
        product = products.find_by_code(code)
        if product is None:
            raise ValidationError(f"no product with the code {code}", field="product_code")
        data["product_id"] = product.id
    kind, value = form.get("change_kind", "percent"), form.get("change_value", "").strip()
    if kind not in ("percent", "amount"):
        raise ValidationError("change by percent or amount", field="change_kind")
    data["percent" if kind == "percent" else "amount_minor"] = value
    if not value:
        raise ValidationError(
            "give the change, e.g. +5 (percent) or -200 (minor units)", field=data_key(kind)
        )
    return data


def data_key(kind: str) -> str:
    return "percent" if kind == "percent" else "amount_minor"


def previewed_at(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw) if raw else None
    except ValueError:
        raise ValidationError("the preview time is not valid: preview again", field="previewed_at") from None


def _split(raw: str) -> list[str]:
    return [part for part in (raw or "").split(",") if part]


def versions(form: dict[str, str]) -> dict[str, int]:
    """ "id:version,..." as the page showed them."""
    found = {}
    for pair in _split(form.get("versions", "")):
        contract_id, _, version = pair.partition(":")
        if not version.isdigit():
            raise ValidationError("the form lost the contracts' versions: reload the page", field="versions")
        found[contract_id] = int(version)
    return found


def picked_lines(form: dict[str, str]) -> list[dict[str, str]]:
    lines = []
    for pair in _split(form.get("line", "")):
        contract_id, _, line_id = pair.partition(":")
        lines.append({"contract_id": contract_id, "line_id": line_id})
    return lines


def structure_data(operation: str, form: dict[str, str]) -> dict[str, Any]:
    """move, split, coterminate or merge, from the one form that lists a customer's contracts."""
    common = {
        "versions": versions(form),
        "when": form.get("when", "now"),
        "effective_date": form.get("effective_date"),
    }
    picked = picked_lines(form)
    chosen = _split(form.get("contract", ""))
    target = form.get("target_contract_id", "")
    if operation == "move":
        return {**common, "target_contract_id": target, "lines": picked}
    if operation == "split":
        owners = {line["contract_id"] for line in picked}
        if len(owners) != 1:
            raise ValidationError("tick lines of exactly one contract to split it", field="line_ids")
        return {**common, "contract_id": owners.pop(), "line_ids": [line["line_id"] for line in picked]}
    if operation == "coterminate":
        return {"versions": common["versions"], "contract_ids": chosen, "end_date": form.get("end_date")}
    return {**common, "target_contract_id": target, "contract_ids": [c for c in chosen if c != target]}
