"""A customer rates a service visit through a feedback link (B3): one rating per visit.

The link names the visit ("<contract id>|<visit key>"); it opens only a visit of the link's customer.
The rating is a conditional write keyed by the visit, so a second submit (another tab, a double click,
a forwarded email) is refused with AlreadyRated and the first rating stays. A low rating (2 or less)
is sent to staff at once: the contract's salesperson, else the company address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.errors import NotFound
from chalicelib.domain.feedback import Feedback, parse_visit_subject, validate_rating
from chalicelib.domain.links import Link, LinkUnknown, customer_actor


@dataclass(frozen=True)
class RatedVisit:
    """What a feedback link is about: the visit, its contract and the item (None if no longer theirs)."""

    contract: Any  # domain Contract
    visit: Any  # store.visits.Visit
    item: Any  # domain Item | None


def visit_of_link(link: Link) -> RatedVisit:
    """The link's visit; LinkUnknown (404) when it is not a visit of the link's customer."""
    from chalicelib.store import contracts, items, visits

    parsed = parse_visit_subject(link.subject_id) if link.subject_type == "visit" else None
    if parsed is None or not link.customer_id:
        raise LinkUnknown("this link is not valid")
    contract_id, key = parsed
    try:
        contract = contracts.get(contract_id)
        visit = visits.get(contract_id, key)
    except NotFound:
        raise LinkUnknown("this link is not valid") from None
    if contract.customer_id != link.customer_id or visit.status != "done":  # rated once it happened
        raise LinkUnknown("this link is not valid")
    try:
        item = items.get(visit.item_id)
    except NotFound:
        item = None
    if item is not None and item.owner_id != link.customer_id:
        item = None  # the item changed hands since: its serial is no longer theirs to see
    return RatedVisit(contract, visit, item)


def existing(rated: RatedVisit) -> Feedback | None:
    from chalicelib.store import feedback

    return feedback.get(rated.contract.id, rated.visit.key)


def give_feedback(
    link: Link, data: dict[str, Any], *, now: datetime, rated: RatedVisit | None = None
) -> Feedback:
    """ValidationError (rating, comment) or AlreadyRated (409) before anything else is written.

    `rated`: the link's visit when the caller has read it already (visit_of_link(link))."""
    from chalicelib.store import feedback

    rated = rated or visit_of_link(link)
    rating = validate_rating(data)
    given = Feedback(
        contract_id=rated.contract.id,
        visit_key=rated.visit.key,
        customer_id=link.customer_id,
        item_id=rated.visit.item_id,
        rating=rating.rating,
        comment=rating.comment,
        created_at=now,
    )
    entry = customer_actor(link.customer_id).entry(
        "visit",
        link.subject_id,
        "visit.rated",
        now,
        after={"rating": given.rating, "comment": given.comment},
    )
    feedback.create(given, entry)
    if given.is_low:
        _tell_staff(given, rated, now)
    return given


def _tell_staff(given: Feedback, rated: RatedVisit, now: datetime) -> None:
    from chalicelib.services.notify_staff import notify_staff
    from chalicelib.store import customers

    values = {
        "customer_name": customers.get(given.customer_id).name,
        "rating": given.rating,
        "comment": given.comment,
        "visit_date": rated.visit.due.isoformat(),
        "serial": rated.item.serial if rated.item else "",
        "contract_number": rated.contract.number,
        "contract_id": rated.contract.id,
    }
    notify_staff("feedback_low_staff", values, salesperson_id=rated.contract.salesperson_id, now=now)
