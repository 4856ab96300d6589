from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.audit import SYSTEM, Actor
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.roles import Role
from chalicelib.services import manage_staff
from chalicelib.store import audit, staff
from tests.service.conftest import NOW

PASSWORD = "a long enough password"


def _admin(email: str = "boss@example.com"):
    return manage_staff.create_staff(
        email=email, name="Boss", role="admin", password=PASSWORD, actor=SYSTEM, now=NOW
    )


def test_created_staff_is_stored_with_a_hash_and_audited_without_it() -> None:
    user = manage_staff.create_staff(
        email=" Ann@Example.COM ", name="Ann", role="sales", password=PASSWORD, actor=SYSTEM, now=NOW
    )
    stored = staff.get(user.id)
    assert stored.email == "ann@example.com"
    assert stored.password_hash and PASSWORD not in stored.password_hash
    [entry] = audit.for_entity("staff", user.id)
    assert entry.action == "staff.created" and entry.actor == "system" and entry.at == NOW
    assert entry.after == {"email": "ann@example.com", "name": "Ann", "role": "sales", "active": True}
    assert "password_hash" not in str(entry.after)


def test_the_same_email_cannot_be_registered_twice_even_concurrently() -> None:
    def attempt(i: int) -> str:
        try:
            manage_staff.create_staff(
                email="race@example.com", name=f"R{i}", role="viewer", password=None, actor=SYSTEM, now=NOW
            )
            return "created"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes.count("created") == 1
    assert len(staff.list_all()) == 1
    # The losers left nothing behind: one staff record, one audit record.
    assert len(audit.for_day(NOW.date().isoformat())) == 1


def test_role_change_records_before_and_after_and_who() -> None:
    boss = _admin()
    ann = manage_staff.create_staff(
        email="ann@example.com", name="Ann", role="sales", password=None, actor=SYSTEM, now=NOW
    )
    later = NOW + timedelta(minutes=5)
    manage_staff.change_role(ann.id, "billing", actor=Actor(boss.id, boss.email), now=later)
    assert staff.get(ann.id).role is Role.BILLING
    latest = audit.for_entity("staff", ann.id)[0]
    assert (latest.action, latest.actor, latest.at) == ("staff.role_changed", boss.id, later)
    assert latest.changes() == [("role", "sales", "billing")]
    assert [e.action for e in audit.for_actor(boss.id)] == ["staff.role_changed"]


def test_the_last_admin_cannot_be_demoted_or_deactivated() -> None:
    boss = _admin()
    other = manage_staff.create_staff(
        email="ops@example.com", name="Ops", role="sales", password=PASSWORD, actor=SYSTEM, now=NOW
    )
    with pytest.raises(Conflict, match="last active admin"):
        manage_staff.change_role(boss.id, "viewer", actor=Actor(other.id, other.email), now=NOW)
    with pytest.raises(Conflict, match="last active admin"):
        manage_staff.set_active(boss.id, False, actor=Actor(other.id, other.email), now=NOW)
    manage_staff.change_role(other.id, "admin", actor=Actor(boss.id, boss.email), now=NOW)
    manage_staff.change_role(boss.id, "viewer", actor=Actor(other.id, other.email), now=NOW)
    assert staff.get(boss.id).role is Role.VIEWER


def test_nobody_deactivates_themselves() -> None:
    boss, second = _admin(), _admin("second@example.com")
    with pytest.raises(ValidationError, match="your own account"):
        manage_staff.set_active(boss.id, False, actor=Actor(boss.id, boss.email), now=NOW)
    manage_staff.set_active(boss.id, False, actor=Actor(second.id, second.email), now=NOW)
    assert staff.get(boss.id).active is False


def test_a_stale_update_is_refused_and_writes_no_audit() -> None:
    boss = _admin()
    ann = manage_staff.create_staff(
        email="ann@example.com", name="Ann", role="sales", password=None, actor=SYSTEM, now=NOW
    )
    stale = staff.get(ann.id)
    later = NOW + timedelta(minutes=1)
    manage_staff.change_role(ann.id, "billing", actor=Actor(boss.id, boss.email), now=later)
    with pytest.raises(Conflict, match="changed meanwhile"):
        staff.update(
            stale,
            replace(stale, role=Role.ADMIN),
            Actor(boss.id, boss.email).entry("staff", ann.id, "staff.role_changed", later),
        )
    assert staff.get(ann.id).role is Role.BILLING
    assert [e.action for e in audit.for_entity("staff", ann.id)] == ["staff.role_changed", "staff.created"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"name": ""}, "name"),
        ({"role": "owner"}, "role"),
        ({"password": "short"}, "password"),
    ],
)
def test_invalid_staff_input_names_the_field_and_stores_nothing(fields: dict, field: str) -> None:
    data = {"email": "x@example.com", "name": "X", "role": "viewer", "password": PASSWORD, **fields}
    with pytest.raises(ValidationError) as error:
        manage_staff.create_staff(**data, actor=SYSTEM, now=NOW)
    assert error.value.field == field
    assert staff.list_all() == []
