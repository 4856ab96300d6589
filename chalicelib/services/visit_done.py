"""Staff mark a service visit done (S10); if the contract's template has an email for the stage
"visit_done" (B3), the customer gets it with a link to rate the visit.

The visit moves planned -> done in one conditional write with its audit entry; the email is sent after
that, so a template whose text cannot be rendered never undoes the visit (it is logged and skipped).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import DomainError, NotFound
from chalicelib.domain.feedback import visit_subject
from chalicelib.domain.links import Link, Scope

log = logging.getLogger(__name__)
STAGE = "visit_done"


@dataclass(frozen=True)
class VisitDone:
    visit: Any  # store.visits.Visit
    feedback_link: Link | None  # set when the customer was emailed for feedback


def mark_visit_done(contract_id: str, visit_key: str, *, actor: Actor, now: datetime) -> VisitDone:
    from chalicelib.store import contracts, visits

    contract = contracts.get(contract_id)
    entry = actor.entry(
        "visit",
        visit_subject(contract_id, visit_key),
        "visit.done",
        now,
        before={"status": "planned"},
        after={"status": "done", "done_at": now.isoformat()},
    )
    visit = visits.mark_done(contract.id, visit_key, now=now, entry=entry)
    return VisitDone(visit, _ask_for_feedback(contract, visit, actor, now))


def _ask_for_feedback(contract: Any, visit: Any, actor: Actor, now: datetime) -> Link | None:
    from chalicelib.domain.contract_templates import render_stage_email
    from chalicelib.services.contract_mail import contract_values
    from chalicelib.services.send_mail import send_text
    from chalicelib.store import contract_templates

    try:
        template = contract_templates.get(contract.template_id)
    except NotFound:
        return None
    if template.email(STAGE) is None:
        return None
    values = contract_values(contract, visit_date=visit.due.isoformat(), feedback_url="")
    if not values["customer_email"]:
        return None
    values["item_serial"] = _serial(visit.item_id)
    try:
        render_stage_email(template, STAGE, values)  # staff-written text: fails here, before a link is made
    except DomainError as error:
        log.warning("no %s email for contract %s: %s", STAGE, contract.id, error.message)
        return None
    link, url = _feedback_link(contract, visit, actor, now)
    rendered = render_stage_email(template, STAGE, {**values, "feedback_url": url})
    if rendered is None:
        return None
    subject, body = rendered
    if url not in body:
        body = f"{body.rstrip()}\n\n{url}\n"
    send_text(values["customer_email"], subject, body, now=now)
    return link


def _feedback_link(contract: Any, visit: Any, actor: Actor, now: datetime) -> tuple[Link, str]:
    from chalicelib.services import link_mail, manage_links

    link, token = manage_links.create_link(
        Scope.FEEDBACK,
        visit_subject(contract.id, visit.key),
        customer_id=contract.customer_id,
        subject_type="visit",
        actor=actor,
        now=now,
    )
    return link, link_mail.link_url(link, token)


def _serial(item_id: str) -> str:
    from chalicelib.store import items

    try:
        return items.get(item_id).serial
    except NotFound:
        return ""
