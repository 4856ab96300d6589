"""What the people, product and item importers share: match rows through uniqueness claims, write
each chunk with BatchWriteItem and one audit record, in the order customers.py explains.

The order, briefly: the audit record, new claims, new "uses/" keys and what goes away first; then
the records and their other keys. Interrupted anywhere, a re-run finds each row's record through
its claim (or the id derived from import id and row number) and writes record and keys again, so
nothing is duplicated and no reference exists without the "uses/" key that merges follow.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol, cast

from pynamodb.models import Model

from chalicelib.domain import lookups
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.imports import row_id
from chalicelib.services.importers.base import BatchResult, Candidate, RunContext
from chalicelib.store import audit
from chalicelib.store.models import LookupModel, UniqueKeyModel

# A claim key's kind ("product/code/X" -> "code") -> the field a taken claim is reported on.
CLAIM_FIELDS = {"code": "code", "ext": "external_id", "serial": "serial"}


class Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def ref(self) -> str: ...

    def lookup_keys(self) -> set[str]: ...


class KeyedImporter[R: Record]:
    """Subclasses say how rows become records; this class matches, checks claims and writes."""

    entity = ""
    model: type[Model]

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}  # claim key -> owner ref, read once per chunk
        self.stored: dict[str, tuple[R, int]] = {}  # id -> (record, version)
        self._in_flight: set[str] = set()  # ids whose records the previous chunk is still writing

    # --- what each entity says -------------------------------------------------------------------
    def from_item(self, item: Any) -> R:
        raise NotImplementedError

    def to_item(self, record: R, version: int) -> Model:
        raise NotImplementedError

    def claims(self, record: R) -> dict[str, str]:
        """Unique key -> message shown when another record holds it."""
        raise NotImplementedError

    def match_keys(self, c: Candidate) -> list[str]:
        """Claim keys that identify the row's record, strongest first."""
        raise NotImplementedError

    def reference_keys(self, c: Candidate) -> list[str]:
        """Claim keys of records the row refers to (read with the match keys, in the same request)."""
        return []

    def resolve(self, c: Candidate) -> ValidationError | None:
        """Checks the row's references against self.owners; remembers what they resolved to."""
        return None

    def other_matches(self, candidates: list[Candidate], ctx: RunContext) -> dict[int, str | ValidationError]:
        """Matches of rows no claim matched (e.g. by email): row number -> id or why it is ambiguous."""
        return {}

    def new_record(self, record_id: str, c: Candidate, ctx: RunContext) -> R:
        raise NotImplementedError

    def changes(self, c: Candidate) -> dict[str, Any]:
        """The record attributes the row sets (only its mapped fields: the rest keep stored values)."""
        return {name: c.value[name] for name in c.fields if name in c.value}

    def check(self, record: R, c: Candidate, is_new: bool) -> None:
        """Checks the record as it will be written (with stored fields); raises ValidationError."""

    def extra_writes(self, final: dict[str, R], rows: dict[str, list[Candidate]], ctx: RunContext,
                     result: BatchResult) -> tuple[list[Model], list[Model]]:
        """More items to write with the chunk (first, second), e.g. memberships."""
        return [], []

    def audit_details(self) -> dict[str, Any]:
        return {}

    # --- the shared part -------------------------------------------------------------------------
    def find_existing(
        self, candidates: list[Candidate], ctx: RunContext
    ) -> list[str | ValidationError | None]:
        keys = {k for c in candidates for k in (*self.match_keys(c), *self.reference_keys(c))}
        self.owners = {i.key: i.owner for i in UniqueKeyModel.batch_get(list(keys))} if keys else {}
        found: list[str | ValidationError | None] = []
        for c in candidates:
            problem = self.resolve(c)
            owner = next((self.owners[k] for k in self.match_keys(c) if k in self.owners), None)
            found.append(problem or (lookups.split_ref(owner)[1] if owner else None))
        unmatched = [c for c, f in zip(candidates, found, strict=True) if f is None]
        others = self.other_matches(unmatched, ctx) if unmatched else {}
        found = [others.get(c.row, f) if f is None else f for c, f in zip(candidates, found, strict=True)]
        ids = [f for f in found if isinstance(f, str)]
        if self._in_flight & set(ids):
            ctx.writer.flush()  # a record of the previous chunk again: read it only once it is written
        self.stored = {}
        self.load(ids)
        for index, c in enumerate(candidates):
            match = found[index]
            stored = self.stored.get(match) if isinstance(match, str) else None
            if stored and getattr(stored[0], "merged_into", None):  # a merged duplicate: its original
                found[index] = str(getattr(stored[0], "merged_into", ""))
                self.load([str(found[index])])
                stored = self.stored.get(str(found[index]))
            theirs = getattr(stored[0], "external_id", "") if stored else ""
            ours = c.value.get("external_id", "")
            if theirs and ours and lookups.norm_code(theirs) != lookups.norm_code(ours):
                found[index] = None  # same email or code, but another record of the source system
        return found

    def load(self, ids: list[str]) -> None:
        wanted = [i for i in dict.fromkeys(ids) if i not in self.stored]
        items: list[Any] = list(self.model.batch_get(wanted)) if wanted else []
        for item in items:
            self.stored[item.id] = (self.from_item(item), int(item.version))

    def write_batch(
        self, candidates: list[Candidate], existing: list[str | None], ctx: RunContext
    ) -> BatchResult:
        ids = [found or row_id(ctx.import_id, c.row) for c, found in zip(candidates, existing, strict=True)]
        if ctx.rerun:  # rows that matched nothing may have been written by the interrupted run
            self.load([i for i, found in zip(ids, existing, strict=True) if not found])
        result = BatchResult()
        final: dict[str, R] = {}
        rows: dict[str, list[Candidate]] = {}
        claimed = dict(self.owners)
        for c, record_id in zip(candidates, ids, strict=True):
            stored = self.stored.get(record_id)
            base = final.get(record_id) or (stored[0] if stored else None)
            try:
                after = (self.new_record(record_id, c, ctx) if base is None
                         else replace(cast(Any, base), **self.changes(c)))
                self.check(after, c, base is None)
            except ValidationError as error:
                result.errors[c.row] = error
                continue
            taken = [(k, m) for k, m in self.claims(after).items() if claimed.get(k, after.ref) != after.ref]
            if taken:
                key, message = taken[0]
                result.errors[c.row] = ValidationError(message, field=CLAIM_FIELDS.get(key.split("/")[1], ""))
                continue
            claimed.update({key: after.ref for key in self.claims(after)})
            final[record_id] = after
            rows.setdefault(record_id, []).append(c)
        self._write(final, rows, ctx, result)
        return result

    def _write(self, final: dict[str, R], rows: dict[str, list[Candidate]], ctx: RunContext,
               result: BatchResult) -> None:
        first: list[Model] = []  # audit, claims, "uses/" keys
        drops: list[Model] = []  # keys and claims that go away
        second: list[Model] = []  # records and their other keys
        for record_id, after in final.items():
            stored = self.stored.get(record_id)
            before, version = stored if stored else (None, 0)
            old_keys = before.lookup_keys() if before is not None else set()
            old_claims = set(self.claims(before)) if before is not None else set()
            if before == after:
                result.unchanged.append(record_id)
                if not ctx.rerun:
                    continue
                # The interrupted run may have written the record but not all its keys.
                old_keys, old_claims = set(), set()
            else:
                (result.updated if before is not None else result.created).append(record_id)
                second.append(self.to_item(after, version + 1))
            new_keys = after.lookup_keys() - old_keys
            claims = self.claims(after)
            first += [UniqueKeyModel(key=k, owner=after.ref) for k in claims if k not in old_claims]
            first += [LookupModel(key=k, ref=after.ref) for k in new_keys if k.startswith("uses/")]
            second += [LookupModel(key=k, ref=after.ref) for k in new_keys if not k.startswith("uses/")]
            drops += [UniqueKeyModel(key=k) for k in old_claims - set(self.claims(after))]
            drops += [LookupModel(key=k, ref=after.ref) for k in old_keys - after.lookup_keys()]
        more_first, more_second = self.extra_writes(final, rows, ctx, result)
        first += more_first
        second += more_second
        details = self.audit_details()
        if result.created or result.updated or any(details.values()):
            entry = ctx.actor.entry(
                "import", ctx.import_id, "import.rows_written", ctx.now,
                after={"entity": self.entity, "created": result.created, "updated": result.updated,
                       **details},
            )
            first.append(audit.to_item(entry))
        ctx.writer.write(saves=first, deletes=drops)
        ctx.writer.write_async(saves=second)
        self._in_flight = set(final)
