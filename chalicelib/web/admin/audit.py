"""The change history (C11): per record, per user, or per day."""

from __future__ import annotations

from datetime import date

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import Permission
from chalicelib.store import audit, staff
from chalicelib.web.admin.routing import PageContext, admin_page


@admin_page("/audit", permission=Permission.VIEW_AUDIT)
def audit_log(ctx: PageContext) -> Response:
    entity = ctx.query.get("entity", "").strip()
    actor = ctx.query.get("actor", "").strip()
    day = ctx.query.get("day", "").strip() or ctx.now.date().isoformat()
    if entity:
        entity_type, _, entity_id = entity.partition("#")
        if not entity_id:
            raise ValidationError("entity must look like staff#<id>", field="entity")
        entries, heading = audit.for_entity(entity_type, entity_id), f"Changes to {entity}"
    elif actor:
        entries, heading = audit.for_actor(actor), f"Changes made by {actor}"
    else:
        try:
            date.fromisoformat(day)
        except ValueError:
            raise ValidationError("day must be a date like 2026-11-23", field="day") from None
        entries, heading = audit.for_day(day), f"Changes on {day}"
    return ctx.render("admin/audit.html", entries=entries, heading=heading, day=day, staff=staff.list_all())
