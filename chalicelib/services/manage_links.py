"""Customer links: creating, opening (resolve), revoking and listing them (B6, B7).

Opening a link is throttled per client address: an address that sent too many unknown tokens gets
TooManyRequests before any lookup, so guessing costs the guesser, not the table.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain import links as rules
from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import NotFound, TooManyRequests
from chalicelib.domain.links import Link, LinkError, LinkUnknown, LinkWrongScope, Scope
from chalicelib.domain.throttle import ThrottlePolicy
from chalicelib.store import links, throttle


def _audited(link: Link) -> dict[str, Any]:
    return {
        "scope": link.scope.value,
        "customer_id": link.customer_id,
        "subject": f"{link.subject_type}#{link.subject_id}",
        "expires_at": link.expires_at.isoformat(),
    }


def default_days(scope: Scope) -> int:
    """How long a new link of `scope` works unless staff say otherwise: CRM_LINK_DAYS_<SCOPE>, else the
    built-in default (portal 30 days, payment 7...). Read when asked, never at import."""
    from chalicelib import bootstrap

    configured = bootstrap.settings().link_days_for(scope.value)
    return configured if configured else rules.DEFAULT_EXPIRY[scope].days


def create_link(
    scope: Scope | str,
    subject_id: str,
    *,
    customer_id: str,
    actor: Actor,
    now: datetime,
    expires_in: timedelta | None = None,
    subject_type: str | None = None,
) -> tuple[Link, str]:
    """A new link and its token. The token goes into the URL sent to the customer and is never stored.
    Without `expires_in` it lasts the scope's default days (the setting, for every link made anywhere)."""
    scope = Scope.parse(scope) if isinstance(scope, str) else scope
    expires_in = expires_in or timedelta(days=default_days(scope))
    token, token_hash = rules.new_token()
    link = Link(
        token_hash=token_hash,
        scope=scope,
        customer_id=customer_id,
        subject_type=subject_type or rules.SUBJECT_TYPE[scope],
        subject_id=subject_id,
        created_at=now,
        expires_at=rules.expiry(scope, now, expires_in),
        created_by=actor.id,
        created_by_label=actor.label,
    )
    links.create(link, actor.entry("link", link.id, "link.created", now, after=_audited(link)))
    return link, token


def customer_link(
    scope: Scope, customer_id: str, *, actor: Actor, now: datetime, expires_in: timedelta | None = None
) -> tuple[Link, str]:
    """A link whose subject is the customer itself (portal, card update)."""
    return create_link(
        scope, customer_id, customer_id=customer_id, actor=actor, now=now, expires_in=expires_in
    )


def _throttle_key(prefix: str, who: str, policy: ThrottlePolicy, now: datetime) -> str:
    return f"{prefix}:{who}:{policy.window(now)}"


def _refuse_if_locked(key: str, policy: ThrottlePolicy, now: datetime, message: str) -> None:
    if policy.is_locked(throttle.read(key)):
        raise TooManyRequests(message, retry_after=policy.seconds_left(now))


def resolve(
    token: str, scopes: Scope | tuple[Scope, ...], *, now: datetime, address: str | None = None
) -> Link:
    """The link `token` opens on a page of `scopes`; LinkUnknown (404), LinkExpired / LinkRevoked (410),
    or TooManyRequests (429) when `address` sent too many unknown tokens lately."""
    wanted = (scopes,) if isinstance(scopes, Scope) else scopes
    policy = rules.BAD_TOKENS_PER_ADDRESS
    key = _throttle_key("link:addr", address or "unknown", policy, now)
    _refuse_if_locked(key, policy, now, "too many invalid links from your address")
    try:
        if not rules.well_formed(token):
            raise LinkUnknown("this link is not valid")
        link = rules.check(links.find(rules.hash_token(token)), token, wanted, now)
    except LinkWrongScope:
        raise  # a real token: not a guess
    except LinkUnknown:
        throttle.increment(key, policy.window_end(now))
        raise
    if link.needs_touch(now):
        links.touch(link.token_hash, now)
    return link


def inspect(token: str, *, now: datetime, address: str | None = None) -> Link:
    """The link of any scope, active or not (the expiry page's "email me a new one"); unknown tokens
    count against the address as in resolve."""
    try:
        return resolve(token, tuple(Scope), now=now, address=address)
    except LinkError as error:
        if error.link is None:
            raise
        return error.link


def revoke_link(token_hash: str, *, customer_id: str, actor: Actor, now: datetime) -> Link:
    """Staff withdraw a link of `customer_id` ("" for a prospect's signup link; a link of another customer
    is "not found")."""
    link = links.find(token_hash)
    if link is None or link.customer_id != customer_id:
        raise NotFound("this customer has no such link", field="link_id")
    if link.revoked_at is not None:
        return link
    entry = actor.entry("link", link.id, "link.revoked", now, {"revoked": False}, {"revoked": True})
    links.revoke(link.token_hash, now, entry)
    return links.get(link.token_hash)


def of_customer(customer_id: str) -> list[Link]:
    return links.of_customer(customer_id)


def of_prospects() -> list[Link]:
    """Signup links made for prospects: revoked with revoke_link(..., customer_id="")."""
    return links.of_prospects()


def renewal_allowed(link: Link, now: datetime) -> None:
    """At most a few fresh links per expired link an hour: the page must not spam the customer's inbox."""
    policy = rules.RENEWALS_PER_LINK
    key = _throttle_key("link:renew", link.token_hash, policy, now)
    _refuse_if_locked(key, policy, now, "a new link was sent several times already")
    throttle.increment(key, policy.window_end(now))
