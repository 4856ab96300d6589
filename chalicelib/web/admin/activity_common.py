"""What the activity pages (documents, interactions, relationships) share: the subject header."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from chalice import Response

from chalicelib.domain.lookups import split_ref
from chalicelib.store import subjects
from chalicelib.web.admin.routing import PREFIX, PageContext


@dataclass(frozen=True)
class Subject:
    ref: str
    name: str
    url: str
    quoted: str  # the ref ready for a query string: customer%23<id>


def subject(value: str, *, field: str) -> Subject:
    """The customer or person named by a query parameter; 400 naming `field` if unknown."""
    found = subjects.require(value, field=field)
    entity, record_id = split_ref(found)
    url = f"{PREFIX}/customers/{record_id}" if entity == "customer" else f"{PREFIX}/people/{record_id}"
    return Subject(ref=found, name=subjects.label(found), url=url, quoted=quote(found, safe=""))


def values(raw: str | None) -> list[str]:
    """A checkbox group arrives joined with commas."""
    return [v for v in (raw or "").split(",") if v.strip()]


def pick_subject(ctx: PageContext, heading: str, path: str, param: str) -> Response:
    """Opened without a subject (e.g. from the nav or a bookmark): explain where these live."""
    return ctx.render("admin/pick_subject.html", heading=heading, action=f"{PREFIX}{path}", param=param)
