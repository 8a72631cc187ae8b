"""Membership deltas: who entered, stayed in or exited a segment since the previous run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MembershipDelta:
    """A segment's change between two runs (each list sorted, for stable batches downstream)."""

    entered: list[str]
    stayed: list[str]
    exited: list[str]

    @property
    def size(self) -> int:
        """Members after the run."""
        return len(self.entered) + len(self.stayed)

    def rows(self, segment: str, run_id: str) -> list[dict[str, str]]:
        """Rows of the segment_membership table: current members and those who just left."""
        return [
            {"segment": segment, "customer_id": cid, "status": status, "run_id": run_id}
            for status, ids in (("entered", self.entered), ("stayed", self.stayed), ("exited", self.exited))
            for cid in ids
        ]


def membership_delta(previous: Iterable[str], current: Iterable[str]) -> MembershipDelta:
    """Compare the previous members of a segment (not counting those who had exited) with the current ones."""
    before, now = set(previous), set(current)
    return MembershipDelta(sorted(now - before), sorted(now & before), sorted(before - now))
