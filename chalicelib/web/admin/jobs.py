"""Scheduled jobs: their runs (start, end, result, counts) and a run-now button."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.roles import Permission
from chalicelib.jobs import catalog
from chalicelib.store import job_runs
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


@admin_page("/jobs", permission=Permission.VIEW_JOBS)
def jobs(ctx: PageContext) -> Response:
    job = ctx.query.get("job", "")
    runs = job_runs.for_job(job) if job in catalog.JOBS else job_runs.recent()
    return ctx.render(
        "admin/jobs.html",
        jobs=list(catalog.JOBS.values()),
        runs=runs,
        selected=job,
        notice="Job run finished." if ctx.query.get("notice") == "ran" else "",
    )


@admin_page("/jobs/{name}/run", permission=Permission.RUN_JOBS, methods=("POST",))
def job_run_now(ctx: PageContext, name: str) -> Response:
    catalog.run(name, at=ctx.now, trigger=f"manual:{ctx.user.email}")
    return redirect(f"{PREFIX}/jobs?job={name}&notice=ran")
