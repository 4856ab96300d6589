"""One transaction per change: the record, its lookup keys, its uniqueness claims and its audit.

Either all of it is written or none of it: no record without its audit entry, no search key
pointing at a record that was not saved, no claim left behind by a failed save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.store import audit
from chalicelib.store.base import transaction
from chalicelib.store.models import LookupModel, UniqueKeyModel

MAX_ACTIONS = 100  # DynamoDB's limit for one TransactWriteItems
CONCURRENT = "the change could not be saved because of a concurrent change: try again"


@dataclass
class Change:
    saves: list[tuple[Model, Condition | None]] = field(default_factory=list)
    messages: dict[int, str] = field(default_factory=dict)  # id(item) -> its own conflict message
    deletes: list[tuple[Model, Condition | None]] = field(default_factory=list)
    add_lookups: set[tuple[str, str]] = field(default_factory=set)  # (key, ref)
    remove_lookups: set[tuple[str, str]] = field(default_factory=set)
    claims: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (owner ref, message if taken)
    releases: set[str] = field(default_factory=set)
    audit: AuditEntry | None = None
    conflict_message: str = "this record was changed meanwhile: reload and try again"

    def save(self, item: Model, condition: Condition | None = None, message: str = "") -> Change:
        """`message`: what a failed `condition` means for this item (default: conflict_message)."""
        self.saves.append((item, condition))
        if message:
            self.messages[id(item)] = message
        return self

    def delete(self, item: Model, condition: Condition | None = None) -> Change:
        self.deletes.append((item, condition))
        return self

    def lookups(self, ref: str, before: Iterable[str], after: Iterable[str]) -> Change:
        """Moves `ref`'s lookup keys from `before` to `after`, touching only what differs."""
        old, new = set(before), set(after)
        self.remove_lookups |= {(k, ref) for k in old - new}
        self.add_lookups |= {(k, ref) for k in new - old}
        return self

    def claim(self, key: str, owner: str, message: str) -> Change:
        self.claims[key] = (owner, message)
        return self

    def release(self, key: str) -> Change:
        self.releases.add(key)
        return self


def commit(change: Change) -> None:
    """Writes the change atomically; a lost claim or a failed condition raises Conflict."""
    with_errors = _Transaction()
    for item, condition in change.saves:
        with_errors.add("save", item, condition, change.messages.get(id(item), change.conflict_message))
    for item, condition in change.deletes:
        with_errors.add("delete", item, condition, change.conflict_message)
    for key, (owner, message) in sorted(change.claims.items()):
        claim = UniqueKeyModel(key=key, owner=owner)
        # Taking a claim we already own is a no-op; someone else's is a conflict.
        with_errors.add(
            "save", claim, UniqueKeyModel.key.does_not_exist() | (UniqueKeyModel.owner == owner), message
        )
    for key in sorted(change.releases - set(change.claims)):
        with_errors.add("delete", UniqueKeyModel(key=key), None, "")
    for key, ref in sorted(change.add_lookups - change.remove_lookups):
        with_errors.add("save", LookupModel(key=key, ref=ref), None, "")
    for key, ref in sorted(change.remove_lookups - change.add_lookups):
        with_errors.add("delete", LookupModel(key=key, ref=ref), None, "")
    if change.audit is not None:
        with_errors.add("save", audit.to_item(change.audit), None, "")
    with_errors.run()


class _Transaction:
    def __init__(self) -> None:
        self.actions: list[tuple[str, Model, Condition | None, str]] = []

    def add(self, kind: str, item: Model, condition: Condition | None, message: str) -> None:
        self.actions.append((kind, item, condition, message))

    def run(self) -> None:
        if len(self.actions) > MAX_ACTIONS:
            raise Conflict(f"this change touches {len(self.actions)} records; at most {MAX_ACTIONS} at once")
        try:
            with transaction() as t:
                for kind, item, condition, _message in self.actions:
                    if kind == "save":
                        t.save(item, condition=condition)
                    else:
                        t.delete(item, condition=condition)
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            # PynamoDB sends all deletes before all puts, whatever order they were added in:
            # the reasons follow the order sent.
            sent = [a for a in self.actions if a[0] == "delete"] + [a for a in self.actions if a[0] == "save"]
            for reason, (_kind, _item, _condition, message) in zip(
                error.cancellation_reasons, sent, strict=False
            ):
                if reason is not None and reason.code == "ConditionalCheckFailed" and message:
                    raise Conflict(message) from None
            raise Conflict(CONCURRENT) from None


def save_version[M: Model](change: Change, item_at: Callable[[int], M], before_version: int | None) -> M:
    """Adds a record's next version to `change`: a new record (must not exist yet) or `before_version`
    + 1 (the stored one must still be `before_version`, else the change fails). Returns the item."""
    item = item_at((before_version or 0) + 1)
    model: Any = type(item)
    key = getattr(model, model._hash_keyname)  # `id` for most tables; customer_id, invoice_id... for others
    condition = key.does_not_exist() if before_version is None else model.version == before_version
    change.save(item, condition)
    return item


def refs(key: str, limit: int = 1000) -> list[str]:
    """The records a lookup key points to, e.g. refs("customer/email/a@b.c") -> ["customer#id"]."""
    return [item.ref for item in LookupModel.query(key, limit=limit)]


def owner_of(key: str) -> str | None:
    try:
        return str(UniqueKeyModel.get(key).owner)
    except DoesNotExist:
        return None


class Keyed(Protocol):
    """A domain record with search keys and uniqueness claims (customer, person, product, item...)."""

    @property
    def id(self) -> str: ...

    @property
    def ref(self) -> str: ...

    def lookup_keys(self) -> set[str]: ...


def save_new(record: Keyed, item: Model, entry: AuditEntry, claims: dict[str, str]) -> None:
    """Creates the record with its lookup keys and claims, and its audit entry, in one transaction."""
    model: Any = type(item)
    change = Change(audit=entry).save(item, model.id.does_not_exist())
    change.lookups(record.ref, (), record.lookup_keys())
    for key, message in claims.items():
        change.claim(key, record.ref, message)
    commit(change)


def save_changed[R: Keyed](
    before: R,
    after: R,
    *,
    model: Any,  # a PynamoDB model class with an `id` hash key and a `version` attribute
    to_item: Callable[[R, int], Model],
    from_item: Callable[[Any], R],
    claims: tuple[dict[str, str], dict[str, str]],
    entry: AuditEntry,
    label: str,
    field: str,
) -> None:
    """Saves `after` only if the stored record is still `before`; moves lookup keys and claims with it.

    claims: (before's, after's). Raises NotFound (naming `field`) or Conflict.
    """
    try:
        current: Any = model.get(before.id, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"no {label} {before.id}", field=field) from None
    if from_item(current) != before:
        raise Conflict(f"this {label} was changed meanwhile: reload and try again")
    change = Change(audit=entry)
    save_version(change, lambda v: to_item(after, v), int(current.version))
    change.lookups(after.ref, before.lookup_keys(), after.lookup_keys())
    old_claims, new_claims = claims
    for key, message in new_claims.items():
        change.claim(key, after.ref, message)
    for key in set(old_claims) - set(new_claims):
        change.release(key)
    commit(change)
