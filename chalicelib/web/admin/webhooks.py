"""Outgoing webhooks (X6): endpoints (add, edit, disable, rotate the secret, send a test event) and
each endpoint's delivery log with its attempts and a redeliver button."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.domain import outgoing_webhooks as rules
from chalicelib.domain.errors import DomainError
from chalicelib.domain.roles import Permission
from chalicelib.web.admin.routing import PREFIX, PageContext, admin_page
from chalicelib.web.responses import redirect

PERMISSION = Permission.MANAGE_WEBHOOKS
NOTICES = {
    "created": "Endpoint added. Copy its signing secret into the receiving system.",
    "saved": "Endpoint saved.",
    "enabled": "Endpoint enabled: it receives events from now on.",
    "disabled": "Endpoint disabled: it receives nothing until enabled again.",
    "rotated": "New signing secret created.",
    "test": "Test event sent.",
    "redelivered": "Delivery sent again.",
}
STATUSES = ("pending", "delivered", "failed")


def _choices() -> dict[str, Any]:
    return {"event_types": rules.EVENT_TYPES, "wildcards": rules.WILDCARDS, "all_events": rules.ALL_EVENTS}


def _notice(ctx: PageContext) -> str:
    return NOTICES.get(ctx.query.get("notice", ""), "")


def _list(ctx: PageContext, status: int = 200, error: DomainError | None = None) -> Response:
    from chalicelib.store import webhooks_out

    form = ctx.form if error else {"event_types": rules.ALL_EVENTS}
    return ctx.render(
        "admin/webhooks.html",
        status,
        endpoints=webhooks_out.endpoints(),
        form=form,
        chosen=set(form.get("event_types", "").split(",")),
        error=error,
        notice=_notice(ctx),
        allow_http=ctx.settings.webhooks_allow_http,
        **_choices(),
    )


@admin_page("/webhooks", permission=PERMISSION)
def webhook_list(ctx: PageContext) -> Response:
    return _list(ctx)


@admin_page("/webhooks", permission=PERMISSION, methods=("POST",))
def webhook_create(ctx: PageContext) -> Response:
    from chalicelib.services.manage_webhooks import create_endpoint

    try:
        endpoint = create_endpoint(
            ctx.form, allow_http=ctx.settings.webhooks_allow_http, actor=ctx.actor, now=ctx.now
        )
    except DomainError as error:
        if error.status != 400:
            raise
        return _list(ctx, 400, error)
    return redirect(f"{PREFIX}/webhooks/{endpoint.id}?notice=created")


def _endpoint_page(
    ctx: PageContext, endpoint_id: str, status: int = 200, error: DomainError | None = None
) -> Response:
    from chalicelib.store import webhooks_out

    endpoint = webhooks_out.endpoint(endpoint_id, consistent=True)
    shown = ctx.query.get("status", "")
    shown = shown if shown in STATUSES else ""
    form = ctx.form if error else {"url": endpoint.url, "description": endpoint.description}
    chosen = set(form.get("event_types", "").split(",")) if error else set(endpoint.event_types)
    return ctx.render(
        "admin/webhooks_endpoint.html",
        status,
        endpoint=endpoint,
        deliveries=webhooks_out.of_endpoint(endpoint.id, limit=50, status=shown),
        shown=shown,
        statuses=STATUSES,
        form=form,
        chosen=chosen,
        error=error,
        notice=_notice(ctx),
        allow_http=ctx.settings.webhooks_allow_http,
        secrets=endpoint.secrets_at(ctx.now),
        **_choices(),
    )


@admin_page("/webhooks/{endpoint_id}", permission=PERMISSION)
def webhook_detail(ctx: PageContext, endpoint_id: str) -> Response:
    return _endpoint_page(ctx, endpoint_id)


@admin_page("/webhooks/{endpoint_id}", permission=PERMISSION, methods=("POST",))
def webhook_update(ctx: PageContext, endpoint_id: str) -> Response:
    from chalicelib.services.manage_webhooks import update_endpoint

    try:
        update_endpoint(
            endpoint_id, ctx.form, allow_http=ctx.settings.webhooks_allow_http, actor=ctx.actor, now=ctx.now
        )
    except DomainError as error:
        if error.status not in (400, 409):
            raise
        return _endpoint_page(ctx, endpoint_id, error.status, error)
    return redirect(f"{PREFIX}/webhooks/{endpoint_id}?notice=saved")


@admin_page("/webhooks/{endpoint_id}/enabled", permission=PERMISSION, methods=("POST",))
def webhook_enable(ctx: PageContext, endpoint_id: str) -> Response:
    from chalicelib.services.manage_webhooks import set_enabled

    endpoint = set_enabled(endpoint_id, ctx.form, actor=ctx.actor, now=ctx.now)
    notice = "enabled" if endpoint.enabled else "disabled"
    return redirect(f"{PREFIX}/webhooks/{endpoint_id}?notice={notice}")


@admin_page("/webhooks/{endpoint_id}/rotate", permission=PERMISSION, methods=("POST",))
def webhook_rotate(ctx: PageContext, endpoint_id: str) -> Response:
    from chalicelib.services.manage_webhooks import rotate_secret

    rotate_secret(endpoint_id, ctx.form, actor=ctx.actor, now=ctx.now)
    return redirect(f"{PREFIX}/webhooks/{endpoint_id}?notice=rotated#secret")


@admin_page("/webhooks/{endpoint_id}/test", permission=PERMISSION, methods=("POST",))
def webhook_test(ctx: PageContext, endpoint_id: str) -> Response:
    from chalicelib.adapters.webhook_http import poster_for
    from chalicelib.services.deliver_webhooks import send_test

    delivery = send_test(endpoint_id, now=ctx.now, post=poster_for(ctx.settings))
    return redirect(f"{PREFIX}/webhooks/{endpoint_id}/deliveries/{delivery.id}?notice=test")


def _delivery_of(endpoint_id: str, delivery_id: str) -> Any:
    from chalicelib.domain.errors import NotFound
    from chalicelib.store import webhooks_out

    delivery = webhooks_out.delivery(delivery_id)
    if delivery.endpoint_id != endpoint_id:
        raise NotFound(f"no webhook delivery {delivery_id} for this endpoint", field="delivery_id")
    return delivery


@admin_page("/webhooks/{endpoint_id}/deliveries/{delivery_id}", permission=PERMISSION)
def webhook_delivery(ctx: PageContext, endpoint_id: str, delivery_id: str) -> Response:
    import json

    from chalicelib.store import webhooks_out

    endpoint = webhooks_out.endpoint(endpoint_id)
    delivery = _delivery_of(endpoint_id, delivery_id)
    payload = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False, sort_keys=True)
    return ctx.render(
        "admin/webhooks_delivery.html",
        endpoint=endpoint,
        delivery=delivery,
        attempts=list(reversed(delivery.attempts)),
        payload=payload,
        notice=_notice(ctx),
    )


@admin_page(
    "/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver", permission=PERMISSION, methods=("POST",)
)
def webhook_redeliver(ctx: PageContext, endpoint_id: str, delivery_id: str) -> Response:
    from chalicelib.adapters.webhook_http import poster_for
    from chalicelib.services.deliver_webhooks import redeliver

    _delivery_of(endpoint_id, delivery_id)
    redeliver(delivery_id, now=ctx.now, post=poster_for(ctx.settings))
    return redirect(f"{PREFIX}/webhooks/{endpoint_id}/deliveries/{delivery_id}?notice=redelivered")
