"""Invoice number series (X3, S15): the list with the next number each will give, and a new one."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.errors import DomainError
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


def _page(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    from chalicelib.domain.numbering import format_number
    from chalicelib.store import invoices

    found = invoices.all_series(ctx.now)
    rows = [(s, format_number(s.format, int(s.last_seq) + 1, ctx.now.date())) for s in found]
    form = ctx.form if error else {"format": "INV-{YYYY}-{seq:06}"}
    return ctx.render(
        "admin/invoice_series.html",
        status,
        rows=rows,
        form=form,
        error=error,
        saved=ctx.query.get("notice") == "created",
    )


@admin_page("/invoice-series", permission=Permission.MANAGE_BILLING_SETTINGS)
def series_list(ctx: PageContext) -> Response:
    return _page(ctx)


@admin_page("/invoice-series", permission=Permission.MANAGE_BILLING_SETTINGS, methods=("POST",))
def series_create(ctx: PageContext) -> Response:
    from chalicelib.services.manage_invoice_series import create_series

    try:
        create_series(ctx.form, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status not in (400, 409):
            raise
        return _page(ctx, error.status, error)
    return redirect(f"{PREFIX}/invoice-series?notice=created")
