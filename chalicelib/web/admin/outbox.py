"""The mail log and local outbox: what was sent, to whom, and whether it failed."""

from __future__ import annotations

from chalice import Response

from chalicelib import bootstrap
from chalicelib.domain.roles import Permission
from chalicelib.store import mail
from chalicelib.web.admin.routing import PageContext, admin_page


@admin_page("/outbox", permission=Permission.VIEW_OUTBOX)
def outbox(ctx: PageContext) -> Response:
    return ctx.render("admin/outbox.html", messages=mail.recent(), backend=ctx.settings.mail_backend)


@admin_page("/outbox/{mail_id}", permission=Permission.VIEW_OUTBOX)
def outbox_message(ctx: PageContext, mail_id: str) -> Response:
    return ctx.render("admin/mail.html", message=mail.get(mail_id))


@admin_page("/outbox/{mail_id}/eml", permission=Permission.VIEW_OUTBOX)
def outbox_eml(ctx: PageContext, mail_id: str) -> Response:
    record = mail.get(mail_id)
    data = bootstrap.blobs().get(record.eml_key) if record.eml_key else b""
    # As text: API Gateway then needs no binary media type, and .eml is ASCII-safe MIME.
    return Response(
        body=data.decode("utf-8", errors="replace"),
        headers={
            "Content-Type": "message/rfc822",
            "Content-Disposition": f'attachment; filename="{mail_id}.eml"',
            "Cache-Control": "no-store",
        },
    )
