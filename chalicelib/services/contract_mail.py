"""Emails about a contract: the template's own text for the stage when it has one, ours otherwise."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from chalicelib import bootstrap
from chalicelib.domain.contracts import Contract
from chalicelib.domain.errors import DomainError, NotFound

log = logging.getLogger(__name__)


def contract_values(contract: Contract, **extra: Any) -> dict[str, Any]:
    """The values every email about `contract` can use: its customer, its dates, our company; plus `extra`."""
    from chalicelib.store import customers

    customer = customers.get(contract.customer_id)
    return {
        "customer_name": customer.name,
        "customer_email": customer.email,
        "contract_number": contract.number,
        "template_name": contract.template_name,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat() if contract.end_date else "",
        "company": bootstrap.settings().company_name,
        **extra,
    }


def _stage_text(contract: Contract, stage: str, values: dict[str, Any]) -> tuple[str, str]:
    from chalicelib.domain.contract_templates import render_stage_email
    from chalicelib.store import contract_templates
    from chalicelib.web.render import render

    try:
        own = render_stage_email(contract_templates.get(contract.template_id), stage, values)
    except NotFound:
        own = None
    if own is not None:
        return own
    subject = render(f"email/contract_{stage}_subject.txt", **values).strip()
    return subject, render(f"email/contract_{stage}.txt", **values)


def _send(to: str, subject: str, text: str, now: datetime) -> None:
    from chalicelib.services.send_mail import send_text

    send_text(to, subject, text, now=now)


def send_stage_emails(changes: list[tuple[str, Contract | None, Contract]], now: datetime) -> int:
    """The template's email for each stage reached (welcome, suspended, cancelled...), to the customer.

    Sent after the change is saved: a template without text for the stage sends nothing.
    """
    from chalicelib.domain.contract_templates import render_stage_email
    from chalicelib.domain.contracts import email_stage
    from chalicelib.store import contract_templates

    sent = 0
    for action, before, after in changes:
        stage = email_stage(action, before, after)
        if stage is None:
            continue
        try:
            template = contract_templates.get(after.template_id)
            if template.email(stage) is None:
                continue
            extra = {"cancel_date": after.cancellation.effective.isoformat()} if after.cancellation else {}
            values = contract_values(after, **extra)
            rendered = render_stage_email(template, stage, values)
        except DomainError as error:
            # The change is saved already: a template that cannot be rendered must not undo that.
            log.warning("no %s email for contract %s: %s", stage, after.id, error.message)
            continue
        if rendered and values["customer_email"]:
            _send(values["customer_email"], rendered[0], rendered[1], now)
            sent += 1
    return sent


def send_renewal_reminder(contract: Contract, days: int, now: datetime) -> list[str]:
    """To the customer and to the contract's salesperson; returns who was written to."""
    from chalicelib.store import staff

    values = contract_values(contract, days_left=days, auto_renew=contract.terms.auto_renew)
    subject, text = _stage_text(contract, "renewal_reminder", values)
    sent = []
    if values["customer_email"]:
        _send(values["customer_email"], subject, text, now)
        sent.append(values["customer_email"])
    if contract.salesperson_id:
        try:
            person = staff.get(contract.salesperson_id)
        except NotFound:
            person = None
        if person is not None and person.active:
            note = f"{values['customer_name']}: {contract.number} ends on {values['end_date']}"
            _send(person.email, f"Renewal due in {days} days: {note}", f"{note}.\n\n{text}", now)
            sent.append(person.email)
    return sent
