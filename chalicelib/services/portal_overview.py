"""What the customer portal shows one customer (B8, B10, S4): the overview and its record pages.

Everything is read per customer through its own index, never per record: contracts, issued
documents, orders, quotes, payments, items and the service visits of all contracts are one query
each; the saved card is one get; the billing address and the items' products one batch get each.
So the overview costs the same number of DynamoDB requests for a customer with one contract as for
one with fifty. The next invoice of a contract is priced by the billing rules themselves
(domain.billing.bill_period on the next period), before tax as the run will add it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.domain.addresses import Address
from chalicelib.domain.billing import bill_period
from chalicelib.domain.card_payments import SavedCard
from chalicelib.domain.contract_lifecycle import Status
from chalicelib.domain.contracts import Contract, Line
from chalicelib.domain.customer import Customer
from chalicelib.domain.errors import DomainError
from chalicelib.domain.invoices import Invoice
from chalicelib.domain.items import Item
from chalicelib.domain.orders import Order
from chalicelib.domain.payments import Payment
from chalicelib.domain.periods import Period, local_date
from chalicelib.domain.quotes import Quote
from chalicelib.store.visits import Visit

PLANNED_SHOWN = 4  # upcoming visits per item on the overview (the item page shows them all)
DONE_SHOWN = 5  # latest done visits per item


@dataclass(frozen=True)
class NextInvoice:
    day: date
    amount_minor: int  # before tax, in the contract's currency


@dataclass(frozen=True)
class ContractSummary:
    contract: Contract
    next_invoice: NextInvoice | None
    lines: tuple[Line, ...]  # catalogue lines running today or later
    options: tuple[Line, ...]  # the template's options the customer has (running today or later)


@dataclass(frozen=True)
class ItemVisits:
    item: Item
    product_name: str
    planned: tuple[Visit, ...]  # the next ones, soonest first
    done: tuple[Visit, ...]  # the latest ones, newest first
    planned_total: int  # all planned visits (more than shown when the schedule runs far ahead)


@dataclass(frozen=True)
class Overview:
    customer: Customer
    address: Address | None
    card: SavedCard | None  # None without a saved card
    contracts: tuple[ContractSummary, ...]
    quotes: tuple[Quote, ...]  # sent and still open
    orders: tuple[Order, ...]
    documents: tuple[Invoice, ...]  # issued invoices, credit notes and pro-formas, newest first
    payments: tuple[Payment, ...]  # newest first
    items: tuple[ItemVisits, ...]


@dataclass(frozen=True)
class ContractDetail:
    summary: ContractSummary
    address: Address | None
    card: SavedCard | None  # None without a saved card
    visits: tuple[Visit, ...]  # by date
    serials: dict[str, str]  # item id -> serial, for the visits
    documents: tuple[Invoice, ...]  # its issued documents, newest first


@dataclass(frozen=True)
class DeliveredItem:
    item: Item
    site: Address | None


@dataclass(frozen=True)
class OrderDetail:
    order: Order
    delivered: dict[str, tuple[DeliveredItem, ...]]  # line id -> its items, with their sites


def next_invoice(contract: Contract, now: datetime) -> NextInvoice | None:
    """The next invoice's date and amount: the next period billed as the billing run would bill it."""
    day = contract.next_billing_date
    if day is None or contract.status is not Status.ACTIVE:
        return None
    period = contract.period_of(contract.billed_until)
    if period.start != contract.billed_until:  # invoiced up to a day inside a period
        period = Period(contract.billed_until, period.end)
    try:
        bill = bill_period(contract, period, now, "preview")
    except (DomainError, ValueError):
        return None
    return NextInvoice(day, bill.total_minor)


def summary(contract: Contract, now: datetime) -> ContractSummary:
    today = local_date(now, contract.timezone or "UTC")
    current = [line for line in contract.lines if not line.ended_by(max(today, contract.start_date))]
    return ContractSummary(
        contract=contract,
        next_invoice=next_invoice(contract, now),
        lines=tuple(line for line in current if not line.option_code),
        options=tuple(line for line in current if line.option_code),
    )


