"""Tax rates (B4): the list by region and category, and a form that adds or replaces one."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.errors import DomainError
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect


def _page(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    from chalicelib.store import tax_rates

    rates = sorted(tax_rates.all_rates().values(), key=lambda r: (r.region, r.category))
    form = ctx.form if error else {"category": "standard"}
    return ctx.render(
        "admin/tax_rates.html",
        status,
        rates=rates,
        form=form,
        error=error,
        country=ctx.settings.company_country,
        saved=ctx.query.get("notice") == "saved",
    )


@admin_page("/tax-rates", permission=Permission.MANAGE_BILLING_SETTINGS)
def tax_rate_list(ctx: PageContext) -> Response:
    return _page(ctx)


@admin_page("/tax-rates", permission=Permission.MANAGE_BILLING_SETTINGS, methods=("POST",))
def tax_rate_set(ctx: PageContext) -> Response:
    from chalicelib.services.manage_tax_rates import set_tax_rate

    try:
        set_tax_rate(ctx.form, actor=ctx.actor, now=ctx.now)
    except DomainError as error:
        if error.status != 400:
            raise
        return _page(ctx, 400, error)
    return redirect(f"{PREFIX}/tax-rates?notice=saved")
