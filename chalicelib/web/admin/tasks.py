"""Follow-up tasks: my open tasks by due date, everyone's overdue tasks; complete, reopen, reassign."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Response

from chalicelib.domain.collection_tasks import invoice_id_of
from chalicelib.domain.interactions import Task
from chalicelib.domain.roles import Permission
from chalicelib.services import manage_tasks
from chalicelib.store import staff, subjects, tasks
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

NOTICES = {"completed": "Task done.", "reopened": "Task reopened.", "reassigned": "Task reassigned."}


def _back(ctx: PageContext) -> str:
    return "overdue" if ctx.form.get("view") == "overdue" else "mine"


@admin_page("/tasks", permission=Permission.LOG_INTERACTIONS)
def task_list(ctx: PageContext) -> Response:
    view = "overdue" if ctx.query.get("view") == "overdue" else "mine"
    today = ctx.now.date()  # ctx.now is UTC
    found: list[Task] = tasks.overdue(today) if view == "overdue" else tasks.open_for(ctx.user.id)
    everyone = staff.list_all()
    return ctx.render(
        "admin/tasks.html",
        view=view,
        tasks=found,
        today=today,
        subject_names=subjects.labels([t.subject for t in found]) if found else {},
        staff_names={s.id: s.name for s in everyone},
        colleagues=[s for s in everyone if s.active],
        quote=quote,
        invoice_of=invoice_id_of,  # a collection task links to its invoice (B26)
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


def _done(ctx: PageContext, notice: str) -> Response:
    return redirect(f"{PREFIX}/tasks?view={_back(ctx)}&notice={notice}")


@admin_page("/tasks/{task_id}/complete", permission=Permission.LOG_INTERACTIONS, methods=("POST",))
def task_complete(ctx: PageContext, task_id: str) -> Response:
    manage_tasks.complete_task(task_id, actor=ctx.actor, now=ctx.now)
    return _done(ctx, "completed")


@admin_page("/tasks/{task_id}/reopen", permission=Permission.LOG_INTERACTIONS, methods=("POST",))
def task_reopen(ctx: PageContext, task_id: str) -> Response:
    manage_tasks.reopen_task(task_id, actor=ctx.actor, now=ctx.now)
    return _done(ctx, "reopened")


@admin_page("/tasks/{task_id}/reassign", permission=Permission.LOG_INTERACTIONS, methods=("POST",))
def task_reassign(ctx: PageContext, task_id: str) -> Response:
    manage_tasks.reassign_task(task_id, ctx.form.get("assignee_id", ""), actor=ctx.actor, now=ctx.now)
    return _done(ctx, "reassigned")
