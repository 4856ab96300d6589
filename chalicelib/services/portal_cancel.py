"""The customer cancels a contract from the portal (B12): with a reason, effective per the notice period
of the contract's terms (domain.cancel_notice), planned by change_contract's "cancel" like staff do."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.cancel_notice import CUSTOMER_REASONS, cancel_date, ends_with_term
from chalicelib.domain.contracts import Contract
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.periods import local_date
from chalicelib.services.change_contract import Plan, plan

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
    contract: Contract,
    *,
    reason: str,
    note: str,
    confirmed: bool,
    version: int,
    actor: Actor,
    now: datetime,
) -> Plan:
    """Cancels from the notice date. `contract`: as stored (read consistently by the caller), which must
    still be `version` (else Conflict)."""
    from chalicelib.services.manage_contracts import check_version, persist
    from chalicelib.store import contracts

    reason, note = _request(reason, note, confirmed)
    check_version(contract, version)
    if contract.cancellation is not None:  # before ensure_changeable: the same answer once it has ended
        raise ValidationError(
            f"the contract is already cancelled from {contract.cancellation.effective}", field="status"
        )
    day = offer(contract, now).effective
    data = {"reason": reason, "note": note, "when": "date", "effective_date": day.isoformat()}
    planned = plan(contract, "cancel", data, now)
    change = contracts.Saved(contract, planned.after, "contract.cancel", planned.summary)
    done = replace(planned, after=persist([change], actor, now)[0])
    _tell(done, reason, note, now)
    return done


def _tell(done: Plan, reason: str, note: str, now: datetime) -> None:
    from chalicelib.services.self_service_mail import tell
    from chalicelib.store import customers

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
    customer = customers.get(contract.customer_id)
    tell("cancel", customer, values, now=now, salesperson_id=contract.salesperson_id)
