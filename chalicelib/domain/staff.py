"""Staff accounts: the rules, without storage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.roles import Role

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class StaffUser:
    id: str
    email: str
    name: str
    role: Role
    active: bool
    created_at: datetime
    password_hash: str | None = None
    password_version: int = 0

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def public(self) -> dict[str, object]:
        """What the audit log and pages may show: never the hash."""
        return {"email": self.email, "name": self.name, "role": self.role.value, "active": self.active}


def normalise_email(email: str, *, field: str = "email") -> str:
    value = (email or "").strip().lower()
    if not value:
        raise ValidationError("email is required", field=field)
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValidationError(f"{email!r} is not a valid email address", field=field)
    return value


def validate_name(name: str) -> str:
    value = (name or "").strip()
    if not value:
        raise ValidationError("name is required", field="name")
    if len(value) > 120:
        raise ValidationError("name must be at most 120 characters", field="name")
    return value


def validate_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password must be at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if len(password) > 1024:
        raise ValidationError("password must be at most 1024 characters", field="password")
    return password


def ensure_admin_remains(
    staff: list[StaffUser], changed: StaffUser, new_role: Role, new_active: bool
) -> None:
    """Refuse a change that would leave nobody able to manage staff."""
    if changed.role is not Role.ADMIN or (new_role is Role.ADMIN and new_active):
        return
    other_admins = [s for s in staff if s.id != changed.id and s.role is Role.ADMIN and s.active]
    if not other_admins:
        raise Conflict("this is the last active admin: make someone else admin first", field="role")
