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
    """Each member names its roles. The name is part of the value, so two permissions held by
    the same roles stay distinct members (equal Enum values would silently become aliases)."""

    VIEW_HOME = ("view_home", ALL_ROLES)
    VIEW_CUSTOMERS = ("view_customers", ALL_ROLES)
    EDIT_CUSTOMERS = ("edit_customers", frozenset({Role.ADMIN, Role.SALES, Role.BILLING}))
    # Tax ids and bank details (C12).
    VIEW_SENSITIVE_FIELDS = ("view_sensitive_fields", frozenset({Role.ADMIN, Role.BILLING}))
    EDIT_PEOPLE = ("edit_people", frozenset({Role.ADMIN, Role.SALES, Role.BILLING, Role.SERVICE}))
    MANAGE_FIELDS_AND_CATEGORIES = ("manage_fields_and_categories", frozenset({Role.ADMIN}))
    MERGE_RECORDS = ("merge_records", frozenset({Role.ADMIN, Role.SALES}))
    VIEW_CATALOGUE = ("view_catalogue", ALL_ROLES)
    EDIT_CATALOGUE = ("edit_catalogue", frozenset({Role.ADMIN, Role.SALES}))
    EDIT_ITEMS = ("edit_items", frozenset({Role.ADMIN, Role.SALES, Role.SERVICE}))
    UPLOAD_DOCUMENTS = ("upload_documents", frozenset({Role.ADMIN, Role.SALES, Role.BILLING, Role.SERVICE}))
    LOG_INTERACTIONS = ("log_interactions", frozenset({Role.ADMIN, Role.SALES, Role.BILLING, Role.SERVICE}))
    IMPORT_DATA = ("import_data", frozenset({Role.ADMIN}))
    VIEW_CONTRACTS = ("view_contracts", ALL_ROLES)
    MANAGE_TEMPLATES = ("manage_templates", frozenset({Role.ADMIN, Role.SALES}))
    # Contract changes, renewals and bulk work (S3, S6); billing staff settle credits and cancellations.
    MANAGE_CONTRACTS = ("manage_contracts", frozenset({Role.ADMIN, Role.SALES, Role.BILLING}))
    MANAGE_QUOTES = ("manage_quotes", frozenset({Role.ADMIN, Role.SALES}))
    MANAGE_BILLING_SETTINGS = ("manage_billing_settings", frozenset({Role.ADMIN, Role.BILLING}))
    # Draft invoices and pro-formas, issuing, credit notes, sending (X2).
    MANAGE_INVOICES = ("manage_invoices", frozenset({Role.ADMIN, Role.BILLING}))
    VIEW_INVOICES = ("view_invoices", frozenset({Role.ADMIN, Role.BILLING, Role.SALES, Role.VIEWER}))
    # Payments received by hand (S14): recording, allocating, clearing and bouncing cheques.
    MANAGE_PAYMENTS = ("manage_payments", frozenset({Role.ADMIN, Role.BILLING}))
    EXPORT_DATA = ("export_data", frozenset({Role.ADMIN, Role.BILLING}))
    MANAGE_STAFF = ("manage_staff", frozenset({Role.ADMIN}))
    VIEW_AUDIT = ("view_audit", frozenset({Role.ADMIN}))
    MANAGE_API_KEYS = ("manage_api_keys", frozenset({Role.ADMIN}))
    # Outgoing webhooks (X6): endpoints, their signing secrets, the delivery log, redelivery.
    MANAGE_WEBHOOKS = ("manage_webhooks", frozenset({Role.ADMIN}))
    VIEW_OUTBOX = ("view_outbox", frozenset({Role.ADMIN, Role.BILLING, Role.SALES}))
    VIEW_JOBS = ("view_jobs", frozenset({Role.ADMIN, Role.BILLING}))
    RUN_JOBS = ("run_jobs", frozenset({Role.ADMIN, Role.BILLING}))
    OWN_ACCOUNT = ("own_account", ALL_ROLES)

    @property
    def roles(self) -> frozenset[Role]:
        return self.value[1]

    def allows(self, role: Role) -> bool:
        return role in self.roles


class ApiScope(StrEnum):
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    PEOPLE_READ = "people:read"
    PEOPLE_WRITE = "people:write"
    CATALOGUE_READ = "catalogue:read"
    CATALOGUE_WRITE = "catalogue:write"
    ITEMS_READ = "items:read"
    ITEMS_WRITE = "items:write"
    ACTIVITY_READ = "activity:read"
    ACTIVITY_WRITE = "activity:write"
    DOCUMENTS_READ = "documents:read"
    DOCUMENTS_WRITE = "documents:write"
    MERGE = "records:merge"
    EXPORT = "exports:read"
    CONTRACTS_READ = "contracts:read"
    CONTRACTS_WRITE = "contracts:write"
    INVOICES_READ = "invoices:read"
    INVOICES_WRITE = "invoices:write"
    PAYMENTS_WRITE = "payments:write"

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
