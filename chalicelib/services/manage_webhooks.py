"""Staff register webhook endpoints (X6): URL, description, event types, a generated signing secret
(rotatable), enabled or not. Every change is audited; the secret never goes into the audit log."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain import outgoing_webhooks as rules
from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.outgoing_webhooks import Endpoint
from chalicelib.store import webhooks_out

MAX_DESCRIPTION = 500
# How long the secret before a rotation still signs deliveries (alongside the new one).
KEEP_OLD_SECRET = {"0": timedelta(0), "1": timedelta(hours=1), "24": timedelta(hours=24)}


def _audited(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "enabled": endpoint.enabled,
    }


def _event_types(data: dict[str, Any]) -> tuple[str, ...]:
    raw = data.get("event_types", "")
    values = raw if isinstance(raw, list) else str(raw).split(",")
    return rules.parse_event_types([str(v) for v in values])


def _fields(data: dict[str, Any], allow_http: bool) -> dict[str, Any]:
    url = rules.check_url(str(data.get("url") or ""), allow_http=allow_http)
    description = str(data.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(f"description is longer than {MAX_DESCRIPTION} characters", field="description")
    return {"url": url, "description": description, "event_types": _event_types(data)}


def create_endpoint(data: dict[str, Any], *, allow_http: bool, actor: Actor, now: datetime) -> Endpoint:
    endpoint = Endpoint(
        id=f"we_{new_id()}",
        secret=rules.new_secret(),
        enabled=True,
        created_at=now,
        updated_at=now,
        **_fields(data, allow_http),
    )
    entry = actor.entry(
        "webhook_endpoint", endpoint.id, "webhook_endpoint.created", now, None, _audited(endpoint)
    )
    webhooks_out.save_endpoint(None, endpoint, entry)
    return endpoint


def _version(data: dict[str, Any]) -> int:
    try:
        return int(str(data.get("version", "")))
    except ValueError:
        raise ValidationError(
            "version must be the number the form was loaded with", field="version"
        ) from None


def _current(endpoint_id: str, version: int) -> Endpoint:
    before = webhooks_out.endpoint(endpoint_id, consistent=True)
    if before.version != version:
        raise Conflict(webhooks_out.CHANGED)
    return before


def _save(
    before: Endpoint, after: Endpoint, action: str, actor: Actor, now: datetime, **audited: Any
) -> Endpoint:
    after = replace(after, updated_at=now, version=before.version + 1)
    old, new = _audited(before), {**_audited(after), **audited}
    webhooks_out.save_endpoint(
        before, after, actor.entry("webhook_endpoint", before.id, action, now, old, new)
    )
    return after


def update_endpoint(
    endpoint_id: str, data: dict[str, Any], *, allow_http: bool, actor: Actor, now: datetime
) -> Endpoint:
    before = _current(endpoint_id, _version(data))
    after = replace(before, **_fields(data, allow_http))
    return _save(before, after, "webhook_endpoint.updated", actor, now)


def set_enabled(endpoint_id: str, data: dict[str, Any], *, actor: Actor, now: datetime) -> Endpoint:
    enabled = str(data.get("enabled", ""))
    if enabled not in ("0", "1"):
        raise ValidationError("enabled must be 1 or 0", field="enabled")
    before = _current(endpoint_id, _version(data))
    after = replace(before, enabled=enabled == "1")
    action = "webhook_endpoint.enabled" if after.enabled else "webhook_endpoint.disabled"
    return _save(before, after, action, actor, now)


def rotate_secret(endpoint_id: str, data: dict[str, Any], *, actor: Actor, now: datetime) -> Endpoint:
    """A new secret at once; the old one also signs for `keep_old_hours` (0, 1 or 24) so receivers can
    switch without losing a delivery."""
    keep = KEEP_OLD_SECRET.get(str(data.get("keep_old_hours", "0")))
    if keep is None:
        raise ValidationError("keep_old_hours must be 0, 1 or 24", field="keep_old_hours")
    before = _current(endpoint_id, _version(data))
    after = replace(
        before,
        secret=rules.new_secret(),
        previous_secret=before.secret if keep else "",
        previous_secret_until=now + keep if keep else None,
    )
    until = after.previous_secret_until.isoformat() if after.previous_secret_until else None
    return _save(before, after, "webhook_endpoint.secret_rotated", actor, now, old_secret_valid_until=until)
