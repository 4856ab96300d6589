"""A person's relationships, both directions, with a form to add and buttons to remove."""

from __future__ import annotations

from chalice import Response

from chalicelib.domain.errors import DomainError
from chalicelib.domain.lookups import ref
from chalicelib.domain.relationships import KINDS
from chalicelib.domain.roles import Permission
from chalicelib.services import manage_relationships
from chalicelib.store import relationships, subjects
from chalicelib.web.admin.activity_common import subject
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

NOTICES = {"added": "Relationship added.", "removed": "Relationship removed."}


def _page(ctx: PageContext, person_id: str, status: int = 200, error: DomainError | None = None) -> Response:
    person = subject(ref("person", person_id), field="person_id")
    rows = relationships.of_person(person_id)
    names = subjects.person_names([r.other_id for r in rows]) if rows else {}
    return ctx.render(
        "admin/relationships.html",
        status,
        person=person,
        person_id=person_id,
        rows=sorted(rows, key=lambda r: (r.label, names.get(r.other_id, ""))),
        names=names,
        kinds=[(k, label) for k, (_inverse, label) in KINDS.items()],
        people=[p for p in subjects.people_choices() if p[0] != person_id],
        error=error,
        form=ctx.form if error else {},
        notice=NOTICES.get(ctx.query.get("notice", ""), ""),
    )


@admin_page("/people/{person_id}/relationships", permission=Permission.VIEW_CUSTOMERS)
def relationship_list(ctx: PageContext, person_id: str) -> Response:
    return _page(ctx, person_id)


@admin_page("/people/{person_id}/relationships", permission=Permission.EDIT_PEOPLE, methods=("POST",))
def relationship_add(ctx: PageContext, person_id: str) -> Response:
    try:
        manage_relationships.add_relationship(
            person_id,
            ctx.form.get("other_id", ""),
            ctx.form.get("kind", ""),
            ctx.form.get("note", ""),
            actor=ctx.actor,
            now=ctx.now,
        )
    except DomainError as error:
        if error.status not in (400, 409) or error.field == "person_id":
            raise
        return _page(ctx, person_id, error.status, error)
    return redirect(f"{PREFIX}/people/{person_id}/relationships?notice=added")


@admin_page("/people/{person_id}/relationships/remove", permission=Permission.EDIT_PEOPLE, methods=("POST",))
def relationship_remove(ctx: PageContext, person_id: str) -> Response:
    manage_relationships.remove_relationship(
        person_id, ctx.form.get("other_id", ""), ctx.form.get("kind", ""), actor=ctx.actor, now=ctx.now
    )
    return redirect(f"{PREFIX}/people/{person_id}/relationships?notice=removed")
