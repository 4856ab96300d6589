"""Customer links: found by token hash (one read), listed per customer through an index."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import time_ordered_key
from chalicelib.domain.links import Link, Scope
from chalicelib.store import audit
from chalicelib.store.base import transaction
from chalicelib.store.models_links import LinkModel

PAGE_SIZE = 50
PROSPECT = "prospect"  # the prospects index's one partition


def _link(item: LinkModel) -> Link:
    return Link(
        token_hash=item.token_hash,
        scope=Scope(item.scope),
        customer_id=item.customer_id or "",
        subject_type=item.subject_type,
        subject_id=item.subject_id,
        created_at=item.created_at,
        expires_at=item.expires_at,
        created_by=item.created_by,
        created_by_label=item.created_by_label or "",
        revoked_at=item.revoked_at,
        last_used_at=item.last_used_at,
    )


def create(link: Link, entry: AuditEntry) -> None:
    item = LinkModel(
        token_hash=link.token_hash,
        scope=link.scope.value,
        customer_id=link.customer_id or None,
        prospect=None if link.customer_id else PROSPECT,
        subject_type=link.subject_type,
        subject_id=link.subject_id,
        created_at=link.created_at,
        created_key=time_ordered_key(link.created_at),
        expires_at=link.expires_at,
        created_by=link.created_by,
        created_by_label=link.created_by_label,
        purge_at=link.purge_at,
    )
    with transaction() as t:
        t.save(item, condition=LinkModel.token_hash.does_not_exist())
        t.save(audit.to_item(entry))


def find(token_hash: str) -> Link | None:
    try:
        return _link(LinkModel.get(token_hash))
    except DoesNotExist:
        return None


def get(token_hash: str) -> Link:
    found = find(token_hash)
    if found is None:
        raise NotFound("no such link", field="link_id")
    return found


def of_customer(customer_id: str, limit: int = PAGE_SIZE) -> list[Link]:
    if not customer_id:
        return []
    items = LinkModel.by_customer.query(customer_id, scan_index_forward=False, limit=limit)
    return [_link(i) for i in items]


def of_prospects(limit: int = PAGE_SIZE) -> list[Link]:
    """The newest links made for no customer (signup links for prospects)."""
    items = LinkModel.prospects.query(PROSPECT, scan_index_forward=False, limit=limit)
    return [_link(i) for i in items]


def revoke(token_hash: str, at: datetime, entry: AuditEntry) -> bool:
    """Revokes once: False when it was revoked already (nothing written)."""
    try:
        with transaction() as t:
            t.update(
                LinkModel(token_hash=token_hash),
                actions=[LinkModel.revoked_at.set(at)],
                condition=LinkModel.token_hash.exists() & LinkModel.revoked_at.does_not_exist(),
            )
            t.save(audit.to_item(entry))
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            return False  # revoked meanwhile (or gone): the first revocation stands
        raise
    return True


def touch(token_hash: str, at: datetime) -> None:
    """Last use, for staff to see. Not audited: using a link is not a change of it."""
    try:
        LinkModel(token_hash=token_hash).update(
            actions=[LinkModel.last_used_at.set(at)], condition=LinkModel.token_hash.exists()
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
