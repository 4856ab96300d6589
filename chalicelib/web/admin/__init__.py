"""The staff admin site (HTML). Routes come from the manifest; page modules load on first use."""

from chalicelib.web.admin.routes_manifest import ROUTES
from chalicelib.web.admin.routing import bp, register_pages

register_pages(ROUTES)

__all__ = ["bp"]
