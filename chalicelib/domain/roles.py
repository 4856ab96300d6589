"""Staff roles and what each may do. Every admin route names one Permission."""

from __future__ import annotations

from enum import Enum, StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SALES = "sales"
    BILLING = "billing"
    SERVICE = "service"
    VIEWER = "viewer"

    @classmethod
    def parse(cls, value: str) -> Role:
        from chalicelib.domain.errors import ValidationError

        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(r.value for r in cls)
            raise ValidationError(f"role must be one of {allowed}", field="role") from None


ALL_ROLES = frozenset(Role)


class Permission(Enum):
    """Each value is the set of roles that hold the permission."""

    VIEW_HOME = ALL_ROLES
    VIEW_CUSTOMERS = ALL_ROLES
    EDIT_CUSTOMERS = frozenset({Role.ADMIN, Role.SALES, Role.BILLING})
    MANAGE_STAFF = frozenset({Role.ADMIN})
    VIEW_AUDIT = frozenset({Role.ADMIN})
    MANAGE_API_KEYS = frozenset({Role.ADMIN})
    VIEW_OUTBOX = frozenset({Role.ADMIN, Role.BILLING, Role.SALES})
    VIEW_JOBS = frozenset({Role.ADMIN, Role.BILLING})
    RUN_JOBS = frozenset({Role.ADMIN, Role.BILLING})
    OWN_ACCOUNT = ALL_ROLES

    def allows(self, role: Role) -> bool:
        return role in self.value


class ApiScope(StrEnum):
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"

    @classmethod
    def parse_many(cls, values: list[str]) -> frozenset[ApiScope]:
        from chalicelib.domain.errors import ValidationError

        scopes = set()
        for value in values:
            try:
                scopes.add(cls(value))
            except ValueError:
                allowed = ", ".join(s.value for s in cls)
                raise ValidationError(
                    f"unknown scope {value!r}; allowed: {allowed}", field="scopes"
                ) from None
        if not scopes:
            raise ValidationError("choose at least one scope", field="scopes")
        return frozenset(scopes)
