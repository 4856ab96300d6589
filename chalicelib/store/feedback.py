"""Feedback on service visits: one per visit (a conditional write), listed per contract and newest first."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import Conflict
from chalicelib.domain.feedback import AlreadyRated, Feedback
from chalicelib.domain.ids import iso_utc
from chalicelib.store import records
from chalicelib.store.models_service import FeedbackModel

ALREADY = "this visit has been rated already"


def from_item(item: FeedbackModel) -> Feedback:
    return Feedback(
        contract_id=item.contract_id,
        visit_key=item.visit_key,
        customer_id=item.customer_id,
        item_id=item.item_id,
        rating=int(item.rating),
        comment=item.comment or "",
        created_at=item.created_at,
    )


def to_item(feedback: Feedback) -> FeedbackModel:
    return FeedbackModel(
        contract_id=feedback.contract_id,
        visit_key=feedback.visit_key,
        customer_id=feedback.customer_id,
        item_id=feedback.item_id,
        rating=feedback.rating,
        comment=feedback.comment,
        created_at=feedback.created_at,
        created_key=f"{iso_utc(feedback.created_at)}#{feedback.contract_id}|{feedback.visit_key}",
    )


def create(feedback: Feedback, entry: AuditEntry) -> Feedback:
    """Saves the visit's rating with its audit entry; AlreadyRated when the visit has one."""
    change = records.Change(audit=entry).save(
        to_item(feedback), FeedbackModel.visit_key.does_not_exist(), ALREADY
    )
    try:
        records.commit(change)
    except Conflict as error:
        if error.message == ALREADY:
            raise AlreadyRated(ALREADY) from None
        raise
    return feedback


def get(contract_id: str, visit_key: str) -> Feedback | None:
    try:
        return from_item(FeedbackModel.get(contract_id, visit_key, consistent_read=True))
    except DoesNotExist:
        return None


def of_contract(contract_id: str) -> list[Feedback]:
    if not contract_id:
        return []
    return [from_item(i) for i in FeedbackModel.query(contract_id)]


def recent(limit: int = 100) -> list[Feedback]:
    found = FeedbackModel.recent.query("feedback", scan_index_forward=False, limit=limit)
    return [from_item(i) for i in found]
