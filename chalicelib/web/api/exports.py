"""CSV exports over JSON: the same file as the admin export, as text inside the API's JSON format."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import NotFound
from chalicelib.domain.roles import ApiScope
from chalicelib.web.api.routing import ApiContext, endpoint

EXPORT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "filename": {"type": "string", "examples": ["customers-2026-11-20.csv"]},
        "content_type": {"type": "string", "const": "text/csv"},
        "content": {"type": "string", "description": "the CSV text; its header is the importable fields"},
    },
}


@endpoint(
    "/exports/{entity}",
    "GET",
    summary="Export customers, people, products or items as CSV text (re-importable). "
    "An exports:read key gets sensitive fields (tax id, bank account) too",
    scope=ApiScope.EXPORT,
    response_schema=EXPORT,
)
def get_export(ctx: ApiContext, entity: str) -> dict[str, Any]:
    # The exporter and the field lists load only when an export is asked for.
    from chalicelib.domain.csv_mapping import ENTITIES
    from chalicelib.services import export_csv

    if entity not in ENTITIES:
        raise NotFound(f"no export {entity}: try {', '.join(ENTITIES)}", field="entity")
    data = export_csv.export(entity, may_view_sensitive=True)
    return {
        "filename": f"{entity}-{ctx.now:%Y-%m-%d}.csv",
        "content_type": "text/csv",
        "content": data.decode("utf-8-sig"),
    }
