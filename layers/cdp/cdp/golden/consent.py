"""Consent: what a person allowed, per channel and purpose; the latest statement wins.

A golden contact carries every consent statement that reached it (``consents``: channel, purpose,
granted, occurred_at and the source record). Activation asks :func:`permits` before sending anyone
anywhere; with no statement for the channel and purpose the answer is no.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

_UNDATED = datetime.min.replace(tzinfo=UTC)


def permits(consents: Iterable[Mapping[str, Any]] | None, channel: str, purpose: str | None = None) -> bool:
    """Whether the latest statement covering this channel and purpose granted it.

    A statement without a channel covers every channel, one without a purpose every purpose; among the
    statements that cover the request, the most recent decides (an undated one counts as the oldest, a
    refusal wins a tie). No covering statement means no consent.
    """
    covering = [
        statement
        for statement in consents or ()
        if statement.get("granted") is not None
        and statement.get("channel") in (None, channel)
        and (purpose is None or statement.get("purpose") in (None, purpose))
    ]
    if not covering:
        return False
    latest = max(covering, key=lambda s: (s.get("occurred_at") or _UNDATED, not s["granted"]))
    return bool(latest["granted"])
