"""Duplicates (C10): candidates for one record, a report per entity, and the merge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Response

from chalicelib.domain import lookups
from chalicelib.domain.customer import SENSITIVE_FIELDS
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import Permission
from chalicelib.services import find_duplicates
from chalicelib.services.merge_records import ENTITIES, merge
from chalicelib.store import addresses, customers, people
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

_PAGES = {"customer": "customers", "person": "people", "address": "addresses"}
_LOAD: dict[str, Callable[[str], Any]] = {
    "customer": customers.get,
    "person": people.get,
    "address": addresses.get,
}


def _entity(value: str) -> str:
    if value not in ENTITIES:
        raise ValidationError("entity must be customer, person or address", field="entity")
    return value


@admin_page("/duplicates", permission=Permission.MERGE_RECORDS)
def duplicates(ctx: PageContext) -> Response:
    ref = ctx.query.get("ref", "")
    if ref:
        entity, record_id = lookups.split_ref(ref)
        record = _LOAD[_entity(entity)](record_id)
        found = find_duplicates.candidates_for(entity, record_id)
        return ctx.render(
            "admin/duplicates.html",
            entity=entity,
            record=record,
            candidates=found,
            groups=None,
            complete=True,
            pages=_PAGES,
        )
    entity = _entity(ctx.query.get("entity", "customer"))
    groups, complete = find_duplicates.report(entity)
    return ctx.render(
        "admin/duplicates.html",
        entity=entity,
        record=None,
        candidates=None,
        groups=groups,
        complete=complete,
        pages=_PAGES,
    )


@admin_page("/duplicates/merge", permission=Permission.MERGE_RECORDS)
def merge_preview(ctx: PageContext) -> Response:
    entity = _entity(ctx.query.get("entity", ""))
    original = _LOAD[entity](ctx.query.get("original_id", ""))
    duplicate = _LOAD[entity](ctx.query.get("duplicate_id", ""))
    hidden = set() if ctx.can(Permission.VIEW_SENSITIVE_FIELDS) else SENSITIVE_FIELDS
    rows = [
        (name, value, duplicate.fields().get(name, ""))
        for name, value in original.fields().items()
        if name not in hidden  # the preview must not show what the role may not see (C12)
    ]
    return ctx.render(
        "admin/merge.html", entity=entity, original=original, duplicate=duplicate, rows=rows, pages=_PAGES
    )


@admin_page("/duplicates/merge", permission=Permission.MERGE_RECORDS, methods=("POST",))
def merge_submit(ctx: PageContext) -> Response:
    entity = _entity(ctx.form.get("entity", ""))
    original_id = ctx.form.get("original_id", "")
    merge(entity, original_id, ctx.form.get("duplicate_id", ""), actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/{_PAGES[entity]}/{original_id}?notice=merged")
