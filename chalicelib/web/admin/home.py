"""The admin home: what happened today and how the jobs are doing."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.roles import Permission
from chalicelib.store import audit, job_runs
from chalicelib.web.admin.routing import PageContext, admin_page


@admin_page("", permission=Permission.VIEW_HOME)
def home(ctx: PageContext) -> Response:
    today = ctx.now.date().isoformat()
    changes = audit.for_day(today, limit=10) if ctx.can(Permission.VIEW_AUDIT) else []
    runs = job_runs.recent(limit=5) if ctx.can(Permission.VIEW_JOBS) else []
    return ctx.render("admin/home.html", changes=changes, runs=runs, today=today)
