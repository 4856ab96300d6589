"""The customer cancels a contract from the portal (B12): with a reason, effective per the notice period
of the contract's terms (domain.cancel_notice), through change_contract's "cancel" like staff do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.cancel_notice import CUSTOMER_REASONS, cancel_date, ends_with_term
from chalicelib.domain.contracts import Contract
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import local_date
from chalicelib.services.change_contract import Plan

MAX_NOTE = 500


@dataclass(frozen=True)
class CancelOffer:
    """What the cancel page shows before the customer confirms."""

    contract: Contract
    notice_days: int
    effective: date
    ends_with_term: bool


def offer(contract: Contract, now: datetime) -> CancelOffer:
    today = local_date(now, contract.timezone)
    return CancelOffer(
        contract, contract.terms.notice_days, cancel_date(contract, today), ends_with_term(contract, today)
    )


def _request(reason: str, note: str, confirmed: bool) -> tuple[str, str]:
    reason = (reason or "").strip()
    if reason not in CUSTOMER_REASONS:
        raise ValidationError(f"reason: choose one of {', '.join(CUSTOMER_REASONS)}", field="reason")
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"comment: at most {MAX_NOTE} characters", field="note")
    if not confirmed:
        raise ValidationError("tick the box to confirm the cancellation", field="confirm")
    return reason, note


def cancel_contract(
    contract_id: str,
    *,
    reason: str,
    note: str,
    confirmed: bool,
    version: int,
    actor: Actor,
    now: datetime,
) -> Plan:
    """Cancels from the notice date; the stored contract must still be `version` (else 409)."""
    from chalicelib.services.change_contract import change_contract
    from chalicelib.services.manage_contracts import check_version
    from chalicelib.store import contracts

    reason, note = _request(reason, note, confirmed)
    before = contracts.get(contract_id, consistent=True)
    check_version(before, version)
    if before.cancellation is not None:
        raise ValidationError(
            f"the contract is already cancelled from {before.cancellation.effective}", field="status"
        )
    day = offer(before, now).effective
    data = {"reason": reason, "note": note, "when": "date", "effective_date": day.isoformat()}
    done = change_contract(contract_id, "cancel", data, version=version, actor=actor, now=now)
    _tell(done, reason, note, now)
    return done


def _tell(done: Plan, reason: str, note: str, now: datetime) -> None:
    from chalicelib.services.self_service_mail import confirm_to_customer, tell_staff

    contract = done.after
    values = {
        "contract_number": contract.number,
        "template_name": contract.template_name,
        "effective": done.day.isoformat(),
        "reason": reason,
        "note": note,
        "currency": contract.currency,
        "net_minor": done.net_minor,
    }
    tell_staff("portal_cancel_staff", contract.customer_id, values, contract.salesperson_id, now)
    confirm_to_customer("portal_cancel_done", contract.customer_id, values, now)
