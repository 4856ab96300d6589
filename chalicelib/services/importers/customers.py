"""Importing organisations (customers) in bulk.

Why batches and not one transaction per row: a row's transaction (record + lookups + claims +
audit) costs one TransactWriteItems of ~6 items, at about half the speed of plain writes, and an
audit record per row would double the items again. Imports write each chunk with BatchWriteItem
(25 items per request, several in flight) and one audit record per chunk listing the ids it
created and updated. What we give up is atomicity per row; what repairs it is idempotence:

- Rows are matched to existing customers by external id (a uniqueness claim), or, for rows
  without one, by tax id (a lookup key); then by customer code (a claim). A row that matches
  nothing gets an id derived from (import id, row number), so re-running the same import writes
  the same ids again.
- Within a chunk the audit record, new claims and the keys and claims that go away are written
  first, then the records with their new lookup keys. Interrupted anywhere, a re-run finds each
  row's record through its claim (or derived id) and writes record and keys again (keys even for
  records found unchanged): nothing is duplicated, no change lacks its audit record, and no key
  stays pointing at a record that does not exist.
- Claims are checked against their current owners before writing, so a code or external id
  taken by another customer is a row error; a concurrent edit of the same customer while an
  import runs is overwritten (last writer wins), which the per-chunk audit record shows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pynamodb.models import Model

from chalicelib.domain import lookups
from chalicelib.domain.customer import Customer, validate_customer_fields
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.imports import row_id
from chalicelib.services.importers.base import BatchResult, Candidate, RunContext
from chalicelib.store import audit
from chalicelib.store.customers import from_item as customer_of
from chalicelib.store.customers import to_item
from chalicelib.store.models import CustomerModel, LookupModel, UniqueKeyModel

_CLAIM_FIELD = {"code": "code", "ext": "external_id"}


def _claim_key(kind: str, value: str) -> str | None:
    return f"customer/{kind}/{lookups.norm_code(value)}" if lookups.norm_code(value) else None


class CustomerImporter:
    entity = "customers"

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}  # claim key -> owner ref, as read for the current chunk
        self._stored: dict[str, tuple[Customer, int]] = {}  # id -> (customer, version)
        self._in_flight: set[str] = set()  # ids whose records the previous chunk is still writing
        self._merged: dict[str, str] = {}  # ref of a merged duplicate -> ref of the record it became

    def validate(self, mapped: dict[str, str]) -> dict[str, Any]:
        return validate_customer_fields(mapped)

    def find_existing(
        self, candidates: list[Candidate], ctx: RunContext
    ) -> list[str | ValidationError | None]:
        keys = {
            key
            for c in candidates
            for key in (_claim_key("ext", c.value["external_id"]), _claim_key("code", c.value["code"]))
            if key
        }
        self._owners = {i.key: i.owner for i in UniqueKeyModel.batch_get(list(keys))} if keys else {}
        found: list[str | ValidationError | None] = []
        for c in candidates:
            owner = self._owners.get(_claim_key("ext", c.value["external_id"]) or "")
            found.append(lookups.split_ref(owner)[1] if owner else None)
        # A row's external id, when it has one, is its identity in the source system: tax ids
        # (not unique: branches share them, one Query each) identify only rows without one.
        unmatched = [c for c, f in zip(candidates, found, strict=True) if f is None]
        by_tax = self._by_tax_id([c for c in unmatched if not c.value["external_id"]], ctx)
        for index, c in enumerate(candidates):
            if found[index] is None and c.row in by_tax:
                found[index] = by_tax[c.row]
            if found[index] is None:
                owner = self._owners.get(_claim_key("code", c.value["code"]) or "")
                found[index] = lookups.split_ref(owner)[1] if owner else None
        if self._in_flight & {f for f in found if isinstance(f, str)}:
            ctx.writer.flush()  # a record of the previous chunk again: read it only once it is written
        self._stored = {}
        self._load([f for f in found if isinstance(f, str)])
        for index, match in enumerate(found):  # a merged duplicate points to the record it became
            stored = self._stored.get(match) if isinstance(match, str) else None
            if stored and stored[0].merged_into:
                found[index] = stored[0].merged_into
                self._merged[stored[0].ref] = lookups.ref("customer", stored[0].merged_into)
        self._load([f for f in found if isinstance(f, str)])
        for index, c in enumerate(candidates):
            match = found[index]
            stored = self._stored.get(match) if isinstance(match, str) else None
            if (
                stored
                and stored[0].external_id
                and c.value["external_id"]
                and (lookups.norm_code(stored[0].external_id) != lookups.norm_code(c.value["external_id"]))
            ):
                found[index] = None  # same tax id or code, but another record of the source system
        return found

    def _by_tax_id(self, candidates: list[Candidate], ctx: RunContext) -> dict[int, str | ValidationError]:
        """Tax ids are in the customers' by_tax_id index (one Query each): run them side by side."""
        with_tax = [(c, lookups.norm_code(c.value["tax_id"])) for c in candidates]
        asked = [(c, key) for c, key in with_tax if key]
        if not asked:
            return {}
        answers = ctx.writer.map(
            lambda pair: [i.id for i in CustomerModel.by_tax_id.query(pair[1], limit=3)], asked
        )
        result: dict[int, str | ValidationError] = {}
        for (c, _key), ids in zip(asked, answers, strict=True):
            if len(ids) == 1:
                result[c.row] = ids[0]
            elif ids:
                result[c.row] = ValidationError(
                    f"tax id {c.value['tax_id']} belongs to several customers: add an external id column "
                    "to say which one this row is",
                    field="tax_id",
                )
        return result

    def _load(self, ids: list[str]) -> None:
        wanted = [i for i in dict.fromkeys(ids) if i not in self._stored]
        for item in CustomerModel.batch_get(wanted) if wanted else []:
            self._stored[item.id] = (customer_of(item), int(item.version))

    def write_batch(
        self, candidates: list[Candidate], existing: list[str | None], ctx: RunContext
    ) -> BatchResult:
        ids = [found or row_id(ctx.import_id, c.row) for c, found in zip(candidates, existing, strict=True)]
        if ctx.rerun:  # rows that matched nothing may have been written by the interrupted run
            self._load([i for i, found in zip(ids, existing, strict=True) if not found])
        result = BatchResult()
        final: dict[str, Customer] = {}
        # A claim still held by a merged duplicate belongs to the record it was merged into.
        claimed = {key: self._merged.get(owner, owner) for key, owner in self._owners.items()}
        for c, customer_id in zip(candidates, ids, strict=True):
            stored = self._stored.get(customer_id)
            base = final.get(customer_id) or (stored[0] if stored else None)
            if base is None:
                after = Customer(id=customer_id, created_at=ctx.now, **c.value)
            else:
                after = replace(base, **{name: c.value[name] for name in c.fields if name in c.value})
            taken = [
                (key, message)
                for key, message in after.claims().items()
                if claimed.get(key, after.ref) != after.ref
            ]
            if taken:
                key = taken[0][0]
                result.errors[c.row] = ValidationError(taken[0][1], field=_CLAIM_FIELD[key.split("/")[1]])
                continue
            claimed.update({key: after.ref for key in after.claims()})
            final[customer_id] = after
        self._write(final, ctx, result)
        return result

    def _write(self, final: dict[str, Customer], ctx: RunContext, result: BatchResult) -> None:
        first: list[Model] = []  # claims, and keys and claims that go away
        drops: list[Model] = []
        second: list[Model] = []  # records and their new keys
        for customer_id, after in final.items():
            stored = self._stored.get(customer_id)
            before, version = stored if stored else (None, 0)
            old_keys = before.lookup_keys() if before else set()
            old_claims = set(before.claims()) if before else set()
            if before == after:
                result.unchanged.append(customer_id)
                if ctx.rerun:  # the interrupted run may have written the record but not all its keys
                    old_keys, old_claims = set(), set()
                    second += [LookupModel(key=k, ref=after.ref) for k in after.lookup_keys()]
                    first += [UniqueKeyModel(key=k, owner=after.ref) for k in after.claims()]
                continue
            (result.updated if before else result.created).append(customer_id)
            first += [UniqueKeyModel(key=k, owner=after.ref) for k in after.claims() if k not in old_claims]
            drops += [UniqueKeyModel(key=k) for k in old_claims - set(after.claims())]
            drops += [LookupModel(key=k, ref=after.ref) for k in old_keys - after.lookup_keys()]
            second.append(to_item(after, version + 1))
            second += [LookupModel(key=k, ref=after.ref) for k in after.lookup_keys() - old_keys]
        if result.created or result.updated:
            entry = ctx.actor.entry(
                "import",
                ctx.import_id,
                "import.rows_written",
                ctx.now,
                after={"entity": self.entity, "created": result.created, "updated": result.updated},
            )
            first.append(audit.to_item(entry))
        # The audit, claims and removals first; then, while the next chunk is prepared, the records
        # and their keys (see the module doc for why this order can always be repaired by a re-run).
        ctx.writer.write(saves=first, deletes=drops)
        ctx.writer.write_async(saves=second)
        self._in_flight = set(final)
