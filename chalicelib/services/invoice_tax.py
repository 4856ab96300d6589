"""Taxing the invoices of a billing run (B4): each line at its product's rate in the customer's region.

Everything a run needs is read once for all its contracts: the rates (a small table), the products'
tax categories, the customers' countries and tax ids, and the price lists' tax-inclusive flags.
Lines without a product (template options, prorated adjustments, the contract discount) are taxed
at the region's standard rate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.billing import InvoiceLine, PeriodBill
from chalicelib.domain.contracts import Contract
from chalicelib.domain.invoices import Taxed
from chalicelib.domain.tax import REVERSE_CHARGE_NOTE, TaxRate, rate_for, reverse_charge, tax_groups

STANDARD = "standard"
_STATE = re.compile(r"^[A-Z0-9]{1,3}$")


@dataclass(frozen=True)
class Taxer:
    rates: dict[tuple[str, str], TaxRate]
    categories: dict[str, str]  # product id -> tax category
    customers: dict[str, Any]  # customer id -> Customer
    inclusive: dict[str, bool]  # price list id -> prices include tax
    our_country: str
    regions: dict[str, str] = field(default_factory=dict)  # customer id -> US-CA, where a state applies

    @classmethod
    def load(cls, due: list[Contract], our_country: str) -> Taxer:
        from chalicelib.store import price_lists

        product_ids = {line.product_id for c in due for line in c.lines if line.product_id}
        lists = (
            {p.id: p.tax_inclusive for p in price_lists.list_all()}
            if any(c.price_list_id for c in due)
            else {}
        )
        return cls.of(list({c.customer_id for c in due}), product_ids, our_country, lists)

    @classmethod
    def of(
        cls, customer_ids: list[str], product_ids: set[str], our_country: str, inclusive: dict[str, bool]
    ) -> Taxer:
        from chalicelib.store import addresses, customers, products, tax_rates

        found = {c.id: c for c in customers.get_many(customer_ids)}
        with_address = {c.id: c.address_id for c in found.values() if c.address_id}
        places = addresses.get_many(list(set(with_address.values()))) if with_address else {}
        regions = {
            cid: tax_region(found[cid].country, places[aid].region)
            for cid, aid in with_address.items()
            if aid in places and places[aid].region
        }
        return cls(
            rates=tax_rates.all_rates(),
            categories={p.id: p.tax_category for p in products.get_many(list(product_ids)).values()},
            customers=found,
            inclusive=inclusive,
            our_country=our_country,
            regions=regions,
        )

    def tax(self, contract: Contract, bill: PeriodBill) -> Taxed:
        """Raises ValidationError (field tax_region) when a rate is missing: the contract is not billed."""
        inclusive = self.inclusive.get(contract.price_list_id, False)
        return self.tax_lines(contract.customer_id, bill.lines, inclusive)

    def tax_lines(self, customer_id: str, lines: Sequence[InvoiceLine], inclusive: bool) -> Taxed:
        """Each line at its category's rate in the customer's region (state where the address has one)."""
        customer = self.customers.get(customer_id)
        country = customer.country if customer else self.our_country
        region = self.regions.get(customer_id, country)
        if customer is not None and reverse_charge(country, customer.tax_id, self.our_country):
            zero = TaxRate(country, STANDARD, 0, "reverse charge")
            groups = tax_groups([(line.amount_minor, zero) for line in lines], inclusive=False)
            note = REVERSE_CHARGE_NOTE.format(tax_id=customer.tax_id)
            return Taxed(tuple(groups), False, note, tuple(0 for _ in lines))
        rates = [rate_for(self.rates, region, self.category(line)) for line in lines]
        amounts = [(line.amount_minor, rate) for line, rate in zip(lines, rates, strict=True)]
        return Taxed(
            tuple(tax_groups(amounts, inclusive=inclusive)),
            inclusive,
            line_rates=tuple(rate.rate_bp for rate in rates),
        )

    def category(self, line: InvoiceLine) -> str:
        return self.categories.get(line.product_id) or line.tax_category or STANDARD


def tax_region(country: str, address_region: str) -> str:
    """US-CA from a US customer whose address says CA; a free-text region (a county name) is ignored."""
    code = address_region.strip().upper()
    return f"{country}-{code}" if code and _STATE.match(code) else country
