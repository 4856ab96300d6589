"""Codes and categories (C5): "kind:code" pairs such as region:west or industry:hospital."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.domain.errors import ValidationError

_PART = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class Category:
    kind: str
    code: str
    label: str

    @property
    def tag(self) -> str:
        return f"{self.kind}:{self.code}"


def define(kind: str, code: str, label: str) -> Category:
    kind, code = kind.strip().lower(), code.strip().lower()
    if not _PART.match(kind):
        raise ValidationError("kind must be lower-case letters, digits, - or _", field="kind")
    if not _PART.match(code):
        raise ValidationError("code must be lower-case letters, digits, - or _", field="code")
    if not label.strip():
        raise ValidationError("label is required", field="label")
    return Category(kind=kind, code=code, label=label.strip()[:80])


def parse_tags(values: list[str], known: set[str]) -> frozenset[str]:
    """Tags chosen on a form or in an API call; each must be a defined category."""
    tags = frozenset(v.strip().lower() for v in values if v.strip())
    unknown = sorted(tags - known)
    if unknown:
        raise ValidationError(f"no category {unknown[0]!r} is defined", field="categories")
    return tags
