import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import ApiScope, Permission, Role


@pytest.mark.parametrize(
    ("permission", "allowed"),
    [
        (Permission.MANAGE_STAFF, {Role.ADMIN}),
        (Permission.VIEW_AUDIT, {Role.ADMIN}),
        (Permission.RUN_JOBS, {Role.ADMIN, Role.BILLING}),
        (Permission.EDIT_CUSTOMERS, {Role.ADMIN, Role.SALES, Role.BILLING}),
        (Permission.VIEW_CUSTOMERS, set(Role)),
    ],
)
def test_each_permission_is_held_by_exactly_its_roles(permission: Permission, allowed: set[Role]) -> None:
    assert {role for role in Role if permission.allows(role)} == allowed


def test_viewer_can_only_look() -> None:
    viewer_can = {p for p in Permission if p.allows(Role.VIEWER)}
    assert viewer_can == {
        Permission.VIEW_HOME,
        Permission.VIEW_CUSTOMERS,
        Permission.VIEW_CATALOGUE,
        Permission.VIEW_CONTRACTS,
        Permission.VIEW_INVOICES,
        Permission.OWN_ACCOUNT,
    }


def test_no_permission_is_an_alias_of_another() -> None:
    assert len(list(Permission)) == len(Permission.__members__)


def test_unknown_role_names_the_allowed_ones() -> None:
    with pytest.raises(ValidationError, match="admin, sales, billing, service, viewer") as error:
        Role.parse("owner")
    assert error.value.field == "role"


def test_scopes_are_parsed_and_unknown_or_empty_refused() -> None:
    assert ApiScope.parse_many(["customers:read"]) == {ApiScope.CUSTOMERS_READ}
    with pytest.raises(ValidationError, match="unknown scope 'everything'"):
        ApiScope.parse_many(["everything"])
    with pytest.raises(ValidationError, match="at least one scope"):
        ApiScope.parse_many([])
