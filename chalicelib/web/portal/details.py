"""/portal/<token>/details: the customer's contact details, main contact and billing address (B9).

Form fields: name, email, phone; contact_first_name, contact_last_name, contact_email, contact_phone
(only when the organisation has a main contact); address_line1, address_line2, address_postcode,
address_city, address_region, address_country; action=save.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Response

from chalicelib.domain.errors import ValidationError
from chalicelib.web.portal.access import PortalContext, redirect

if TYPE_CHECKING:
    from chalicelib.services.portal_details import Details

SAVE = "save"


def _values(details: Details) -> dict[str, str]:
    """The form as stored now."""
    from chalicelib.services.portal_details import ADDRESS_FIELDS, CONTACT_FIELDS, CUSTOMER_FIELDS

    values = {name: getattr(details.customer, name) for name in CUSTOMER_FIELDS}
    if details.contact is not None:
        for name in CONTACT_FIELDS:
            values[f"contact_{name}"] = getattr(details.contact, name)
    address = details.address
    for name in ADDRESS_FIELDS:
        values[f"address_{name}"] = (getattr(address, name) or "") if address else ""
    return values


def _page(ctx: PortalContext, status: int = 200, error: ValidationError | None = None) -> Response:
    from chalicelib.services.portal_details import details_of
    from chalicelib.web.portal.overview import customer_of

    details = details_of(customer_of(ctx))  # the customer the layout shows too: read once
    values = _values(details)
    if error is not None:  # the form as the customer typed it
        values.update({k: v for k, v in ctx.form.items() if k in values})
    field = error.field if error else ""
    label = ctx.t.get(f"ss_field_{field}", field or "")
    message = ctx.t["ss_check_field"].format(field=label, message=error.message) if error else ""
    return ctx.render(
        "portal/details.html",
        status,
        nav="details",
        values=values,
        has_contact=details.contact is not None,
        error=message,
        error_field=field,
        notice=ctx.t["ss_details_saved"] if ctx.query.get("saved") == "1" and not error else "",
        action=ctx.url("details"),
    )


def show(ctx: PortalContext) -> Response:
    return _page(ctx)


def submit(ctx: PortalContext) -> Response:
    from chalicelib.services.portal_details import update_details

    if ctx.form.get("action", SAVE) != SAVE:
        raise ValidationError("unknown action", field="action")
    try:
        update_details(ctx.link.customer_id, ctx.form, actor=ctx.actor, now=ctx.now)
    except ValidationError as error:
        return _page(ctx, 400, error)
    return redirect(ctx.url("details") + "?saved=1")
