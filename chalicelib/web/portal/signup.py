"""/portal/<token>/signup: a signup link's offer (a contract template's options, or a quote's lines) and
the form that makes the customer and starts the contract (B6, B1). No navigation: the link may belong to
a prospect who is not a customer yet.

Form fields: company, tax_id, first_name, last_name, email, phone, street, city, postcode, country,
option_<code> (ticked options), accept_terms, save_card, action=signup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Response

from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.money import format_amount
from chalicelib.web.portal.access import PortalContext, redirect

if TYPE_CHECKING:
    from chalicelib.services.signup import Offer

ACTION = "signup"
# Which label names a field in an error (the services name address and customer fields their own way).
FIELD_LABELS = {
    "company": "signup_company",
    "name": "signup_company",
    "tax_id": "signup_tax_id",
    "first_name": "ss_field_contact_first_name",
    "last_name": "ss_field_contact_last_name",
    "email": "ss_field_email",
    "phone": "signup_phone",
    "street": "ss_field_address_line1",
    "line1": "ss_field_address_line1",
    "city": "ss_field_address_city",
    "postcode": "ss_field_address_postcode",
    "country": "ss_field_address_country",
    "options": "ov_options",
    "accept_terms": "signup_accept_terms",
}
FORM_NAMES = {"line1": "street", "name": "company"}


def _offer(ctx: PortalContext) -> Offer:
    from chalicelib.services.signup import load_offer

    return load_offer(ctx.link)


def _offer_view(offer: Offer, ctx: PortalContext) -> dict[str, Any]:
    from chalicelib.services.portal_quote import totals
    from chalicelib.web.portal.quote import period_word, quote_rows

    period = period_word(ctx.t, offer.period)

    def money(minor: int) -> str:
        return format_amount(minor, offer.currency, ctx.locale)

    options = [
        {
            "code": o.code,
            "label": o.label,
            "price": ctx.t["signup_option_price"].format(price=money(o.price_minor), period=period),
            "fee": ctx.t["signup_setup_fee"].format(fee=money(o.setup_fee_minor))
            if o.setup_fee_minor
            else "",
        }
        for o in offer.options
    ]
    quote = offer.quote
    recurring, one_off = totals(quote, ctx.settings.company_country, ctx.locale) if quote else (None, None)
    template = offer.template  # a template's offer (a quote's is its lines)
    plan = None
    if template and template.plan:
        price = ctx.t["signup_option_price"].format(price=money(template.plan.price_minor), period=period)
        plan = {"label": template.plan_label, "price": price}
    return {
        "name": offer.name,
        "plan": plan,
        "period": period,
        "options": options,
        "quote": quote,
        "rows": quote_rows(quote, ctx) if quote else [],
        "recurring": recurring,
        "one_off": one_off,
    }


def _page(
    ctx: PortalContext, offer: Offer, status: int = 200, *, error: str = "", field: str = ""
) -> Response:
    from chalicelib.services.signup import prefill, still_open

    form = dict(ctx.form) if ctx.form else prefill(offer)
    chosen = {k.removeprefix("option_") for k, v in form.items() if k.startswith("option_") and v}
    return ctx.render(
        "portal/signup.html",
        status,
        offer=_offer_view(offer, ctx),
        open=still_open(offer, ctx.now),
        form=form,
        chosen=chosen,
        error=error,
        error_field=FORM_NAMES.get(field, field),
        action=ctx.url("signup"),
    )


def show(ctx: PortalContext) -> Response:
    return _page(ctx, _offer(ctx))


def submit(ctx: PortalContext) -> Response:
    from chalicelib.services.signup import sign_up

    offer = _offer(ctx)
    if ctx.form.get("action", ACTION) != ACTION:
        raise ValidationError("action must be signup", field="action")
    try:
        done = sign_up(offer, ctx.form, locale=ctx.locale, now=ctx.now)
    except ValidationError as error:
        label = ctx.t.get(FIELD_LABELS.get(error.field or "", ""), error.field or "")
        text = ctx.t["signup_check"].format(field=label) + f" ({error.message})"
        return _page(ctx, offer, 400, error=text, field=error.field or "")
    except Conflict:
        return _page(ctx, offer, 409, error=ctx.t["signup_closed"])
    home = f"/portal/{done.portal_token}"
    return redirect(home + "/card" if done.save_card else home)
