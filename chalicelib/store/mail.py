"""The mail log: every email the product sends, its status and attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.errors import NotFound
from chalicelib.domain.ids import time_ordered_key
from chalicelib.store.models import MailModel


@dataclass(frozen=True)
class MailRecord:
    id: str
    created_key: str
    to: str
    subject: str
    text: str
    html: str | None
    attachments: list[dict[str, Any]]
    status: str
    attempts: int
    provider_id: str | None
    error: str | None
    eml_key: str | None

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.created_key.split("#")[0].replace("Z", "+00:00"))


def _record(item: MailModel) -> MailRecord:
    return MailRecord(
        id=item.id,
        created_key=item.created_key,
        to=item.to,
        subject=item.subject,
        text=item.text,
        html=item.html,
        attachments=item.attachments or [],
        status=item.status,
        attempts=int(item.attempts or 0),
        provider_id=item.provider_id,
        error=item.error,
        eml_key=item.eml_path,
    )


def create(
    *,
    mail_id: str,
    now: datetime,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    attachments: list[dict[str, Any]],
    eml_key: str,
) -> MailRecord:
    item = MailModel(
        id=mail_id,
        created_key=time_ordered_key(now),
        to=to,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments,
        status="queued",
        attempts=0,
        eml_path=eml_key,
    )
    item.save(condition=MailModel.id.does_not_exist())
    return _record(item)


def mark(mail_id: str, *, status: str, provider_id: str | None, error: str | None) -> MailRecord:
    item = MailModel(id=mail_id)
    item.update(
        actions=[
            MailModel.status.set(status),
            MailModel.attempts.add(1),
            MailModel.provider_id.set(provider_id) if provider_id else MailModel.provider_id.remove(),
            MailModel.error.set(error[:1000]) if error else MailModel.error.remove(),
        ],
        condition=MailModel.id.exists(),
    )
    return _record(item)


def get(mail_id: str) -> MailRecord:
    try:
        return _record(MailModel.get(mail_id))
    except DoesNotExist:
        raise NotFound(f"no email {mail_id}") from None


def recent(limit: int = 50) -> list[MailRecord]:
    return [_record(i) for i in MailModel.recent.query("mail", scan_index_forward=False, limit=limit)]


def failed_ids(limit: int = 100) -> list[str]:
    return [i.id for i in MailModel.by_status.query("failed", limit=limit)]
