"""Every admin route, asked with unknown ids and empty or nonsense forms: a 4xx page, never a 500."""

import re

import pytest

from chalicelib.web.admin.routes_manifest import ROUTES
from tests.browser_client import Browser

SKIP = {"/logout", "/login", "/invitation/{token}"}  # sign-in flows: tested on their own
NONSENSE = {
    "name": "x" * 300,
    "kind": "nope",
    "version": "abc",
    "quantity": "-1",
    "currency": "EUD",
    "start_date": "2027-02-30",
    "lines": "NOPE | -1",
    "rate": "999",
    "id": "BAD ID",
    "format": "{x}",
}


def _path(template: str) -> str:
    return "/admin" + re.sub(r"\{[^}]+\}", "nope", template)


@pytest.mark.parametrize(("template", "method"), [(r[0], r[1]) for r in ROUTES if r[0] not in SKIP])
def test_no_admin_route_answers_500_to_bad_input(admin: Browser, template: str, method: str) -> None:
    path = _path(template)
    if method == "GET":
        response = admin.get(path + "?status=bogus&tab=bogus&as_of=2027-13-45&customer_id=nope&q=%00")
        assert response.status_code < 500, (path, response.body[:300])
        return
    admin.get("/admin")  # a page with a CSRF token
    for form in ({}, NONSENSE):
        response = admin.post(path, form)
        assert response.status_code < 500, (method, path, form, response.body[:300])
