"""The JSON API under /api/v1. Importing the endpoint modules registers their routes on `bp`."""

from chalicelib.web.api import (  # noqa: F401
    activity,
    bulk,
    catalogue,
    contract_templates,
    contracts,
    customers,
    documents,
    exports,
    invoice_documents,
    invoice_pdf,
    invoices,
    items,
    openapi,
    orders,
    payments,
    people,
    quotes,
    settings,
    whoami,
)
from chalicelib.web.api.routing import bp

__all__ = ["bp"]
