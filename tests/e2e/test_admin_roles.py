"""Every admin route checks a role; each role sees what it may and nothing else."""

import re

import pytest

from chalicelib.domain.roles import Permission, Role
from tests.browser_client import Browser

# Pages that only make sense with query parameters: without them an allowed role gets a 400 naming the field.
NEEDS_QUERY = {"/admin/duplicates/merge"}
PUBLIC_ADMIN_ROUTES = {
    ("/admin/login", "GET"),
    ("/admin/login", "POST"),
    ("/admin/logout", "POST"),
    ("/admin/invitation/{token}", "GET"),
    ("/admin/invitation/{token}", "POST"),
}


def _admin_routes():
    import app

    for path, methods in app.app.routes.items():
        if path.startswith("/admin"):
            for method, entry in methods.items():
                yield path, method, entry.view_function


def test_every_admin_route_names_a_permission_or_is_a_known_public_page() -> None:
    unguarded = []
    for path, method, view in _admin_routes():
        if isinstance(getattr(view, "permission", None), Permission):
            continue
        if getattr(view, "public", False) and (path, method) in PUBLIC_ADMIN_ROUTES:
            continue
        unguarded.append(f"{method} {path}")
    assert unguarded == []
    assert sum(1 for _ in _admin_routes()) >= 20


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_exactly_the_pages_its_permissions_allow(
    role: str, browser: Browser, make_staff
) -> None:
    make_staff(role)
    assert browser.sign_in(f"{role}@example.com").status_code == 303
    for path, method, view in _admin_routes():
        if method != "GET" or "{" in path or getattr(view, "public", False):
            continue
        response = browser.get(path)
        allowed = 400 if path in NEEDS_QUERY else 200
        expected = allowed if view.permission.allows(Role(role)) else 403
        assert response.status_code == expected, f"{role} GET {path}"


def test_a_forbidden_page_says_why_and_the_nav_hides_it(browser: Browser, make_staff) -> None:
    make_staff("viewer")
    browser.sign_in("viewer@example.com")
    response = browser.get("/admin/staff")
    assert response.status_code == 403
    assert "Your role (viewer) does not allow this page." in response.body.decode()
    nav = re.search(r"<nav>(.*?)</nav>", browser.get("/admin").body.decode(), re.S).group(1)
    assert "Customers" in nav and "Staff" not in nav and "Audit log" not in nav


def test_a_forbidden_post_changes_nothing(browser: Browser, make_staff) -> None:
    target = make_staff("sales")
    make_staff("viewer")
    browser.sign_in("viewer@example.com")
    browser.get("/admin")
    response = browser.post(f"/admin/staff/{target.id}/role", {"role": "admin"})
    assert response.status_code == 403
    from chalicelib.store import staff

    assert staff.get(target.id).role is Role.SALES
