"""Audit entries: who changed what, when, from what to what (C11)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class AuditEntry:
    entity_type: str
    entity_id: str
    action: str
    actor: str  # staff user id, "api:<key id>", "system" or "job:<name>"
    at: datetime
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    actor_label: str = ""
    key: str = field(default="")

    @property
    def entity(self) -> str:
        return f"{self.entity_type}#{self.entity_id}"

    def changes(self) -> list[tuple[str, Any, Any]]:
        """Field-by-field (name, before, after) for the fields that differ."""
        before = self.before or {}
        after = self.after or {}
        names = sorted(set(before) | set(after))
        return [(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff member, an API key, or the system (jobs, CLI)."""

    id: str
    label: str

    def entry(
        self,
        entity_type: str,
        entity_id: str,
        action: str,
        at: datetime,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditEntry:
        return AuditEntry(
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
            actor=self.id,
            actor_label=self.label,
            at=at,
            before=before,
            after=after,
        )


SYSTEM = Actor(SYSTEM_ACTOR, "system")
