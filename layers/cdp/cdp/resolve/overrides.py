"""Manual overrides: a person says two records are (force-link) or are not (force-separate) the same
entity, with who, when and why. Every later run honours them (see `cdp.resolve.cluster`).

Overrides are kept as a list in the order they were made; for one pair of records the latest one is the
one that holds, so `unlink` undoes a `link` (or a merge the engine made) and a later `link` undoes that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cdp.resolve.ledger import LedgerEvent, LedgerEventType


class OverrideError(ValueError):
    """An override that cannot be recorded or read; says which and why."""


class OverrideKind(StrEnum):
    LINK = "link"
    SEPARATE = "separate"


@dataclass(frozen=True)
class Override:
    """One constraint between two records named `source:source_id`."""

    kind: OverrideKind
    first: str
    second: str
    by: str
    why: str
    at: str  # ISO 8601 with a time zone

    @property
    def pair(self) -> tuple[str, str]:
        return (min(self.first, self.second), max(self.first, self.second))

    @property
    def override_id(self) -> str:
        """A stable name of this override, recorded with its ledger event."""
        text = "\x1f".join((self.kind, *self.pair, self.by, self.at))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, str]:
        return {**asdict(self), "kind": self.kind.value}

    def evidence(self) -> str:
        return json.dumps({"override": self.override_id, "by": self.by, "why": self.why, "at": self.at})


def _record_name(value: Any, field: str) -> str:
    if not isinstance(value, str) or ":" not in value or value.startswith(":") or value.endswith(":"):
        raise OverrideError(f"{field}: a record is named source:source_id, got {value!r}")
    return value


def make_override(kind: str, first: Any, second: Any, by: Any, why: Any, at: datetime) -> Override:
    """A validated override made now (`at`, time-zone aware).

    Raises:
        OverrideError: an unknown kind, a record not named `source:source_id`, the same record twice,
            or no author or reason.
    """
    if kind not in {k.value for k in OverrideKind}:
        raise OverrideError(f"kind: expected one of {', '.join(k.value for k in OverrideKind)}, got {kind!r}")
    first, second = _record_name(first, "first"), _record_name(second, "second")
    if first == second:
        raise OverrideError(f"first and second are the same record {first!r}")
    for name, value in (("by", by), ("why", why)):
        if not isinstance(value, str) or not value.strip():
            raise OverrideError(f"{name}: say who made the override and why (a non-empty text)")
    if at.tzinfo is None:
        raise OverrideError("at: the time of an override needs a time zone")
    return Override(OverrideKind(kind), first, second, by.strip(), why.strip(), at.isoformat())


def parse_overrides(data: Any) -> list[Override]:
    """Overrides from their JSON form (a list of objects, as `to_dict` writes them)."""
    if not isinstance(data, list):
        raise OverrideError("overrides: expected a JSON list")
    parsed = []
    for number, item in enumerate(data):
        if not isinstance(item, dict):
            raise OverrideError(f"override {number}: expected an object")
        try:
            at = datetime.fromisoformat(item["at"])
            parsed.append(
                make_override(item["kind"], item["first"], item["second"], item["by"], item["why"], at)
            )
        except (KeyError, TypeError, ValueError) as error:
            raise OverrideError(f"override {number}: {error}") from error
    return parsed


def effective(overrides: Sequence[Override]) -> list[Override]:
    """The override that holds for each pair: the latest made (by time, then by position)."""
    latest: dict[tuple[str, str], tuple[str, int, Override]] = {}
    for position, override in enumerate(overrides):
        candidate = (override.at, position, override)
        if override.pair not in latest or candidate[:2] > latest[override.pair][:2]:
            latest[override.pair] = candidate
    return [item[2] for _, item in sorted(latest.items())]


def constraint_pairs(
    overrides: Sequence[Override], row_of: Mapping[str, int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Force-linked and force-separated row pairs; overrides naming a record not present are left out
    (they hold again when the record comes back)."""
    linked, separated = [], []
    for override in effective(overrides):
        if override.first in row_of and override.second in row_of:
            pair = (row_of[override.first], row_of[override.second])
            (linked if override.kind is OverrideKind.LINK else separated).append(pair)
    return linked, separated


def override_events(
    overrides: Sequence[Override], recorded: Iterable[str], id_of: Mapping[str, str]
) -> list[LedgerEvent]:
    """A `forced_link` or `unlinked` event for each holding override the ledger has not recorded yet:
    `customer_id` is the first record's id after this run, `other_id` the second's."""
    done = set(recorded)
    events = []
    for override in effective(overrides):
        if override.override_id in done or override.first not in id_of or override.second not in id_of:
            continue
        kind = LedgerEventType.FORCED_LINK if override.kind is OverrideKind.LINK else LedgerEventType.UNLINKED
        events.append(
            LedgerEvent(
                kind, id_of[override.first], id_of[override.second], override.pair, override.evidence()
            )
        )
    return events


def recorded_overrides(evidence: Iterable[str | None]) -> set[str]:
    """Override ids named in the evidence of earlier ledger events."""
    found = set()
    for text in evidence:
        if text and text.startswith("{") and '"override"' in text:
            found.add(json.loads(text)["override"])
    return found
