"""/portal/<token>/card: the customer's saved card, and a form to save or replace it (B11).

Locally (localstripe) the form is a plain development card form for test cards. On AWS the card is
typed into Stripe's Payment Element (Stripe.js) for the SetupIntent, so card data never reaches us:
the browser confirms the SetupIntent with Stripe, then posts only its id back here. A card that needs
a redirect (3-D Secure) comes back to this page with ?setup_intent=seti_..., which offers the same post.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.web.portal.access import PortalContext, redirect

if TYPE_CHECKING:
    from chalicelib.domain.card_payments import SavedCard
    from chalicelib.services.card_setup import CardSetup


def card_form(ctx: PortalContext, page: str, *, submit_label: str, action: str = "") -> dict[str, Any]:
    """What templates/portal/_card_form.html needs: a new SetupIntent, or the one Stripe redirected
    back with (then the form only posts its id)."""
    from chalicelib.services.card_setup import begin_card_setup

    returned = ctx.query.get("setup_intent", "")
    setup: CardSetup | None = None if returned else begin_card_setup(ctx.link.customer_id, now=ctx.now)
    return {
        "setup": setup,
        "returned_setup_intent": returned,
        "form_action": ctx.url(page),
        "return_url": ctx.settings.base_url + ctx.url(page),
        "submit_label": submit_label,
        "form_step": action,
    }


def card_text(saved: SavedCard | None, words: dict[str, str]) -> str:
    """ "Visa •••• 4242, expires 12/2030" in the customer's language ("" without a card)."""
    card = saved.card if saved else None
    if card is None:
        return ""
    return words["card_label"].format(
        brand=card.brand.title(), last4=card.last4, month=f"{card.exp_month:02d}", year=card.exp_year
    )


def uses_stripe_js(form: dict[str, Any]) -> bool:
    setup = form["setup"]
    return setup is not None and not setup.dev_form


def save_card_from_form(ctx: PortalContext) -> SavedCard:
    """The posted card form: a development card (localstripe only) or a SetupIntent Stripe.js confirmed."""
    from chalicelib.services.card_setup import DevCard, finish_card_setup

    form = ctx.form
    dev_card = None
    # Raw card numbers are read only where the development form exists; elsewhere they are ignored.
    if ctx.settings.stripe_dev_cards and "card_number" in form:
        dev_card = DevCard(
            number=form.get("card_number", ""),
            exp_month=form.get("exp_month", ""),
            exp_year=form.get("exp_year", ""),
            cvc=form.get("cvc", ""),
        )
    return finish_card_setup(
        ctx.link.customer_id,
        form.get("setup_intent_id", ""),
        dev_card=dev_card,
        actor=ctx.actor,
        now=ctx.now,
    )


def _page(ctx: PortalContext, status: int = 200, error: str = "") -> Response:
    from chalicelib.store import cards

    saved = cards.get(ctx.link.customer_id)
    label = ctx.t["replace_card"] if saved else ctx.t["save_card"]
    form = card_form(ctx, "card", submit_label=label)
    return ctx.render(
        "portal/card.html",
        status,
        stripe=uses_stripe_js(form),
        saved_label=card_text(saved, ctx.t),
        error=error,
        notice=ctx.t["card_saved"] if ctx.query.get("saved") == "1" and not error else "",
        card=form,
        nav="card",
    )


def show(ctx: PortalContext) -> Response:
    return _page(ctx)


def submit(ctx: PortalContext) -> Response:
    try:
        save_card_from_form(ctx)
    except ValidationError as error:
        return _page(ctx, 400, error.message)
    return redirect(ctx.url("card") + "?saved=1")
