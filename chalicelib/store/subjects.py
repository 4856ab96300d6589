"""Whether a subject ref ("customer#<id>" or "person#<id>") names a record that exists.

Documents, interactions and tasks hang on such refs; an unknown one is bad input, not a 500.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.domain.lookups import ref, split_ref
from chalicelib.store import customers
from chalicelib.store.models import CustomerModel
from chalicelib.store.models_contacts import PersonModel

SUBJECT_ENTITIES = ("customer", "person")


def exists(subject: str) -> bool:
    entity, record_id = split_ref(subject)
    if not record_id or entity not in SUBJECT_ENTITIES:
        return False
    if entity == "customer":
        try:
            customers.get(record_id)
        except NotFound:
            return False
        return True
    try:
        return PersonModel.get(record_id).merged_into is None
    except DoesNotExist:
        return False


def require(subject: str, *, field: str) -> str:
    """The ref, trimmed, or a ValidationError naming `field`."""
    value = (subject or "").strip()
    if not value:
        raise ValidationError(f"{field} is required", field=field)
    if not exists(value):
        raise ValidationError(f"{field}: {value!r} is not a known customer or person", field=field)
    return value


def label(subject: str) -> str:
    """A readable name for pages; the ref itself when the record has gone."""
    entity, record_id = split_ref(subject)
    try:
        if entity == "customer":
            return customers.get(record_id).name
        if entity == "person":
            person = PersonModel.get(record_id)
            return " ".join(p for p in (person.first_name, person.last_name) if p)
    except (NotFound, DoesNotExist):
        pass
    return subject


def person_names(person_ids: list[str]) -> dict[str, str]:
    """Names of many people in one batch read (no request per row)."""
    names: dict[str, str] = {}
    for item in PersonModel.batch_get(sorted(set(person_ids))):
        names[item.id] = " ".join(p for p in (item.first_name, item.last_name) if p)
    return names


def people_choices(limit: int = 200) -> list[tuple[str, str]]:
    """(id, name) of the first people by name, for a picker."""
    return [
        (item.id, " ".join(p for p in (item.first_name, item.last_name) if p))
        for item in PersonModel.by_name.query("person", limit=limit)
        if item.merged_into is None
    ]


def labels(refs: list[str]) -> dict[str, str]:
    """Names of many customers and people at once: one batch read per kind, not one per row."""
    ids: dict[str, set[str]] = {"customer": set(), "person": set()}
    for value in refs:
        entity, record_id = split_ref(value)
        if entity in ids and record_id:
            ids[entity].add(record_id)
    found = (
        {ref("person", k): v for k, v in person_names(sorted(ids["person"])).items()} if ids["person"] else {}
    )
    if ids["customer"]:
        for item in CustomerModel.batch_get(sorted(ids["customer"]), attributes_to_get=["id", "name"]):
            found[ref("customer", item.id)] = item.name
    return {value: found.get(value, value) for value in refs}
