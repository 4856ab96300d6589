"""The JSON API under /api/v1. Importing the endpoint modules registers their routes on `bp`."""

from chalicelib.web.api import customers, openapi, whoami  # noqa: F401
from chalicelib.web.api.routing import bp

__all__ = ["bp"]
