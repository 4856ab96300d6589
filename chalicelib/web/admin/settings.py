"""Admin settings: custom fields of customers and people, and the codes and categories (C1, C2, C5)."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.custom_fields import ENTITIES, TYPES
from chalicelib.domain.errors import DomainError
from chalicelib.domain.roles import Permission
from chalicelib.services.manage_fields import define_category, define_field, remove_field
from chalicelib.store import fields
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


def _page(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    return ctx.render(
        "admin/settings_fields.html",
        status,
        entities=ENTITIES,
        types=TYPES,
        error=error,
        defs={e: fields.field_defs(e) for e in ENTITIES},
        categories=fields.categories(),
        form=ctx.form if error else {},
    )


@admin_page("/settings/fields", permission=Permission.MANAGE_FIELDS_AND_CATEGORIES)
def settings_fields(ctx: PageContext) -> Response:
    return _page(ctx)


@admin_page("/settings/fields", permission=Permission.MANAGE_FIELDS_AND_CATEGORIES, methods=("POST",))
def settings_fields_save(ctx: PageContext) -> Response:
    form = ctx.form
    try:
        if form.get("action") == "remove_field":
            remove_field(form.get("entity", ""), form.get("key", ""), actor=ctx.actor, now=ctx.now)
        elif form.get("action") == "category":
            define_category(
                form.get("kind", ""),
                form.get("code", ""),
                form.get("label", ""),
                actor=ctx.actor,
                now=ctx.now,
            )
        else:
            define_field(
                form.get("entity", ""),
                form.get("key", ""),
                form.get("label", ""),
                form.get("type", ""),
                form.get("choices", ""),
                form.get("required") == "1",
                actor=ctx.actor,
                now=ctx.now,
            )
    except DomainError as error:
        if error.status not in (400, 409):
            raise
        return _page(ctx, error.status, error)
    return redirect(f"{PREFIX}/settings/fields")
