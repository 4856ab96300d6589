"""Jinja2 pages with autoescaping. templates/ sits beside chalicelib/ here and in the Lambda zip."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.config import REPO_ROOT
from chalicelib.domain.roles import Permission

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES_DIR = REPO_ROOT / "templates"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def _money(minor: int, currency: str) -> str:
    from chalicelib.domain.money import format_amount

    return format_amount(minor, currency)


@lru_cache(maxsize=1)
def environment() -> Environment:
    # Imported on first render: API calls and scheduled jobs never pay for it.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml", "eml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["money"] = _money
    env.globals["permissions"] = dict(Permission.__members__)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
