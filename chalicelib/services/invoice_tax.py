"""Taxing the invoices of a billing run (B4): each line at its product's rate in the customer's region.

Everything a run needs is read once for all its contracts: the rates (a small table), the products'
tax categories, the customers' countries and tax ids, and the price lists' tax-inclusive flags.
Lines without a product (template options, prorated adjustments, the contract discount) are taxed
at the region's standard rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.billing import PeriodBill
from chalicelib.domain.contracts import Contract
from chalicelib.domain.invoices import Taxed
from chalicelib.domain.tax import REVERSE_CHARGE_NOTE, TaxRate, rate_for, reverse_charge, tax_groups

STANDARD = "standard"


@dataclass(frozen=True)
class Taxer:
    rates: dict[tuple[str, str], TaxRate]
    categories: dict[str, str]  # product id -> tax category
    customers: dict[str, Any]  # customer id -> Customer
    inclusive: dict[str, bool]  # price list id -> prices include tax
    our_country: str

    @classmethod
    def load(cls, due: list[Contract], our_country: str) -> Taxer:
        from chalicelib.store import customers, price_lists, products, tax_rates

        product_ids = {line.product_id for c in due for line in c.lines if line.product_id}
        lists = (
            {p.id: p.tax_inclusive for p in price_lists.list_all()}
            if any(c.price_list_id for c in due)
            else {}
        )
        return cls(
            rates=tax_rates.all_rates(),
            categories={p.id: p.tax_category for p in products.get_many(list(product_ids)).values()},
            customers={c.id: c for c in customers.get_many(list({c.customer_id for c in due}))},
            inclusive=lists,
            our_country=our_country,
        )

    def tax(self, contract: Contract, bill: PeriodBill) -> Taxed:
        """Raises ValidationError (field tax_region) when a rate is missing: the contract is not billed."""
        customer = self.customers.get(contract.customer_id)
        country = customer.country if customer else self.our_country
        inclusive = self.inclusive.get(contract.price_list_id, False)
        if customer is not None and reverse_charge(country, customer.tax_id, self.our_country):
            zero = TaxRate(country, STANDARD, 0, "reverse charge")
            groups = tax_groups([(line.amount_minor, zero) for line in bill.lines], inclusive=False)
            return Taxed(tuple(groups), False, REVERSE_CHARGE_NOTE.format(tax_id=customer.tax_id))
        amounts = [
            (line.amount_minor, rate_for(self.rates, country, self.categories.get(line.product_id, STANDARD)))
            for line in bill.lines
        ]
        return Taxed(tuple(tax_groups(amounts, inclusive=inclusive)), inclusive)
