"""Staff accounts: invite or create, change role, deactivate."""

from __future__ import annotations

from chalice import Response

from chalicelib import bootstrap
from chalicelib.adapters.mail import Message
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import Permission, Role
from chalicelib.domain.staff import StaffUser
from chalicelib.services import invitations, manage_staff
from chalicelib.services.send_mail import send_mail
from chalicelib.store import staff
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.render import render
from chalicelib.web.responses import redirect

NOTICES = {
    "created": "Account created.",
    "invited": "Invitation sent: the new colleague chooses a password from the email.",
    "role": "Role changed.",
    "deactivated": "Account deactivated: its sessions no longer work.",
    "reactivated": "Account reactivated.",
}


def _list(ctx: PageContext, status: int = 200, error: ValidationError | None = None) -> Response:
    return ctx.render(
        "admin/staff.html",
        status,
        staff=staff.list_all(),
        roles=list(Role),
        error=error,
        form=ctx.form if error else {},
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


@admin_page("/staff", permission=Permission.MANAGE_STAFF)
def staff_list(ctx: PageContext) -> Response:
    return _list(ctx)


@admin_page("/staff", permission=Permission.MANAGE_STAFF, methods=("POST",))
def staff_create(ctx: PageContext) -> Response:
    password = ctx.form.get("password") or None
    try:
        user = manage_staff.create_staff(
            email=ctx.form.get("email", ""),
            name=ctx.form.get("name", ""),
            role=ctx.form.get("role", ""),
            password=password,
            actor=ctx.actor,
            now=ctx.now,
        )
    except ValidationError as error:
        return _list(ctx, 400, error)
    if password is None:
        _send_invitation(ctx, user)
        return redirect(f"{PREFIX}/staff?notice=invited")
    return redirect(f"{PREFIX}/staff?notice=created")


def _send_invitation(ctx: PageContext, user: StaffUser) -> None:
    token = invitations.invitation_token(ctx.settings.secret_key, user)
    link = f"{ctx.settings.base_url}{PREFIX}/invitation/{token}"
    context = {"user": user, "link": link, "inviter": ctx.user, "company": ctx.settings.company_name}
    message = Message(
        to=user.email,
        subject=f"You are invited to {ctx.settings.company_name}",
        text=render("email/staff_invitation.txt", **context),
        html=render("email/staff_invitation.html", **context),
    )
    send_mail(
        message,
        transport=bootstrap.mail_transport(),
        blobs=bootstrap.blobs(),
        sender=ctx.settings.mail_from,
        now=ctx.now,
    )


@admin_page("/staff/{user_id}/role", permission=Permission.MANAGE_STAFF, methods=("POST",))
def staff_change_role(ctx: PageContext, user_id: str) -> Response:
    manage_staff.change_role(user_id, ctx.form.get("role", ""), actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/staff?notice=role")


@admin_page("/staff/{user_id}/active", permission=Permission.MANAGE_STAFF, methods=("POST",))
def staff_set_active(ctx: PageContext, user_id: str) -> Response:
    active = ctx.form.get("active") == "1"
    manage_staff.set_active(user_id, active, actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/staff?notice={'reactivated' if active else 'deactivated'}")
