"""Finding likely duplicates (C10): by normalised name, email, phone, tax id or postcode."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from chalicelib.domain import lookups
from chalicelib.domain.duplicates import Candidate, name_key
from chalicelib.domain.errors import ValidationError
from chalicelib.store import addresses, customers, people
from chalicelib.store.models import CustomerModel
from chalicelib.store.models_contacts import AddressModel, PersonModel

REPORT_LIMIT = 20_000  # records read for one report; beyond that the report says it is partial


def _signals(entity: str, record: Any) -> dict[str, str]:
    """What makes two records 'the same': each signal is (reason -> normalised value)."""
    if entity == "address":
        postcode = lookups.norm_postcode(record.postcode)
        return (
            {"street and postcode": f"{record.country}/{postcode}/{name_key(record.line1)}"}
            if postcode
            else {}
        )
    name = record.name
    found = {
        "name": name_key(name),
        "email": lookups.norm_email(record.email),
        "phone": lookups.norm_phone(record.phone),
    }
    if entity == "customer":
        found["tax id"] = lookups.norm_code(record.tax_id)
    return {
        reason: value for reason, value in found.items() if value and (reason != "phone" or len(value) >= 5)
    }


def candidates_for(entity: str, record_id: str) -> list[Candidate]:
    """Records that look like this one, with the reasons; a handful of index reads."""
    loaders: dict[str, Callable[[str], Any]] = {
        "customer": customers.get,
        "person": people.get,
        "address": addresses.get,
    }
    load = loaders.get(entity)
    if load is None:
        raise ValidationError("entity must be customer, person or address", field="entity")
    record = load(record_id)
    mine = _signals(entity, record)
    pool: dict[str, Any] = {}
    if entity == "customer":
        for kind, value in (("email", record.email), ("phone", record.phone), ("tax", record.tax_id)):
            pool.update({c.id: c for c in customers.find(kind, value)} if value else {})
        pool.update({c.id: c for c in customers.page(prefix=record.name[:3], limit=200)[0]})
    elif entity == "person":
        for kind, value in (("email", record.email), ("phone", record.phone)):
            pool.update({p.id: p for p in people.find(kind, value)} if value else {})
        pool.update({p.id: p for p in people.page(prefix=record.last_name[:3], limit=200)})
    else:
        pool.update({a.id: a for a in addresses.with_postcode(record.country, record.postcode)})
    found = []
    for other in pool.values():
        if other.id == record.id or other.merged_into:
            continue
        reasons = tuple(r for r, v in _signals(entity, other).items() if mine.get(r) == v)
        if reasons:
            found.append(Candidate(ref=other.ref, label=_label(entity, other), reasons=reasons))
    return sorted(found, key=lambda c: (-len(c.reasons), c.label))


def report(entity: str) -> tuple[list[list[Candidate]], bool]:
    """Groups of two or more records sharing a signal; and whether the report read everything."""
    records_read = list(_everything(entity))
    complete = len(records_read) < REPORT_LIMIT
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for record in records_read:
        for reason, value in _signals(entity, record).items():
            groups[(reason, value)].append(record)
    result = []
    for (reason, _value), members in sorted(groups.items(), key=lambda g: g[0]):
        if len(members) > 1:
            result.append([Candidate(ref=m.ref, label=_label(entity, m), reasons=(reason,)) for m in members])
    return result, complete


def _everything(entity: str) -> Iterable[Any]:
    """Every live record, through the name index (customers, people) or a capped scan (addresses)."""
    if entity == "customer":
        items: Iterable[Any] = CustomerModel.by_name.query("customer", limit=REPORT_LIMIT)
        convert: Any = customers.from_item
    elif entity == "person":
        items, convert = PersonModel.by_name.query("person", limit=REPORT_LIMIT), people.from_item
    elif entity == "address":
        items, convert = AddressModel.scan(limit=REPORT_LIMIT), addresses.from_item
    else:
        raise ValidationError("entity must be customer, person or address", field="entity")
    for item in items:
        if not item.merged_into:
            yield convert(item)


def _label(entity: str, record: Any) -> str:
    if entity == "address":
        return str(record.one_line())
    extra = record.email or record.phone
    return f"{record.name} ({extra})" if extra else str(record.name)
