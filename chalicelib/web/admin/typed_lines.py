"""Lines typed one per line on a form: code | quantity | unit price | discount% | (a fifth column).

Quotes say recurring or one-off in the fifth column; contracts list installed item serials there.

The lines become the same objects the API takes, so both go through one set of checks; an error
is reported by the number of the line as typed.
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.money import parse_amount

KINDS = {"recurring": True, "one-off": False, "one off": False, "oneoff": False, "once": False}
_LINE_FIELD = re.compile(r"^lines\[(\d+)\]")
_PREFIX = re.compile(r"^lines\[\d+\][^:]*:\s*")


def catalogue_line(parts: list[str], currency: str, where: str) -> dict[str, Any]:
    """code | quantity | unit price | discount% -> a line as the services take it (product by code)."""
    from chalicelib.store import products

    code, quantity, price, discount = (parts + ["", "", "", ""])[:4]
    product = products.find_by_code(code) if code else None
    if product is None:
        raise ValidationError(f"{where}: no product with code {code!r}", field="lines")
    line: dict[str, Any] = {
        "product_id": product.id,
        "quantity": quantity or "1",
        "discount_percent": discount.rstrip("%").strip(),
    }
    if price:
        try:
            line["unit_price_minor"] = parse_amount(price, currency, field="lines")
        except ValidationError as error:
            raise ValidationError(f"{where}: {error.message}", field="lines") from None
    return line


def typed_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number as typed, its | separated cells) for every line that is not blank."""
    rows = enumerate((text or "").splitlines(), start=1)
    return [(number, [p.strip() for p in typed.split("|")]) for number, typed in rows if typed.strip()]


def parse_text_lines(text: str, currency: str) -> tuple[list[dict[str, Any]], list[int]]:
    """(lines for the quote service, the typed line number of each) from the form's text."""
    lines, numbers = [], []
    for number, parts in typed_rows(text):
        where = f"line {number}"
        if len(parts) != 5:
            raise ValidationError(
                f"{where}: write product code | quantity | unit price | discount% | recurring or one-off "
                "(leave the price or discount empty to use the price list / no discount)",
                field="lines",
            )
        kind = parts[4]
        line = catalogue_line(parts, currency, where)
        if kind.lower() not in KINDS:
            raise ValidationError(f"{where}: say recurring or one-off, not {kind!r}", field="lines")
        lines.append({**line, "recurring": KINDS[kind.lower()]})
        numbers.append(number)
    return lines, numbers


def by_typed_line(error: ValidationError, numbers: list[int]) -> ValidationError:
    """The service's "lines[2].quantity" error, told as "line 4: ..." (blank lines count when typing)."""
    match = _LINE_FIELD.match(error.field or "")
    if not match or int(match[1]) >= len(numbers):
        return error
    message = _PREFIX.sub("", error.message)
    return ValidationError(f"line {numbers[int(match[1])]}: {message}", field="lines")
