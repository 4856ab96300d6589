"""Accepting a quote: its recurring lines become an active contract (B1), its one-off lines an order (C15).

The quote's new status, the contract with its first version, the order and every audit entry are
one DynamoDB transaction: either all of it is written or nothing. The quote is saved on condition
of the version that was read, so of any number of concurrent accepts exactly one commits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.domain.audit import Actor
from chalicelib.domain.contract_lifecycle import move as move_contract
from chalicelib.domain.contracts import Contract
from chalicelib.domain.errors import Conflict
from chalicelib.domain.ids import new_id
from chalicelib.domain.orders import Order
from chalicelib.domain.quotes import Quote, QuoteStatus, next_status
from chalicelib.services.manage_quotes import audited, today_of
from chalicelib.store import contracts, orders, quotes, records


@dataclass(frozen=True)
class Accepted:
    quote: Quote
    contract: Contract | None
    order: Order | None


def _contract(quote: Quote, now: datetime) -> Contract:
    """Built by the same rules as any contract; it starts on the day of acceptance and is active."""
    from chalicelib.services.manage_contracts import build_contract
    from chalicelib.store import contract_templates

    data = {
        "customer_id": quote.customer_id,
        "currency": quote.currency,
        "timezone": quote.timezone,
        "price_list_id": quote.price_list_id,
        "salesperson_id": quote.salesperson_id,
        "quote_id": quote.id,
    }
    template = contract_templates.get(quote.template_id)
    contract = build_contract(data, template, now=now, lines=quote.recurring_lines)
    return replace(contract, status=move_contract(contract.status, "activate"))


def accept_quote(quote_id: str, *, actor: Actor, now: datetime) -> Accepted:
    from chalicelib.services.manage_contracts import persist

    before = quotes.get(quote_id, consistent=True)
    status = next_status(before, "accept", today_of(before, now))  # refuses declined, expired, accepted
    contract = _contract(before, now) if before.recurring_lines else None
    order = None
    if before.one_off_lines:
        order = Order(
            id=new_id(),
            customer_id=before.customer_id,
            quote_id=before.id,
            currency=before.currency,
            lines=tuple(before.one_off_lines),
            created_at=now,
            contract_id=contract.id if contract else "",
        )
    after = replace(
        before,
        status=status,
        accepted_at=now,
        contract_id=contract.id if contract else "",
        order_id=order.id if order else "",
    )
    change = records.Change()
    quote_after = {**audited(after), "contract_id": after.contract_id, "order_id": after.order_id}
    saved = quotes.add_save(
        change,
        before,
        after,
        actor.entry("quote", before.id, "quote.accepted", now, audited(before), quote_after),
    )
    if order is not None:
        entry = actor.entry(
            "order",
            order.id,
            "order.created",
            now,
            None,
            {"quote_id": before.id, "total_minor": order.total_minor},
        )
        order = orders.add_save(change, None, order, entry)
    try:
        if contract is not None:
            summary = f"created from quote {before.number} with {len(contract.lines)} line(s)"
            saves = [contracts.Saved(None, contract, "contract.created", summary)]
            contract = persist(saves, actor, now, also=change)[0]
        else:
            change.conflict_message = quotes.CONFLICT
            records.commit(change)
    except Conflict:
        raise _lost_race(quote_id) from None
    return Accepted(saved, contract, order)


def _lost_race(quote_id: str) -> Conflict:
    """Someone else changed the quote meanwhile (most likely accepted it): say what it is now."""
    current = quotes.get(quote_id, consistent=True)
    if current.status is QuoteStatus.ACCEPTED:
        return Conflict(f"quote {current.number} is already accepted", field="status")
    return Conflict(quotes.CONFLICT, field="version")