def issued(documents: list[Invoice]) -> tuple[Invoice, ...]:
    """What a customer may see: issued documents only (drafts are staff work), newest first."""
    return tuple(sorted((d for d in documents if not d.is_draft), key=lambda d: d.issue_key, reverse=True))


def _address(customer: Customer) -> Address | None:
    from chalicelib.store import addresses

    if not customer.address_id:
        return None
    return addresses.get_many([customer.address_id]).get(customer.address_id)


def _histories(items: list[Item], visits: list[Visit], today: date) -> tuple[ItemVisits, ...]:
    from chalicelib.store import products

    names = {p.id: p.name for p in products.get_many([i.product_id for i in items]).values()}
    histories = []
    for item in items:
        own = [v for v in visits if v.item_id == item.id]
        planned = sorted((v for v in own if v.status == "planned" and v.due >= today), key=lambda v: v.due)
        done = sorted((v for v in own if v.status == "done"), key=lambda v: v.due, reverse=True)
        histories.append(
            ItemVisits(
                item=item,
                product_name=names.get(item.product_id, ""),
                planned=tuple(planned[:PLANNED_SHOWN]),
                done=tuple(done[:DONE_SHOWN]),
                planned_total=len(planned),
            )
        )
    return tuple(histories)


def overview(customer: Customer, *, now: datetime) -> Overview:
    """Everything the portal overview shows of `customer`, and nothing of anyone else."""
    from chalicelib.store import cards, contracts, invoices, items, orders, payments, quotes, visits

    today = local_date(now, customer.timezone or "UTC")
    owned_items = items.of_owner(customer.id)
    open_quotes = [
        q
        for q in quotes.of_customer(customer.id)
        if q.awaits_answer(local_date(now, q.timezone or "UTC"))
    ]
    return Overview(
        customer=customer,
        address=_address(customer),
        card=cards.get(customer.id),
        contracts=tuple(summary(c, now) for c in contracts.of_customer(customer.id)),
        quotes=tuple(open_quotes),
        orders=tuple(sorted(orders.of_customer(customer.id), key=lambda o: o.created_at, reverse=True)),
        documents=issued(invoices.of_customer(customer.id)),
        payments=tuple(payments.of_customer(customer.id)),
        items=_histories(owned_items, visits.of_customer(customer.id) if owned_items else [], today),
    )


def contract_detail(customer: Customer, contract: Contract, *, now: datetime) -> ContractDetail:
    """One contract of `customer` (the caller checked it is theirs): terms, lines, visits, invoices."""
    from chalicelib.store import cards, invoices, items, visits

    if contract.customer_id != customer.id:
        raise ValueError("the contract is not this customer's")
    planned = sorted(visits.of_contract(contract.id), key=lambda v: (v.due, v.item_id))
    serials = {i.id: i.serial for i in items.get_many([v.item_id for v in planned])}
    return ContractDetail(
        summary=summary(contract, now),
        address=_address(customer),
        card=cards.get(customer.id),
        visits=tuple(planned),
        serials=serials,
        documents=issued(invoices.of_contract(contract.id)),
    )


def order_detail(order: Order) -> OrderDetail:
    """One order (the caller checked it is the customer's) with the items delivered on each line."""
    from chalicelib.store import addresses, items

    found = {i.id: i for i in items.get_many([i for line in order.lines for i in line.item_ids])}
    sites = addresses.get_many([i.install_address_id or "" for i in found.values()])
    delivered = {
        line.id: tuple(
            DeliveredItem(found[i], sites.get(found[i].install_address_id or ""))
            for i in line.item_ids
            if i in found and found[i].owner_id == order.customer_id
        )
        for line in order.lines
    }
    return OrderDetail(order, delivered)
