"""The staff admin site (HTML). Importing the page modules registers their routes on `bp`."""

from chalicelib.web.admin import (  # noqa: F401
    addresses,
    api_keys,
    audit,
    auth,
    catalogue,
    customers,
    documents,
    duplicates,
    home,
    imports,
    interactions,
    items,
    jobs,
    outbox,
    people,
    relationships,
    settings,
    staff,
    tasks,
)
from chalicelib.web.admin.routing import bp

__all__ = ["bp"]
