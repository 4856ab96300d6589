"""Telling staff that a customer did something through the portal: the contract's or quote's
salesperson when there is one (and they have an address), else the company's address."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from chalicelib.domain.errors import NotFound


def staff_address(salesperson_id: str = "") -> str:
    from chalicelib import bootstrap

    to = bootstrap.settings().company_email
    if salesperson_id:
        from chalicelib.store import staff

        with contextlib.suppress(NotFound):
            to = staff.get(salesperson_id).email or to
    return to


def notify_staff(template: str, values: dict[str, Any], *, salesperson_id: str = "", now: datetime) -> str:
    """Sends templates/email/<template> to the responsible staff member; returns the address used."""
    from chalicelib import bootstrap
    from chalicelib.services.send_mail import send_templated

    to = staff_address(salesperson_id)
    values = {"admin_url": bootstrap.settings().base_url + "/admin", **values}
    send_templated(to, template, values, now=now)
    return to
