"""Creating staff accounts, changing roles, deactivating and reactivating them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.passwords import hash_password
from chalicelib.domain.roles import Role
from chalicelib.domain.staff import (
    StaffUser,
    ensure_admin_remains,
    normalise_email,
    validate_name,
    validate_password,
)
from chalicelib.store import staff


def create_staff(
    *, email: str, name: str, role: str, password: str | None, actor: Actor, now: datetime
) -> StaffUser:
    """With a password the account is usable at once; without one it waits for an invitation."""
    user = StaffUser(
        id=new_id(),
        email=normalise_email(email),
        name=validate_name(name),
        role=Role.parse(role),
        active=True,
        created_at=now,
        password_hash=hash_password(validate_password(password)) if password else None,
        password_version=1 if password else 0,
    )
    entry = actor.entry("staff", user.id, "staff.created", now, after=user.public())
    return staff.create(user, entry)


def change_role(user_id: str, role: str, *, actor: Actor, now: datetime) -> StaffUser:
    before = staff.get(user_id)
    new_role = Role.parse(role)
    if new_role is before.role:
        return before
    ensure_admin_remains(staff.list_all(), before, new_role, before.active)
    after = replace(before, role=new_role)
    entry = actor.entry("staff", user_id, "staff.role_changed", now, before.public(), after.public())
    return staff.update(before, after, entry)


def set_active(user_id: str, active: bool, *, actor: Actor, now: datetime) -> StaffUser:
    before = staff.get(user_id)
    if before.active is active:
        return before
    if not active and user_id == actor.id:
        raise ValidationError("you cannot deactivate your own account", field="active")
    ensure_admin_remains(staff.list_all(), before, before.role, active)
    after = replace(before, active=active)
    action = "staff.reactivated" if active else "staff.deactivated"
    entry = actor.entry("staff", user_id, action, now, before.public(), after.public())
    return staff.update(before, after, entry)


def set_password(user_id: str, password: str, *, actor: Actor, now: datetime) -> StaffUser:
    before = staff.get(user_id)
    after = replace(
        before,
        password_hash=hash_password(validate_password(password)),
        password_version=before.password_version + 1,
    )
    # The audit shows that the password changed, never the hash.
    entry = actor.entry(
        "staff",
        user_id,
        "staff.password_set",
        now,
        {"password_version": before.password_version},
        {"password_version": after.password_version},
    )
    return staff.update(before, after, entry)
