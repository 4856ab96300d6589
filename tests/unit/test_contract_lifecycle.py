"""Contract statuses: every allowed move, and a clear refusal for every other one."""

import pytest

from chalicelib.domain.contract_lifecycle import (
    ACTIONS,
    Status,
    allowed_actions,
    ensure_billable,
    ensure_changeable,
    move,
)
from chalicelib.domain.errors import Conflict

ALLOWED = {
    (Status.DRAFT, "activate"): Status.ACTIVE,
    (Status.DRAFT, "cancel"): Status.CANCELLED,
    (Status.ACTIVE, "suspend"): Status.SUSPENDED,
    (Status.ACTIVE, "cancel"): Status.CANCELLED,
    (Status.ACTIVE, "expire"): Status.EXPIRED,
    (Status.ACTIVE, "renew"): Status.RENEWED,
    (Status.SUSPENDED, "resume"): Status.ACTIVE,
    (Status.SUSPENDED, "cancel"): Status.CANCELLED,
    (Status.SUSPENDED, "expire"): Status.EXPIRED,
    (Status.SUSPENDED, "renew"): Status.RENEWED,
    (Status.EXPIRED, "renew"): Status.RENEWED,
}


@pytest.mark.parametrize(("status", "action"), [(s, a) for s in Status for a in ACTIONS])
def test_each_status_and_action(status: Status, action: str) -> None:
    if (status, action) in ALLOWED:
        assert move(status, action) is ALLOWED[(status, action)]
        assert action in allowed_actions(status)
    else:
        with pytest.raises(Conflict, match=f"a {status.value} contract cannot {action}"):
            move(status, action)
        assert action not in allowed_actions(status)


def test_cancelled_and_renewed_contracts_are_final() -> None:
    assert allowed_actions(Status.CANCELLED) == [] and allowed_actions(Status.RENEWED) == []


def test_only_active_contracts_bill_and_closed_ones_cannot_change() -> None:
    ensure_billable(Status.ACTIVE)
    with pytest.raises(Conflict, match="a draft contract is not billed"):
        ensure_billable(Status.DRAFT)
    ensure_changeable(Status.SUSPENDED)
    with pytest.raises(Conflict, match="a cancelled contract can no longer be changed"):
        ensure_changeable(Status.CANCELLED)


def test_an_unknown_action_is_named() -> None:
    with pytest.raises(Conflict, match="unknown action 'delete'"):
        move(Status.ACTIVE, "delete")
