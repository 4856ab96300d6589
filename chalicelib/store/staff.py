"""Staff accounts: email uniqueness by a claim item, every change audited in one transaction."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.roles import Role
from chalicelib.domain.staff import StaffUser
from chalicelib.store import audit
from chalicelib.store.base import transaction
from chalicelib.store.models import EmailClaimModel, StaffModel


def to_user(item: StaffModel) -> StaffUser:
    return StaffUser(
        id=item.id,
        email=item.email,
        name=item.name,
        role=Role(item.role),
        active=bool(item.active),
        created_at=item.created_at,
        password_hash=item.password_hash,
        password_version=int(item.password_version or 0),
    )


def _item(user: StaffUser) -> StaffModel:
    return StaffModel(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role.value,
        active=user.active,
        password_hash=user.password_hash,
        password_version=user.password_version,
        created_at=user.created_at,
    )


def get(user_id: str) -> StaffUser:
    try:
        return to_user(StaffModel.get(user_id))
    except DoesNotExist:
        raise NotFound(f"no staff member {user_id}") from None


def find_by_email(email: str) -> StaffUser | None:
    for item in StaffModel.by_email.query(email, limit=1):
        return to_user(item)
    return None


def list_all() -> list[StaffUser]:
    # Staff are a few dozen at most: one paginated scan is the simplest complete listing.
    return sorted((to_user(i) for i in StaffModel.scan()), key=lambda u: u.email)


def count() -> int:
    return sum(1 for _ in StaffModel.scan(attributes_to_get=["id"]))


def create(user: StaffUser, entry: AuditEntry) -> StaffUser:
    try:
        with transaction() as t:
            t.save(
                EmailClaimModel(email=user.email, staff_id=user.id),
                condition=EmailClaimModel.email.does_not_exist(),
            )
            t.save(_item(user), condition=StaffModel.id.does_not_exist())
            t.save(audit.to_item(entry))
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise Conflict(f"a staff member with email {user.email} exists already", field="email") from None
        raise
    return user


def update(before: StaffUser, after: StaffUser, entry: AuditEntry) -> StaffUser:
    """Optimistic: fails with Conflict if someone changed the record since `before` was read."""
    item = _item(after)
    try:
        with transaction() as t:
            t.save(
                item,
                condition=(StaffModel.role == before.role.value)
                & (StaffModel.active == before.active)
                & (StaffModel.password_version == before.password_version),
            )
            t.save(audit.to_item(entry))
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise Conflict("this staff member was changed meanwhile: reload and try again") from None
        raise
    return after
