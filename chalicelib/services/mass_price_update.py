"""Mass price update (S3), the preview: which contract lines a filter selects and their new prices.

The preview saves nothing: it lists every affected line and the totals per currency, and carries
a fingerprint of what it showed (contract versions, lines, new prices) that apply_price_update
checks before it writes anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.domain.bulk_prices import FILTERS, LineFilter, PriceChange, parse_price_change, reprice
from chalicelib.domain.contracts import Adjustment, Contract, effective_day, settle_invoiced_time
from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.ids import new_id
from chalicelib.domain.periods import local_date
from chalicelib.services.bulk_contracts import when_of
from chalicelib.store import contracts


@dataclass(frozen=True)
class PriceRequest:
    filter: LineFilter
    change: PriceChange
    when: str
    on: date | None

    def as_json(self) -> dict[str, Any]:
        on = self.on.isoformat() if self.on else ""
        return {**self.filter.as_json(), **self.change.as_json(), "when": self.when, "effective_date": on}

    @property
    def label(self) -> str:
        when = {"now": "now", "period_end": "at period end", "date": f"from {self.on}"}[self.when]
        picked = ", ".join(f"{k} {v}" for k, v in self.filter.as_json().items())
        return f"{self.change.label} on lines with {picked}, {when}"


@dataclass(frozen=True)
class Row:
    """One affected line as the preview shows it; amounts per billing period in minor units."""

    contract_id: str
    contract_number: str
    customer_id: str
    currency: str
    line_id: str
    product_id: str
    description: str
    quantity: Decimal
    old_price: int
    new_price: int
    old_amount: int
    new_amount: int
    day: date
    customer_name: str = ""
    product_code: str = ""

    @property
    def difference(self) -> int:
        return self.new_amount - self.old_amount

    def as_json(self) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "contract_number": self.contract_number,
            "customer_id": self.customer_id,
            "customer_name": self.customer_name,
            "currency": self.currency,
            "line_id": self.line_id,
            "product_id": self.product_id,
            "product_code": self.product_code,
            "description": self.description,
            "quantity": str(self.quantity),
            "old_unit_price_minor": self.old_price,
            "new_unit_price_minor": self.new_price,
            "period_difference_minor": self.difference,
            "effective_date": self.day.isoformat(),
        }


@dataclass(frozen=True)
class ContractUpdate:
    before: Contract
    after: Contract
    day: date
    rows: tuple[Row, ...]
    new_line_ids: tuple[str, ...]  # the line carrying each row's new price, in row order
    adjustments: tuple[Adjustment, ...]


@dataclass(frozen=True)
class Preview:
    request: PriceRequest
    updates: tuple[ContractUpdate, ...]
    fingerprint: str
    previewed_at: datetime

    @property
    def rows(self) -> list[Row]:
        return [row for u in self.updates for row in u.rows]

    def totals(self) -> dict[str, dict[str, int]]:
        """Per currency: lines, contracts, and the per-period amounts before and after."""
        out: dict[str, dict[str, int]] = {}
        for update in self.updates:
            total = out.setdefault(
                update.before.currency, {"contracts": 0, "lines": 0, "old_minor": 0, "new_minor": 0}
            )
            total["contracts"] += 1
            for row in update.rows:
                total["lines"] += 1
                total["old_minor"] += row.old_amount
                total["new_minor"] += row.new_amount
        for total in out.values():
            total["difference_minor"] = total["new_minor"] - total["old_minor"]
        return dict(sorted(out.items()))

    def as_json(self) -> dict[str, Any]:
        return {
            "request": self.request.as_json(),
            "summary": self.request.label,
            "fingerprint": self.fingerprint,
            "previewed_at": self.previewed_at.isoformat(),
            "totals": self.totals(),
            "lines": [row.as_json() for row in self.rows],
        }


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{name} must be a string", field=name)
    return (value or "").strip()


def parse_request(data: dict[str, Any]) -> PriceRequest:
    from chalicelib.store import price_lists, products

    picked = LineFilter(**{name: _text(data, name) for name in FILTERS})
    picked = replace(picked, currency=picked.currency.upper())
    if not picked.given:
        raise ValidationError(
            "choose which lines: a vendor, distributor, product, price list or currency", field="filters"
        )
    if picked.product_id and not products.get_many([picked.product_id]):
        raise ValidationError(f"no product {picked.product_id}", field="product_id")
    if picked.price_list_id:
        try:
            price_lists.get(picked.price_list_id)
        except NotFound as error:
            raise ValidationError(error.message, field="price_list_id") from None
    change = parse_price_change(data.get("percent"), data.get("amount_minor"))
    when, on = when_of({**data, "when": data.get("when") or "period_end"})
    return PriceRequest(picked, change, when, on)


def preview(data: dict[str, Any], now: datetime, *, names: bool = True) -> Preview:
    """Every line the update would change and the contracts as they would be; nothing is saved."""
    from chalicelib.store import products

    request = parse_request(data)
    running = [c for c in contracts.running() if request.filter.takes_contract(c)]
    catalogue = products.get_many(sorted({line.product_id for c in running for line in c.lines}))
    updates = [u for c in running if (u := _update(c, request, catalogue, now)) is not None]
    if not updates:
        raise ValidationError("no running contract line matches these filters", field=request.filter.given[0])
    if names:
        updates = _named(updates, catalogue)
    updates.sort(key=lambda u: (u.before.currency, u.before.number))
    return Preview(request, tuple(updates), fingerprint(updates), now)


def _update(
    contract: Contract, request: PriceRequest, catalogue: dict[str, Any], now: datetime
) -> ContractUpdate | None:
    try:
        day = effective_day(contract, request.when, local_date(now, contract.timezone), request.on)
    except ValidationError:
        return None  # it ends before the change would take effect
    picked = [
        line.id
        for line in contract.lines
        if not line.ended_by(day)
        and request.filter.takes_line(line, catalogue.get(line.product_id))
        and request.change.apply(line.unit_price_minor) != line.unit_price_minor
    ]
    if not picked:
        return None
    after, pairs = reprice(contract, picked, request.change, day, new_id)
    adjustments = settle_invoiced_time(contract, after, day, new_id, now, f"price {request.change.label}")
    after = replace(after, adjustments=(*after.adjustments, *adjustments))
    rows = tuple(
        Row(
            contract.id,
            contract.number,
            contract.customer_id,
            contract.currency,
            old.id,
            old.product_id,
            old.description,
            old.quantity,
            old.unit_price_minor,
            new.unit_price_minor,
            old.period_amount,
            new.period_amount,
            day,
        )
        for old, new in pairs
    )
    return ContractUpdate(contract, after, day, rows, tuple(new.id for _, new in pairs), adjustments)


def _named(updates: list[ContractUpdate], catalogue: dict[str, Any]) -> list[ContractUpdate]:
    from chalicelib.store import customers

    names = {c.id: c.name for c in customers.get_many(sorted({u.before.customer_id for u in updates}))}
    return [
        replace(
            u,
            rows=tuple(
                replace(
                    r,
                    customer_name=names.get(r.customer_id, ""),
                    product_code=getattr(catalogue.get(r.product_id), "code", ""),
                )
                for r in u.rows
            ),
        )
        for u in updates
    ]


def fingerprint(updates: Iterable[ContractUpdate]) -> str:
    """What the preview showed: contract versions, days, lines and new prices (not the new line ids)."""
    digest = hashlib.sha256()
    for u in sorted(updates, key=lambda u: u.before.id):
        digest.update(f"{u.before.id}:{u.before.version}:{u.day}".encode())
        for row in u.rows:
            digest.update(f"|{row.line_id}:{row.new_price}".encode())
        digest.update(b"\n")
    return digest.hexdigest()[:24]
