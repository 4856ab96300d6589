"""Customer links (B6, B7): secure no-login URLs. A link carries a random token; only its hash is kept.

The token (32 random bytes, 256 bits, URL-safe) is shown once, in the URL sent to the customer.
The store keys links by the token's SHA-256: a leaked table reveals no working URL, and a fast hash is
enough because the token is random, unlike a password.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import DomainError
from chalicelib.domain.throttle import ThrottlePolicy

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most this often (saves writes)
# After expiry a link is kept this long (the expiry page can still offer a fresh one), then TTL deletes it.
KEEP_AFTER_EXPIRY = timedelta(days=180)

# Guessing tokens: failures per client address; fresh links emailed per expired link.
BAD_TOKENS_PER_ADDRESS = ThrottlePolicy(max_failures=20, window_seconds=15 * 60)
RENEWALS_PER_LINK = ThrottlePolicy(max_failures=3, window_seconds=60 * 60)


class Scope(StrEnum):
    PORTAL = "portal"
    QUOTE = "quote"
    SIGNUP = "signup"
    INVOICE_PAYMENT = "invoice_payment"
    CARD_UPDATE = "card_update"
    FEEDBACK = "feedback"  # one rating of one service visit (B3)

    @classmethod
    def parse(cls, value: str) -> Scope:
        from chalicelib.domain.errors import ValidationError

        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValidationError(f"scope must be one of {allowed}", field="scope") from None


DEFAULT_EXPIRY: dict[Scope, timedelta] = {
    Scope.PORTAL: timedelta(days=30),
    Scope.QUOTE: timedelta(days=30),
    Scope.SIGNUP: timedelta(days=30),
    Scope.INVOICE_PAYMENT: timedelta(days=7),
    Scope.CARD_UPDATE: timedelta(days=14),
    Scope.FEEDBACK: timedelta(days=30),
}

# What each scope's subject is: the link opens exactly this record.
SUBJECT_TYPE: dict[Scope, str] = {
    Scope.PORTAL: "customer",
    Scope.QUOTE: "quote",
    Scope.SIGNUP: "template",  # or "quote": a signup from a quote
    Scope.INVOICE_PAYMENT: "invoice",
    Scope.CARD_UPDATE: "customer",
    Scope.FEEDBACK: "visit",  # the visit's key: "<contract_id>|<visit key>"
}

# The page each scope opens, under /portal/<token> ("": the portal overview itself).
PAGE: dict[Scope, str] = {
    Scope.PORTAL: "",
    Scope.QUOTE: "quote",
    Scope.SIGNUP: "signup",
    Scope.INVOICE_PAYMENT: "pay",
    Scope.CARD_UPDATE: "card",
    Scope.FEEDBACK: "feedback",
}


class LinkError(DomainError):
    """The link does not open this page; `link` is set when the token was ours (expired, revoked)."""

    reason = "unknown"

    def __init__(self, message: str, link: Link | None = None) -> None:
        super().__init__(message)
        self.link = link


class LinkUnknown(LinkError):
    status = 404
    code = "link_unknown"
    reason = "unknown"


class LinkWrongScope(LinkUnknown):
    """A real link used on a page it was not issued for: as good as unknown there."""

    reason = "wrong_scope"


class LinkExpired(LinkError):
    status = 410
    code = "link_expired"
    reason = "expired"


class LinkRevoked(LinkError):
    status = 410
    code = "link_revoked"
    reason = "revoked"


@dataclass(frozen=True)
class Link:
    token_hash: str  # the key: SHA-256 of the token, hex
    scope: Scope
    customer_id: str  # "" for a signup link of a prospect without a customer record
    subject_type: str
    subject_id: str
    created_at: datetime
    expires_at: datetime
    created_by: str
    created_by_label: str = ""
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def id(self) -> str:
        """How staff pages and the audit log name a link: its hash (which opens nothing)."""
        return self.token_hash

    @property
    def short_id(self) -> str:
        return self.token_hash[:10]

    def state(self, now: datetime) -> str:
        """ "revoked" (staff withdrew it) wins over "expired"; otherwise "active"."""
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        return "active"

    def needs_touch(self, now: datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= TOUCH_EVERY

    @property
    def purge_at(self) -> datetime:
        return self.expires_at + KEEP_AFTER_EXPIRY


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token for the URL, shown once; hash to store)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def well_formed(token: str) -> bool:
    """Every token we issue has this shape: anything else is refused without a database read."""
    return bool(_TOKEN_SHAPE.fullmatch(token or ""))


def expiry(scope: Scope, now: datetime, expires_in: timedelta | None = None) -> datetime:
    lifetime = DEFAULT_EXPIRY[scope] if expires_in is None else expires_in
    if lifetime <= timedelta(0):
        from chalicelib.domain.errors import ValidationError

        raise ValidationError("a link must be valid for some time", field="expires_in")
    return now + lifetime


def check(link: Link | None, token: str, scopes: Iterable[Scope], now: datetime) -> Link:
    """The link if `token` opens a page of one of `scopes` now; else the LinkError saying why."""
    # The store found the link by the token's hash; comparing again in constant time costs nothing and
    # keeps the check right whatever the lookup did (a prefix match, a case-folding index...).
    if link is None or not hmac.compare_digest(link.token_hash, hash_token(token)):
        raise LinkUnknown("this link is not valid")
    if link.scope not in set(scopes):
        raise LinkWrongScope("this link is not for this page", link)
    state = link.state(now)
    if state == "revoked":
        raise LinkRevoked("this link has been withdrawn", link)
    if state == "expired":
        raise LinkExpired("this link has expired", link)
    return link


def path(scope: Scope, token: str) -> str:
    page = PAGE[scope]
    return f"/portal/{token}/{page}" if page else f"/portal/{token}"


_PORTAL_PATH = re.compile(r"(?<!/web)(/portal/)[^/?#\s]+")  # not our source files' paths


def redact(text: str) -> str:
    """Text (a request line, a path, a traceback) with every portal token replaced: safe to log."""
    return _PORTAL_PATH.sub(r"\1[token]", text)


def mask_email(email: str) -> str:
    """ "j•••@e•••.com": enough for the customer to recognise the address, not enough to learn it."""
    local, at, domain = (email or "").strip().partition("@")
    if not at or not local or not domain:
        return "•••"
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    masked_host = (host[:1] + "•••") if host else "•••"
    return f"{local[:1]}•••@{masked_host}{'.' + tld if tld else ''}"


def customer_actor(customer_id: str) -> Actor:
    """Who acts when a customer does something through a link (the audit log's actor)."""
    return Actor(f"customer:{customer_id}", "customer via link")
