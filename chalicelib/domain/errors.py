"""Errors the product raises on purpose; the web layer maps each to an HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    status = 400
    code = "validation_error"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConfigurationError(Exception):
    """The deployment is misconfigured: an operator's problem, not a user's."""


class Unavailable(DomainError):
    """A service we depend on (Stripe) cannot be reached now: nothing was changed, try again."""

    status = 503
    code = "unavailable"
