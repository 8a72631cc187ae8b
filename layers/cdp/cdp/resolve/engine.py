"""The resolution engine: staged records in, one entity id per record and explained links out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jellyfish
import pyarrow as pa
from unidecode import unidecode

from cdp.resolve.blocking import BlockingReport, candidate_pairs
from cdp.resolve.cluster import ClusterReport, cluster
from cdp.resolve.compare import compare, probability, weight
from cdp.resolve.settings import ResolutionSettings


@dataclass(frozen=True)
class Link:
    """A scored pair of records, with the evidence for each field."""

    left: int
    right: int
    match_weight: float
    match_probability: float
    rule: str
    accepted: bool
    explanation: dict[str, Any]


@dataclass
class Resolution:
    """The outcome of a run: one id per input record, the links, and reports."""

    ids: list[str]
    links: list[Link]
    blocking: BlockingReport
    clustering: ClusterReport
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def entity_count(self) -> int:
        """How many distinct entities the records resolve to."""
        return len(set(self.ids))


def _text(values: Sequence[Any]) -> list[str | None]:
    out: list[str | None] = []
    for value in values:
        if value is None:
            out.append(None)
        elif hasattr(value, "isoformat"):
            out.append(value.isoformat())
        else:
            text = str(value).strip()
            out.append(text or None)
    return out


def _derived_columns(table: pa.Table) -> dict[str, list[str | None]]:
    """String columns the rules and comparisons read, including keys derived from the staged ones."""
    columns = {name: _text(table.column(name).to_pylist()) for name in table.column_names}
    size = table.num_rows
    last = columns.get("last_name_key", [None] * size)
    columns["last_name_sound"] = [jellyfish.metaphone(v) if v else None for v in last]
    street = columns.get("street", [None] * size)
    columns["street_key"] = [" ".join(unidecode(v).lower().split()) if v else None for v in street]
    for valid_flag, value_field in (("email_valid", "email_key"), ("phone_valid", "phone")):
        # Invalid identifiers are no evidence: they do not block, compare or conflict.
        if valid_flag in columns and value_field in columns:
            columns[value_field] = [
                v if flag == "True" else None
                for v, flag in zip(columns[value_field], columns[valid_flag], strict=True)
            ]
    if "birth_date_valid" in columns and "birth_date" in columns:
        columns["birth_date"] = [
            v if flag == "True" else None
            for v, flag in zip(columns["birth_date"], columns["birth_date_valid"], strict=True)
        ]
    return columns


def _entity_id(prefix: str, member_keys: Sequence[str]) -> str:
    """A deterministic id from the cluster's smallest source key: unchanged input, unchanged ids."""
    digest = hashlib.sha256(min(member_keys).encode()).hexdigest()[:16]
    return f"{prefix}-{digest}"


def resolve_records(table: pa.Table, settings: ResolutionSettings) -> Resolution:
    """Resolve staged records of one entity into clusters.

    Args:
        table: staged rows (at least `source` and `source_id`, plus the fields the settings name).
        settings: blocking rules, comparisons, thresholds and guards.

    Returns:
        One id per row (in row order), every scored candidate link, and blocking/clustering reports.
    """
    size = table.num_rows
    columns = _derived_columns(table)
    empty: list[str | None] = [None] * size
    field_names = {f for rule in settings.blocking_rules for f in rule}
    field_names |= {c.field for c in settings.comparisons}
    field_names |= {f for rule in settings.deterministic_rules for f in rule.fields}
    for name in field_names:
        columns.setdefault(name, empty)

    pairs, blocking_report = candidate_pairs(columns, settings.blocking_rules, settings.max_block_size)
    deterministic: dict[tuple[int, int], str] = {}
    for rule in settings.deterministic_rules:
        rule_pairs, _ = candidate_pairs(columns, [rule.fields], max_block_size=10_000)
        for pair in rule_pairs:
            deterministic.setdefault(pair, rule.name)
    pairs |= deterministic.keys()

    links: list[Link] = []
    for left, right in sorted(pairs):
        total = settings.prior_weight
        explanation: dict[str, Any] = {"prior": settings.prior_weight, "fields": []}
        for comparison in settings.comparisons:
            level = compare(comparison, columns[comparison.field][left], columns[comparison.field][right])
            if level is None:
                explanation["fields"].append({"field": comparison.field, "level": "missing", "weight": 0.0})
                continue
            w = weight(level)
            total += w
            explanation["fields"].append(
                {"field": comparison.field, "level": level.name, "weight": round(w, 3)}
            )
        explanation["total"] = round(total, 3)
        rule = deterministic.get((left, right))
        accepted = rule is not None or total >= settings.match_weight_threshold
        links.append(Link(left, right, total, probability(total), rule or "score", accepted, explanation))

    conflicts = [columns[f] for f in settings.conflict_fields]
    # Deterministic links go first: they outrank any score.
    accepted = [
        (link.left, link.right, 1e9 if link.rule != "score" else link.match_weight)
        for link in links
        if link.accepted
    ]
    labels, cluster_report = cluster(size, accepted, conflicts, settings.max_cluster_size)

    sources, source_ids = columns["source"], columns["source_id"]
    keys_by_label: dict[int, list[str]] = {}
    for index, label in enumerate(labels):
        keys_by_label.setdefault(label, []).append(f"{sources[index]}\x1f{source_ids[index]}")
    id_by_label = {label: _entity_id(settings.id_prefix, keys) for label, keys in keys_by_label.items()}
    return Resolution(
        ids=[id_by_label[label] for label in labels],
        links=links,
        blocking=blocking_report,
        clustering=cluster_report,
        settings=json.loads(json.dumps(settings.to_dict())),
    )
