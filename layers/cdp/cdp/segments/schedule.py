"""A segment's refresh schedule: with every unify run, or at most once per `rate(N unit)`.

The unify workflow runs on its own schedule (UnifySchedule); a segment with a longer rate keeps its
members between refreshes, so tools that cannot take daily changes get them weekly, say.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

EVERY_RUN = "with every unify run"
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")


def refresh_interval(schedule: str) -> timedelta | None:
    """The least time between two refreshes (None: every run); ValueError on an unknown schedule."""
    if schedule == EVERY_RUN:
        return None
    match = _RATE.match(schedule)
    if not match:
        raise ValueError(f"schedule must be {EVERY_RUN!r} or rate(N minutes|hours|days), not {schedule!r}")
    count, unit = int(match.group(1)), match.group(2).rstrip("s")
    if count < 1:
        raise ValueError(f"schedule {schedule!r}: the rate must be at least 1")
    return timedelta(**{f"{unit}s": count})


def is_due(schedule: str, last_refreshed: datetime | None, now: datetime) -> bool:
    """Whether a segment is evaluated in a run starting `now`."""
    interval = refresh_interval(schedule)
    return interval is None or last_refreshed is None or now - last_refreshed >= interval
