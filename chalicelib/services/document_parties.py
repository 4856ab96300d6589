"""Who a printed document is from and to: our company (from Settings) and the customer with its address."""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chalicelib.config import Settings
from chalicelib.domain.addresses import Address
from chalicelib.domain.customer import Customer
from chalicelib.domain.document_format import DocumentFormat


@dataclass(frozen=True)
class Party:
    name: str
    lines: tuple[str, ...] = ()  # the postal address, one line each
    ids: tuple[tuple[str, str], ...] = ()  # (label, value): company id, VAT id, email


def address_lines(address: Address | None, fmt: DocumentFormat) -> tuple[str, ...]:
    if address is None:
        return ()
    lines = [address.line1, address.line2, f"{address.postcode} {address.city}".strip(), address.region]
    return tuple(line for line in (*lines, fmt.country(address.country)) if line)


def our_company(settings: Settings, labels: dict[str, str]) -> Party:
    ids = (
        (labels["company_id"], settings.company_tax_id),
        (labels["vat_id"], settings.company_vat_id),
        (labels["email"], settings.company_email),
    )
    return Party(settings.company_name, settings.company_address, tuple((k, v) for k, v in ids if v))


def customer_party(
    customer: Customer, address: Address | None, labels: dict[str, str], fmt: DocumentFormat
) -> Party:
    lines = address_lines(address, fmt) or ((fmt.country(customer.country),) if customer.country else ())
    ids = ((labels["tax_id"], customer.tax_id),) if customer.tax_id else ()
    return Party(customer.name, lines, ids)


@lru_cache(maxsize=4)
def logo_uri(path: Path | None) -> str:
    """The logo as a data: URI, read once per process: the HTML stays self-contained (no base_url)."""
    if path is None or not path.is_file():
        return ""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
