"""Importing people in bulk, each optionally linked to an organisation (by its customer code) with a role.

A row matches the person with its external id (a claim), else the one person with its email (a
lookup key, one Query per row, side by side). The link is a membership written with the "uses/"
key merges follow; a membership's own email, phone and primary flag, set in the admin page, stay.
"""

from __future__ import annotations

from typing import Any

from pynamodb.models import Model

from chalicelib.domain import lookups
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.people import Person, validate_person_fields
from chalicelib.services.importers.base import BatchResult, Candidate, RunContext
from chalicelib.services.importers.keyed import KeyedImporter
from chalicelib.store.models import LookupModel
from chalicelib.store.models_contacts import MembershipModel, PersonModel
from chalicelib.store.people import from_item as person_of
from chalicelib.store.people import to_item

LINK_FIELDS = ("customer_code", "role")


def customer_code_key(code: str) -> str | None:
    norm = lookups.norm_code(code or "")
    return f"customer/code/{norm}" if norm else None


class PersonImporter(KeyedImporter[Person]):
    entity = "people"
    model = PersonModel

    def __init__(self) -> None:
        super().__init__()
        self._customer_of_row: dict[int, str] = {}  # row number -> id of the organisation it links to
        self._linked: list[str] = []  # "person id>customer id" written by the current chunk

    def validate(self, mapped: dict[str, str]) -> dict[str, Any]:
        code = (mapped.get("customer_code") or "").strip()
        role = (mapped.get("role") or "").strip()
        if role and not code:
            raise ValidationError("a role needs the customer code of the organisation it is at",
                                  field="role")
        if len(code) > 64:
            raise ValidationError("customer code must be at most 64 characters", field="customer_code")
        return {**validate_person_fields(mapped), "customer_code": code, "role": role[:100]}

    def from_item(self, item: Any) -> Person:
        return person_of(item)

    def to_item(self, record: Person, version: int) -> PersonModel:
        return to_item(record, version)

    def claims(self, record: Person) -> dict[str, str]:
        return record.claims()

    def match_keys(self, c: Candidate) -> list[str]:
        code = lookups.norm_code(c.value["external_id"])
        return [f"person/ext/{code}"] if code else []

    def reference_keys(self, c: Candidate) -> list[str]:
        key = customer_code_key(c.value["customer_code"])
        return [key] if key else []

    def resolve(self, c: Candidate) -> ValidationError | None:
        key = customer_code_key(c.value["customer_code"])
        if not key:
            return None
        owner = self.owners.get(key)
        if not owner:
            return ValidationError(f"no organisation has the customer code {c.value['customer_code']}",
                                   field="customer_code")
        self._customer_of_row[c.row] = lookups.split_ref(owner)[1]
        return None

    def other_matches(self, candidates: list[Candidate], ctx: RunContext) -> dict[int, str | ValidationError]:
        asked = [(c, key) for c in candidates if (key := lookups.email_key("person", c.value["email"]))]
        if not asked:
            return {}
        answers = ctx.writer.map(lambda pair: [i.ref for i in LookupModel.query(pair[1], limit=3)], asked)
        result: dict[int, str | ValidationError] = {}
        for (c, _key), refs in zip(asked, answers, strict=True):
            if len(refs) == 1:
                result[c.row] = lookups.split_ref(refs[0])[1]
            elif refs:
                result[c.row] = ValidationError(
                    f"several people have the email {c.value['email']}: add an external id column to say "
                    "which one this row is",
                    field="email",
                )
        return result

    def new_record(self, record_id: str, c: Candidate, ctx: RunContext) -> Person:
        fields = {k: v for k, v in c.value.items() if k not in LINK_FIELDS}
        return Person(id=record_id, created_at=ctx.now, **fields)

    def changes(self, c: Candidate) -> dict[str, Any]:
        return {name: c.value[name] for name in c.fields if name in c.value and name not in LINK_FIELDS}

    def extra_writes(self, final: dict[str, Person], rows: dict[str, list[Candidate]], ctx: RunContext,
                     result: BatchResult) -> tuple[list[Model], list[Model]]:
        wanted: dict[tuple[str, str], Candidate] = {}  # (person id, customer id) -> the last row naming it
        for person_id, person_rows in rows.items():
            for c in person_rows:
                if c.row in self._customer_of_row:
                    wanted[(person_id, self._customer_of_row[c.row])] = c
        found = MembershipModel.batch_get(list(wanted)) if wanted else []
        stored = {(m.person_id, m.customer_id): m for m in found}
        first: list[Model] = []
        second: list[Model] = []
        self._linked = []
        first_link_of: set[str] = set()
        for (person_id, customer_id), c in wanted.items():
            before = stored.get((person_id, customer_id))
            role = c.value["role"] if "role" in c.fields else (before.role if before else "")
            if before is not None and before.role == role and not ctx.rerun:
                continue
            # A person created by this import gets its first organisation as the primary one.
            primary = bool(before.primary) if before is not None else (
                person_id in result.created and person_id not in first_link_of
            )
            first_link_of.add(person_id)
            person_ref = lookups.ref("person", person_id)
            uses = lookups.uses_key(lookups.ref("customer", customer_id))
            first.append(LookupModel(key=uses, ref=person_ref))
            second.append(MembershipModel(
                person_id=person_id, customer_id=customer_id, role=role, primary=primary,
                email=before.email if before is not None else "",
                phone=before.phone if before is not None else "",
            ))
            self._linked.append(f"{person_id}>{customer_id}")
        return first, second

    def audit_details(self) -> dict[str, Any]:
        return {"linked": self._linked}
