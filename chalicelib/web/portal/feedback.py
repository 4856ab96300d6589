"""/portal/<token>/feedback: rate one service visit (B3), opened from the "visit done" email.

The link names the visit; a visit that is not the link's customer's is an unknown link (404). One
rating per visit: after it the page thanks the customer, and a second submit gets "already rated".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.web.portal.access import PortalContext, redirect

if TYPE_CHECKING:
    from chalicelib.domain.feedback import Feedback
    from chalicelib.services.give_feedback import RatedVisit

RATE = "rate"  # the form's only action


def _error_text(ctx: PortalContext, error: ValidationError) -> str:
    from chalicelib.domain.feedback import MAX_COMMENT

    if error.field == "rating":
        return ctx.t["service_rating_required"]
    if error.field == "comment":
        return ctx.t["service_comment_too_long"].format(limit=MAX_COMMENT)
    return error.message


def _page(
    ctx: PortalContext,
    rated: RatedVisit,
    status: int = 200,
    *,
    given: Feedback | None = None,
    state: str = "form",
    error: ValidationError | None = None,
) -> Response:
    from chalicelib.domain.feedback import RATINGS

    return ctx.render(
        "portal/feedback.html",
        status,
        rated=rated,
        given=given,
        state=state,  # form | thanks | already
        ratings=RATINGS,
        form=ctx.form if error else {},
        error=_error_text(ctx, error) if error else "",
        error_field=error.field if error else "",
        action=ctx.url("feedback"),
    )


def show(ctx: PortalContext) -> Response:
    from chalicelib.services.give_feedback import existing, visit_of_link

    rated = visit_of_link(ctx.link)
    given = existing(rated)
    if given is None:
        return _page(ctx, rated)
    return _page(ctx, rated, given=given, state="thanks" if ctx.query.get("done") == "1" else "already")


def submit(ctx: PortalContext) -> Response:
    from chalicelib.domain.feedback import AlreadyRated
    from chalicelib.services.give_feedback import existing, give_feedback, visit_of_link

    rated = visit_of_link(ctx.link)  # a link to no visit of this customer: 404 before anything
    if ctx.form.get("action", RATE) != RATE:
        raise ValidationError("unknown action", field="action")
    given = existing(rated)
    if given is not None:
        return _page(ctx, rated, 409, given=given, state="already")
    try:
        give_feedback(ctx.link, ctx.form, now=ctx.now, rated=rated)
    except AlreadyRated:  # rated in another tab a moment ago: the first rating stays
        return _page(ctx, rated, 409, given=existing(rated), state="already")
    except ValidationError as error:
        return _page(ctx, rated, 400, error=error)
    return redirect(ctx.url("feedback") + "?done=1")
