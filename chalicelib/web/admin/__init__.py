"""The staff admin site (HTML). Importing the page modules registers their routes on `bp`."""

from chalicelib.web.admin import api_keys, audit, auth, customers, home, jobs, outbox, staff  # noqa: F401
from chalicelib.web.admin.routing import bp

__all__ = ["bp"]
