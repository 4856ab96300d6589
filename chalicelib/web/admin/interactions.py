"""A customer's or person's timeline of interactions, with the form to log one (and a task)."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.interactions import KINDS, wants_task
from chalicelib.domain.roles import Permission
from chalicelib.services.log_interaction import log_interaction
from chalicelib.store import interactions, staff, tasks
from chalicelib.web.admin.activity_common import pick_subject, subject
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


def _timeline(
    ctx: PageContext, ref: str, status: int = 200, error: ValidationError | None = None
) -> Response:
    about = subject(ref, field="subject")
    subject_tasks = tasks.for_subject(about.ref)
    by_interaction: dict[str, list[object]] = {}
    for task in subject_tasks:
        by_interaction.setdefault(task.interaction_id or "", []).append(task)
    colleagues = [s for s in staff.list_all() if s.active]
    return ctx.render(
        "admin/interactions.html",
        status,
        subject=about,
        interactions=interactions.for_subject(about.ref),
        tasks_of=by_interaction,
        staff_names={s.id: s.name for s in staff.list_all()},
        colleagues=colleagues,
        kinds=KINDS,
        today=ctx.now.date(),
        error=error,
        form=ctx.form if error else {"task_assignee_id": ctx.user.id},
        notice="Interaction logged." if ctx.query.get("notice") == "logged" else "",
    )


@admin_page("/interactions", permission=Permission.VIEW_CUSTOMERS)
def interaction_list(ctx: PageContext) -> Response:
    if not ctx.query.get("subject", "").strip():
        return pick_subject(ctx, "Interactions", "/interactions", "subject")
    return _timeline(ctx, ctx.query["subject"])


@admin_page("/interactions", permission=Permission.LOG_INTERACTIONS, methods=("POST",))
def interaction_log(ctx: PageContext) -> Response:
    ref = ctx.form.get("subject", "")
    task_form = {k.removeprefix("task_"): v for k, v in ctx.form.items() if k.startswith("task_")}
    try:
        log_interaction(
            ref, ctx.form, [task_form] if wants_task(ctx.form) else [], actor=ctx.actor, now=ctx.now
        )
    except ValidationError as error:
        if error.field == "subject":
            raise
        return _timeline(ctx, ref, 400, error)
    return redirect(f"{PREFIX}/interactions?subject={quote(ref, safe='')}&notice=logged")
