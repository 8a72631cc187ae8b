"""What a destination should hold for a segment, and what to send it so that it does.

A destination's audience is the segment's members who consent to the destination's channel and
purpose, each with the record the destination gets. Comparing it with the audience sent last time
gives the adds and removes: someone who withdraws consent is removed once, even while still a
member; someone without consent is never sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cdp.activate.formats import customer_match_record, field_record, mapped_record
from cdp.config import (
    CrmUpsertDestination,
    CustomerMatchDestination,
    DestinationConfig,
    FileExportDestination,
    WebhookDestination,
)
from cdp.golden.consent import permits

Audience = dict[str, dict[str, Any]]  # customer_id -> the record the destination holds


def record_builder(config: DestinationConfig) -> Callable[[Mapping[str, Any]], dict[str, Any] | None]:
    """The destination's record for one golden contact (None when the person cannot be sent)."""
    match config:
        case CustomerMatchDestination(platform=platform):
            return lambda profile: customer_match_record(profile, platform)
        case CrmUpsertDestination(mapping=mapping):
            return lambda profile: mapped_record(profile, mapping)
        case WebhookDestination(fields=fields) | FileExportDestination(fields=fields):
            return lambda profile: {**field_record(profile, fields), "customer_id": profile["customer_id"]}
    raise TypeError(f"no record format for destination type {type(config).__name__}")


def build_audience(
    config: DestinationConfig, members: Iterable[str], profiles: Mapping[str, Mapping[str, Any]]
) -> Audience:
    """The records the destination should hold: members with a golden record and the consent it needs."""
    build = record_builder(config)
    audience: Audience = {}
    for customer_id in sorted(set(members)):
        profile = profiles.get(customer_id)
        if profile is None:
            continue
        if config.consent and not permits(
            profile.get("consents"), config.consent.channel, config.consent.purpose
        ):
            continue
        record = build(profile)
        if record is not None:
            audience[customer_id] = record
    return audience


@dataclass(frozen=True)
class AudiencePlan:
    """Records to add (or update) and to remove, in customer_id order."""

    add: list[dict[str, Any]]
    remove: list[dict[str, Any]]


def plan_audience(
    previous: Audience, current: Audience, *, full_resync: bool = False, replace_changed: bool = False
) -> AudiencePlan:
    """Adds and removes that take the destination from `previous` to `current`.

    Removes carry the record the destination was sent, so it can find what to drop even when the
    person has left the golden records. A member whose record changed is sent again as an add (an
    upsert); with `replace_changed` (hashed identifiers, where the record is the identity) the old
    record is removed too. `full_resync` sends every current record, not only the changes.
    """
    add, remove = [], []
    for customer_id in sorted(previous.keys() | current.keys()):
        before, now = previous.get(customer_id), current.get(customer_id)
        if now is None:
            remove.append(before)
        elif before is None or before != now or full_resync:
            add.append(now)
            if replace_changed and before is not None and before != now:
                remove.append(before)
    return AudiencePlan(add, [r for r in remove if r is not None])
