"""Duplicates (C10): which records look alike, and how a merge combines two of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.customer import sort_name

# Legal forms that say nothing about identity: "Acme s.r.o." and "ACME Ltd." are the same name.
_LEGAL_FORMS = re.compile(
    r"\b(s\.?\s?r\.?\s?o|a\.?\s?s|spol|ltd|limited|llc|inc|corp|co|gmbh|ag|sarl|sas|sa|plc|bv|"
    r"тов|тзов|ооо|пао|зао|ат|пп|фоп)\b\.?"
)


def name_key(name: str) -> str:
    """Name with case, accents, punctuation and legal forms removed."""
    folded = sort_name(name)
    without_forms = _LEGAL_FORMS.sub(" ", folded)
    return " ".join(re.sub(r"[^\w\s]", " ", without_forms).split())


@dataclass(frozen=True)
class Candidate:
    ref: str
    label: str
    reasons: tuple[str, ...]


def fill_missing(original: dict[str, Any], duplicate: dict[str, Any]) -> dict[str, Any]:
    """The original's values win; a field empty in the original takes the duplicate's value."""
    merged = dict(original)
    for name, value in duplicate.items():
        if merged.get(name) in (None, "", {}, [], frozenset()) and value not in (
            None,
            "",
            {},
            [],
            frozenset(),
        ):
            merged[name] = value
    return merged
