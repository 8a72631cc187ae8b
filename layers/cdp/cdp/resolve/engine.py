"""The resolution engine: staged records in, one entity id per record and explained links out.

Steps, each its own module: factorize the fields (`columns`), block (`blocking`), compare every
candidate pair on every field (`compare`), estimate m/u, the prior and term frequencies (`training`),
score with vetoes and deterministic rules, cluster without chaining (`cluster`), and explain any pair
from the trained model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cdp._gc import no_cycle_collection
from cdp.resolve.blocking import (
    BlockingReport,
    block_sizes,
    blocks_touching,
    candidate_pairs,
    found_by_rules,
    pairs_left_behind,
    pairs_within_groups,
    pushed_over_cap,
)
from cdp.resolve.cluster import ClusterReport, CompatibleField, cluster
from cdp.resolve.columns import (
    Field,
    agree,
    combine_around,
    distinct_sorted,
    record_fields,
    source_columns,
)
from cdp.resolve.compare import comparison_levels, levels_of_value_pairs, probability, swapped_pairs
from cdp.resolve.ledger import NO_EVENTS, LedgerEvents, PreviousIds, assign_ids, record_key_column
from cdp.resolve.overrides import Override, OverrideKind, constraint_pairs, effective, override_events
from cdp.resolve.settings import ResolutionSettings
from cdp.resolve.training import Model, estimate_m_and_prior, estimate_u, prior_model, term_frequencies

SCORE = -1  # rule index of a pair linked by its score, not by a deterministic rule
NO_VETO = -1
DETERMINISTIC_CAP = 10_000  # a deterministic rule's group beyond this is a shared placeholder value


def _number_text(values: np.ndarray, decimals: int) -> pa.Array:
    """Rounded numbers as JSON number text (Arrow formats them in C++)."""
    return pc.cast(pa.array(np.round(values, decimals) + 0.0), pa.string())


def named(codes: np.ndarray, names: list[str]) -> pa.Array:
    """names[code] per element; the extra last name is taken for code -1."""
    return pa.array(names, pa.string()).take(pa.array(np.where(codes < 0, len(names) - 1, codes)))


@dataclass
class ScoredPairs:
    """Every candidate pair: its level per comparison, total weight, rule, veto and decision."""

    left: np.ndarray
    right: np.ndarray
    levels: np.ndarray
    match_weight: np.ndarray
    rule: np.ndarray
    veto: np.ndarray
    accepted: np.ndarray
    names_swapped: np.ndarray
    identified: np.ndarray

    def __len__(self) -> int:
        return len(self.left)

    @property
    def match_probability(self) -> np.ndarray:
        return probability(self.match_weight)

    def take(self, keep: np.ndarray) -> ScoredPairs:
        """The pairs of `keep` (a mask or indexes), as copies: the others can be freed."""
        return _subset(self, keep)


@dataclass
class Resolution:
    """The outcome of a run: one id per input record, the scored pairs, the model and reports."""

    ids: list[str]
    pairs: ScoredPairs
    model: Model
    blocking: BlockingReport
    clustering: ClusterReport
    settings: ResolutionSettings
    fields: dict[str, Field]
    events: LedgerEvents = field(default_factory=lambda: NO_EVENTS)
    # How many distinct entities the records resolve to (counted from the cluster labels: a set of a
    # million id strings takes half a second).
    entity_count: int = 0

    @property
    def accepted_links(self) -> int:
        return int(self.pairs.accepted.sum())

    def weight_matrix(self, index: np.ndarray) -> np.ndarray:
        """Per pair of `index` and per comparison: the weight it contributed."""
        pairs = self.pairs
        return np.column_stack(
            [
                comparison_weights(
                    self.settings, self.fields, self.model, c, pairs.left[index], pairs.levels[index, c]
                )
                for c in range(len(self.settings.comparisons))
            ]
        )

    def explanation(self, k: int) -> dict[str, Any]:
        """Why pair k scored what it did: the prior, each field's level and weight, vetoes and rules."""
        return json.loads(self.explanations(np.array([k]))[0].as_py())

    def explanations(self, index: np.ndarray, chunk: int = 500_000) -> pa.ChunkedArray:
        """The explanation of each pair of `index` as JSON text, built column-wise for millions of links
        in seconds (in chunks: one Arrow string array holds at most 2 GB)."""
        return pa.chunked_array(
            [self._explanations(index[start : start + chunk]) for start in range(0, len(index), chunk)],
            pa.string(),
        )

    def _explanations(self, index: np.ndarray) -> pa.Array:
        pairs, settings = self.pairs, self.settings
        weights = self.weight_matrix(index)
        pieces: list[pa.Array | str] = []
        for c, comparison in enumerate(settings.comparisons):
            level_names = [f'"{level.name}"' for level in comparison.levels] + ['"missing"']
            pieces += [
                ("," if c else "") + f'{{"field":"{comparison.field}","level":',
                named(pairs.levels[index, c].astype(np.int64), level_names),
                ',"weight":',
                _number_text(weights[:, c], 3),
                "}",
            ]
        veto_names = [f',"veto":{json.dumps(v.name)}' for v in settings.vetoes] + [""]
        rule_names = [f',"rule":{json.dumps(r.name)}' for r in settings.deterministic_rules] + [""]
        match_weight = pairs.match_weight[index]
        pieces = [
            f'{{"prior":{round(self.model.prior_weight, 3)},"fields":[',
            *pieces,
            '],"total":',
            _number_text(match_weight, 3),
            ',"probability":',
            _number_text(probability(match_weight), 6),
            named(pairs.names_swapped[index].astype(np.int64), ["", ',"names_swapped":true']),
            named(pairs.identified[index].astype(np.int64), ["", ',"identified":true']),
            named(pairs.veto[index].astype(np.int64), veto_names),
            named(pairs.rule[index].astype(np.int64), rule_names),
            "}",
        ]
        # Constant pieces broadcast as scalars: no array of copies per piece.
        arrays = [pa.scalar(p, pa.string()) if isinstance(p, str) else p for p in pieces]
        return pc.binary_join_element_wise(*arrays, "")

    def rule_name(self, k: int) -> str:
        rule = int(self.pairs.rule[k])
        return "score" if rule == SCORE else self.settings.deterministic_rules[rule].name


def field_names(settings: ResolutionSettings) -> set[str]:
    """The fields (`cdp.resolve.columns.record_fields`) the settings block, compare or cluster on."""
    names = {"source"}  # not source_id: every record has its own, no rule compares it
    names |= {name for rule in settings.blocking_rules for name in rule.fields + rule.refine}
    names |= {c.field for c in settings.comparisons}
    names |= {name for rule in settings.deterministic_rules for name in rule.fields}
    names |= set(settings.conflict_fields) | set(settings.compatible_fields)
    return names


def input_columns(settings: ResolutionSettings) -> set[str]:
    """The staged columns a resolution with these settings reads (the others need not be loaded)."""
    return source_columns(field_names(settings)) | {"source_id"}


def _with_deterministic_pairs(
    settings: ResolutionSettings,
    fields: dict[str, Field],
    left: np.ndarray,
    right: np.ndarray,
    touching: np.ndarray | None = None,
    report: BlockingReport | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs plus every pair a deterministic rule links, which blocking may have missed.

    With touching records and a report, the records of the groups they push over the cap are added
    to its `pushed_over_cap`, as blocking does for its own blocks."""
    size = len(fields["source"].codes)
    encoded = [left * size + right]
    for rule in settings.deterministic_rules:
        keys = blocks_touching(combine_around([fields[n] for n in rule.fields], touching), touching)
        rule_left, rule_right, _ = pairs_within_groups(keys, DETERMINISTIC_CAP, touching)
        encoded.append(rule_left * size + rule_right)
        if touching is not None and report is not None and report.pushed_over_cap is not None:
            report.pushed_over_cap |= pushed_over_cap(keys, DETERMINISTIC_CAP, touching)
    merged = distinct_sorted(np.concatenate(encoded))
    return merged // max(size, 1), merged % max(size, 1)


def _levels(
    settings: ResolutionSettings, fields: dict[str, Field], left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Level of every pair on every comparison, and which pairs were compared with names swapped."""
    levels = np.empty((len(left), len(settings.comparisons)), dtype=np.int8)
    for c, comparison in enumerate(settings.comparisons):
        levels[:, c] = comparison_levels(comparison, fields[comparison.field], left, right)
    swapped = np.zeros(len(left), dtype=bool)
    if settings.swappable:
        first_name, last_name = settings.swappable
        first, last = settings.comparison(first_name), settings.comparison(last_name)
        swapped = swapped_pairs(
            fields[first_name], fields[last_name], left, right, min(first.close, last.close)
        )
        for name in settings.swappable:
            c = settings.comparison_index(name)
            # Crosswise agreement counts as `close` on both names: strong, and visibly not `exact`.
            close = next(k for k, level in enumerate(settings.comparisons[c].levels) if level.name == "close")
            levels[swapped, c] = close
    return levels, swapped


def comparison_weights(
    settings: ResolutionSettings,
    fields: dict[str, Field],
    model: Model,
    c: int,
    left: np.ndarray,
    levels: np.ndarray,
) -> np.ndarray:
    """The weight of comparison c for each pair (0 when missing; term frequency at the exact level)."""
    weights = np.r_[model.weights(c), 0.0]  # index -1 (missing) reads the trailing 0
    contribution = weights[levels]
    if c in model.term_frequencies:
        exact = np.flatnonzero(levels == 0)
        codes = fields[settings.comparisons[c].field].codes[left[exact]]
        frequency = model.term_frequencies[c][codes]
        floor = model.tf_floor(c, settings)
        contribution[exact] = np.log2(model.m[c][0] / np.maximum(frequency, floor))
    return contribution


def _score(
    settings: ResolutionSettings, fields: dict[str, Field], model: Model, left: np.ndarray, levels: np.ndarray
) -> np.ndarray:
    total = np.full(len(left), model.prior_weight, dtype=np.float64)
    for c in range(len(settings.comparisons)):
        total += comparison_weights(settings, fields, model, c, left, levels[:, c])
    return total


def _reached(
    settings: ResolutionSettings, levels: np.ndarray, conditions: tuple[tuple[str, tuple[str, ...]], ...]
) -> np.ndarray:
    """Pairs whose comparisons reach, for every (field, level names) condition, one of those levels."""
    hit = np.ones(len(levels), dtype=bool)
    for name, level_names in conditions:
        c = settings.comparison_index(name)
        wanted = [k for k, level in enumerate(settings.comparisons[c].levels) if level.name in level_names]
        hit &= np.isin(levels[:, c], wanted)
    return hit


def _identified(settings: ResolutionSettings, levels: np.ndarray) -> np.ndarray:
    identified = np.zeros(len(levels), dtype=bool)
    for condition in settings.identifying:
        identified |= _reached(settings, levels, (condition,))
    return identified


def _vetoes(settings: ResolutionSettings, levels: np.ndarray, identified: np.ndarray) -> np.ndarray:
    veto = np.full(len(levels), NO_VETO, dtype=np.int16)
    for number, rule in reversed(list(enumerate(settings.vetoes))):
        veto[_reached(settings, levels, rule.conditions) & ~identified] = number  # the first listed wins
    return veto


def _deterministic(
    settings: ResolutionSettings, fields: dict[str, Field], left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    rule = np.full(len(left), SCORE, dtype=np.int16)
    for number, deterministic in reversed(list(enumerate(settings.deterministic_rules))):
        rule[agree(fields, deterministic.fields, left, right)] = number  # the first listed wins
    return rule


def _compatible_fields(settings: ResolutionSettings, fields: dict[str, Field]) -> list[CompatibleField]:
    out: list[CompatibleField] = []
    for name in settings.compatible_fields:
        comparison, values = settings.comparison(name), fields[name].values
        different = len(comparison.levels) - 1

        @lru_cache(maxsize=200_000)
        def compatible(a: int, b: int, comparison=comparison, values=values, different=different) -> bool:
            level = levels_of_value_pairs(comparison, values, np.array([a]), np.array([b]))[0]
            return int(level) != different

        out.append(CompatibleField(fields[name].codes, compatible))
    return out


def train(
    settings: ResolutionSettings,
    fields: dict[str, Field],
    size: int,
    levels: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
) -> Model:
    """The model a run scores with: estimated when there are enough candidate pairs, else the priors."""
    model = prior_model(settings, size)
    if settings.train and len(left) >= settings.min_pairs_to_train:
        estimate_u(settings, fields, size, model)
        estimate_m_and_prior(settings, fields, levels, left, right, model)
        model.trained = True
    else:
        model.notes.append(f"not trained: {len(left)} candidate pairs < {settings.min_pairs_to_train}")
    term_frequencies(settings, fields, model)
    return model


def _scored_pairs(
    settings: ResolutionSettings,
    fields: dict[str, Field],
    model: Model,
    left: np.ndarray,
    right: np.ndarray,
    levels: np.ndarray,
    swapped: np.ndarray,
) -> ScoredPairs:
    match_weight = _score(settings, fields, model, left, levels)
    identified = _identified(settings, levels)
    veto = _vetoes(settings, levels, identified)
    rule = _deterministic(settings, fields, left, right)
    threshold = math.log2(settings.match_probability_threshold / (1 - settings.match_probability_threshold))
    accepted = (rule != SCORE) | ((veto == NO_VETO) & (match_weight >= threshold))
    return ScoredPairs(left, right, levels, match_weight, rule, veto, accepted, swapped, identified)


def _cluster_rows(
    settings: ResolutionSettings,
    fields: dict[str, Field],
    pairs: ScoredPairs,
    rows: np.ndarray,
    linked: Sequence[tuple[int, int]],
    separated: Sequence[tuple[int, int]],
) -> tuple[np.ndarray, ClusterReport]:
    """Cluster the records `rows` (sorted) over the accepted pairs among them and the overrides.

    Rows are renumbered in their order, so ties break as in a run over every record.
    """
    position = np.full(len(fields["source"].codes), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    accepted = pairs.accepted & (position[pairs.left] >= 0) & (position[pairs.right] >= 0)
    with no_cycle_collection():
        return cluster(
            len(rows),
            position[pairs.left[accepted]],
            position[pairs.right[accepted]],
            pairs.match_weight[accepted],
            conflicts=[fields[name].codes[rows] for name in settings.conflict_fields],
            compatibles=[
                CompatibleField(item.codes[rows], item.compatible)
                for item in _compatible_fields(settings, fields)
            ],
            max_cluster_size=settings.max_cluster_size,
            deterministic=(pairs.rule[accepted] != SCORE) | pairs.identified[accepted],
            force_linked=[(int(position[a]), int(position[b])) for a, b in linked if position[a] >= 0],
            force_separated=[(int(position[a]), int(position[b])) for a, b in separated if position[a] >= 0],
        )


class _Evidence:
    """The evidence ledger events record: the strongest accepted link, or the override, that joins two
    groups of records; the override or the lack of a link that keeps them apart."""

    def __init__(
        self, table: pa.Table, pairs: ScoredPairs, settings: ResolutionSettings, overrides: Sequence[Override]
    ) -> None:
        self.table, self.pairs, self.settings = table, pairs, settings
        self.holding = effective(overrides)

    # Built on first use: a first run without overrides records no merge or split and needs none of it.
    @cached_property
    def keys(self) -> list[str]:
        return _keys(self.table)

    @cached_property
    def _links_by_row(self) -> tuple[np.ndarray, np.ndarray]:
        """The accepted links by record: link indexes, and the sorted record at each end."""
        accepted = np.flatnonzero(self.pairs.accepted)
        ends = np.concatenate([self.pairs.left[accepted], self.pairs.right[accepted]])
        return np.concatenate([accepted, accepted])[np.argsort(ends, kind="stable")], np.sort(ends)

    def _links_of(self, rows: Sequence[int]) -> np.ndarray:
        by_row, row_ends = self._links_by_row
        rows_array = np.asarray(rows, dtype=np.int64)
        starts = np.searchsorted(row_ends, rows_array, "left")
        stops = np.searchsorted(row_ends, rows_array, "right")
        return np.concatenate([by_row[a:b] for a, b in zip(starts, stops, strict=True)] or [[]]).astype(
            np.int64
        )

    def _override(self, kind: OverrideKind, one: Sequence[int], other: Sequence[int]) -> Override | None:
        first, second = {self.keys[r] for r in one}, {self.keys[r] for r in other}
        return next(
            (
                o
                for o in self.holding
                if o.kind is kind
                and ((o.first in first and o.second in second) or (o.first in second and o.second in first))
            ),
            None,
        )

    def merged(self, staying: Sequence[int], moved: Sequence[int]) -> str:
        forced = self._override(OverrideKind.LINK, staying, moved)
        if forced is not None:
            return forced.evidence()
        links = self._links_of(moved)
        pairs, staying_set = self.pairs, set(staying)
        bridging = [k for k in links.tolist() if {int(pairs.left[k]), int(pairs.right[k])} & staying_set]
        if not bridging:
            return json.dumps({"reason": "joined through other records of the cluster"})
        k = max(bridging, key=lambda j: (float(pairs.match_weight[j]), -j))
        rule = int(pairs.rule[k])
        return json.dumps(
            {
                "link": [self.keys[int(pairs.left[k])], self.keys[int(pairs.right[k])]],
                "rule": "score" if rule == SCORE else self.settings.deterministic_rules[rule].name,
                "match_weight": round(float(pairs.match_weight[k]), 3),
            }
        )

    def split(self, remaining: Sequence[int], moved: Sequence[int]) -> str:
        separated = self._override(OverrideKind.SEPARATE, remaining, moved)
        if separated is not None:
            return separated.evidence()
        return json.dumps({"reason": "no accepted link joins these records to the rest any more"})


def _identify(
    table: pa.Table,
    settings: ResolutionSettings,
    labels: np.ndarray,
    pairs: ScoredPairs,
    previous: PreviousIds,
    overrides: Sequence[Override],
    recorded_overrides: set[str],
    issued_before: set[str] | None = None,
) -> tuple[list[str], LedgerEvents]:
    with no_cycle_collection():
        evidence = _Evidence(table, pairs, settings, overrides)
        assignment = assign_ids(
            settings.id_prefix,
            table.column("source"),
            table.column("source_id"),
            labels,
            previous,
            evidence.merged,
            evidence.split,
            issued_before or set(),
        )
        if not overrides:
            return assignment.ids, assignment.events
        id_of = dict(zip(evidence.keys, assignment.ids, strict=True))
        return assignment.ids, assignment.events + override_events(overrides, recorded_overrides, id_of)


def _keys(table: pa.Table) -> list[str]:
    return record_key_column(table).to_pylist()


def _row_of(table: pa.Table) -> dict[str, int]:
    return {key: row for row, key in enumerate(_keys(table))}


def resolve_records(
    table: pa.Table,
    settings: ResolutionSettings,
    model: Model | None = None,
    previous: PreviousIds | None = None,
    overrides: Sequence[Override] = (),
    recorded_overrides: set[str] | None = None,
) -> Resolution:
    """Resolve staged records of one entity into clusters.

    Args:
        table: staged rows (at least `source` and `source_id`, plus the fields the settings name).
        settings: blocking rules, comparisons, rules, vetoes, thresholds and guards.
        model: a model to score with instead of training one (with its term frequencies, if it holds them).
        previous: the previous run's ids: clusters keep them by the rule of `cdp.resolve.ledger`.
        overrides: force-links and force-separations clustering must honour.
        recorded_overrides: ids of the overrides the ledger already holds an event for.

    Returns:
        One id per row (in row order), every scored candidate pair, the model, reports and the ledger
        events of the run.
    """
    size = table.num_rows
    fields = record_fields(table, field_names(settings))
    left, right, blocking_report = candidate_pairs(fields, settings.blocking_rules, settings.max_block_size)
    left, right = _with_deterministic_pairs(settings, fields, left, right)
    levels, swapped = _levels(settings, fields, left, right)
    if model is None:
        model = train(settings, fields, size, levels, left, right)
    else:
        term_frequencies(settings, fields, model)

    pairs = _scored_pairs(settings, fields, model, left, right, levels, swapped)
    linked, separated = constraint_pairs(overrides, _row_of(table)) if overrides else ([], [])
    labels, cluster_report = _cluster_rows(settings, fields, pairs, np.arange(size), linked, separated)
    ids, events = _identify(
        table, settings, labels, pairs, previous or PreviousIds(), overrides, recorded_overrides or set()
    )
    entities = _distinct_count(labels)
    return Resolution(ids, pairs, model, blocking_report, cluster_report, settings, fields, events, entities)


def _distinct_count(labels: np.ndarray) -> int:
    """How many distinct values non-negative labels hold (bounded by the record count: a count per
    value, not numpy's hash-based unique, ten times slower on a million labels)."""
    return int(np.count_nonzero(np.bincount(labels))) if len(labels) else 0


def _reach(seeds: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Records connected to a seed record through the links (whole connected components)."""
    reached = seeds.copy()
    while True:
        grown = reached.copy()
        grown[right[reached[left]]] = True
        grown[left[reached[right]]] = True
        if (grown == reached).all():
            return reached
        reached = grown


def _subset(pairs: ScoredPairs, keep: np.ndarray, position: np.ndarray | None = None) -> ScoredPairs:
    """The pairs of `keep` (a mask or indexes), their records renumbered by `position` when given."""
    subset = ScoredPairs(
        *(
            getattr(pairs, name)[keep]
            for name in ("left", "right", "levels", "match_weight", "rule", "veto", "accepted")
            + ("names_swapped", "identified")
        )
    )
    if position is not None:
        subset.left, subset.right = position[subset.left], position[subset.right]
    return subset


def _concat(first: ScoredPairs, second: ScoredPairs) -> ScoredPairs:
    return ScoredPairs(
        *(
            np.concatenate([getattr(first, name), getattr(second, name)])
            for name in ("left", "right", "levels", "match_weight", "rule", "veto", "accepted")
            + ("names_swapped", "identified")
        )
    )


def _found_by_deterministic_rules(
    settings: ResolutionSettings, fields: dict[str, Field], left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Pairs a deterministic rule adds over every record (agreeing on its fields, in a group within
    the cap of `_with_deterministic_pairs`)."""
    found = np.zeros(len(left), dtype=bool)
    paired = np.zeros(len(fields["source"].codes), dtype=bool)
    paired[left] = True
    for rule in settings.deterministic_rules:
        keys = combine_around([fields[n] for n in rule.fields], paired)
        found |= agree(fields, rule.fields, left, right) & (block_sizes(keys)[left] <= DETERMINISTIC_CAP)
    return found


def _rows_of(table: pa.Table, keys: Sequence[str]) -> dict[str, int]:
    """The row of each of `keys` (record keys) present in the table, found column-wise."""
    rows = pc.index_in(pa.array(list(keys), pa.string()), value_set=record_key_column(table)).to_pylist()
    return {key: row for key, row in zip(keys, rows, strict=True) if row is not None}


@dataclass
class IncrementalResolution:
    """An incremental run: the resolution (its pairs are the new and the re-scored ones, its ids every
    record's) and, per stored pair given, whether it is stale (a fresh record's, re-scored, or no longer
    found by blocking): the stored links to drop."""

    resolution: Resolution
    stale: np.ndarray


def resolve_incremental(
    table: pa.Table,
    fresh: np.ndarray,
    stored_pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    previous_row_ids: pa.Array,
    previous: PreviousIds,
    settings: ResolutionSettings,
    model: Model,
    overrides: Sequence[Override] = (),
    recorded_overrides: set[str] | None = None,
    fields: dict[str, Field] | None = None,
    previous_fields: dict[str, Field] | None = None,
) -> IncrementalResolution:
    """Add new or changed records to a resolved set without redoing the rest.

    With a model holding its term frequencies (see `training.term_frequencies`), an earlier pair's
    score cannot change, so the result is a run of `resolve_records` on the union with that model:

    * only the pairs with a fresh record are generated (from the blocks fresh records are in, whole, so
      caps and refinements are the union's) and scored;
    * earlier links that the union's blocking no longer finds (a block the new records push over its
      cap) are dropped;
    * the records those pairs, the dropped links, the overrides and fresh records touch, with their
      previous clusters and the connected components of the links between them, are clustered again
      (their earlier links re-scored, for exact weights) and only they go through the id rule; every
      other record keeps its cluster and its id.

    Args:
        table: every record: the stored ones, changed ones in place, then new ones (only `source` and
            `source_id` are read when `fields` are given).
        fresh: per record, whether it is new or changed.
        stored_pairs: the previous run's stored links as row pairs, and whether each was accepted.
        previous_row_ids: per record, its previous id (null for a new record).
        previous: the previous ids' creation times (`created`); its `ids` may be left empty.
        settings, model: the stored settings and model.
        overrides, recorded_overrides: as for `resolve_records`.
        fields: the records' fields (`field_names`), when known (see `cdp.resolve.columns.extend_fields`);
            None: factorized from `table`.
        previous_fields: the stored records' fields before this run (changed records in their old
            version), to find the pairs a changed record's leaving brings back within a block's cap
            (`blocking.pairs_left_behind`); None: no stored record changed.
    """
    if fields is None:
        fields = record_fields(table, field_names(settings))
    term_frequencies(settings, fields, model)
    left, right, blocking_report = candidate_pairs(
        fields, settings.blocking_rules, settings.max_block_size, touching=fresh
    )
    left, right = _with_deterministic_pairs(settings, fields, left, right, fresh, blocking_report)
    behind = np.zeros(0, dtype=np.int64)
    if previous_fields is not None:
        behind_left, behind_right = pairs_left_behind(
            previous_fields, fields, settings.blocking_rules, settings.max_block_size, fresh
        )
        behind = np.unique(np.r_[behind_left, behind_right])
        pair_codes = np.union1d(left * len(fresh) + right, behind_left * len(fresh) + behind_right)
        left, right = pair_codes // len(fresh), pair_codes % len(fresh)
    levels, swapped = _levels(settings, fields, left, right)
    new_pairs = _scored_pairs(settings, fields, model, left, right, levels, swapped)

    stored_left, stored_right, stored_accepted = stored_pairs
    of_fresh = fresh[stored_left] | fresh[stored_right]
    # Every stored link was found when it was made; it can be lost only in a block that the fresh
    # records pushed over its cap (a block a changed record left only shrank).
    pushed = blocking_report.pushed_over_cap
    assert pushed is not None  # blocking with touching records reports them
    recheck = np.flatnonzero(~of_fresh & pushed[stored_left])
    found = np.ones(len(stored_left), dtype=bool)
    found[recheck] = found_by_rules(
        fields, settings.blocking_rules, settings.max_block_size, stored_left[recheck], stored_right[recheck]
    ) | _found_by_deterministic_rules(settings, fields, stored_left[recheck], stored_right[recheck])
    kept = stored_accepted & ~of_fresh & found
    lost = stored_accepted & ~of_fresh & ~found
    old_left, old_right = stored_left[kept], stored_right[kept]

    override_keys = sorted({key for o in overrides for key in (o.first, o.second)})
    linked, separated = constraint_pairs(overrides, _rows_of(table, override_keys)) if overrides else ([], [])
    seeds = fresh.copy()
    seeds[behind] = True
    seeds[np.array([row for pair in linked + separated for row in pair], dtype=np.int64)] = True
    seeds[stored_left[lost]] = seeds[stored_right[lost]] = True
    # A previous cluster is re-clustered whole or not at all: star links from each record to the first
    # record of its previous id.
    encoded = pc.dictionary_encode(previous_row_ids)
    previous_labels = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    star_left = np.flatnonzero(previous_labels >= 0)
    held = previous_labels[star_left]
    first_of_label = np.full(int(held.max(initial=-1)) + 1, len(star_left), dtype=np.int64)
    np.minimum.at(first_of_label, held, np.arange(len(star_left)))
    star_right = star_left[first_of_label[held]]
    accepted_new = new_pairs.accepted
    scope = _reach(
        seeds,
        np.concatenate([old_left, new_pairs.left[accepted_new], [a for a, _ in linked], star_left]).astype(
            np.int64
        ),
        np.concatenate([old_right, new_pairs.right[accepted_new], [b for _, b in linked], star_right]).astype(
            np.int64
        ),
    )
    rescore = scope[old_left]
    old_levels, old_swapped = _levels(settings, fields, old_left[rescore], old_right[rescore])
    rescored = _scored_pairs(
        settings, fields, model, old_left[rescore], old_right[rescore], old_levels, old_swapped
    )
    pairs = _concat(new_pairs, rescored)
    rows = np.flatnonzero(scope)
    scope_labels, cluster_report = _cluster_rows(settings, fields, pairs, rows, linked, separated)

    # The id rule over the records in scope only: every previous id they hold is wholly in scope.
    position = np.full(table.num_rows, -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    in_scope = table.take(pa.array(rows))
    scope_previous = previous_row_ids.take(pa.array(rows)).to_pylist()
    scope_keys = _keys(in_scope)
    scoped = PreviousIds(
        {key: entity for key, entity in zip(scope_keys, scope_previous, strict=True) if entity is not None},
        previous.created,
    )
    inside = (position[pairs.left] >= 0) & (position[pairs.right] >= 0)
    scope_ids, events = _identify(
        in_scope,
        settings,
        scope_labels,
        _subset(pairs, inside, position),
        scoped,
        overrides,
        recorded_overrides or set(),
        issued_before=set(encoded.dictionary.to_pylist()),
    )
    # Every previous id held in scope is wholly in scope: the ids outside it and the scope's are apart.
    outside = previous_labels[~scope]
    entities = _distinct_count(outside[outside >= 0]) + _distinct_count(scope_labels)
    ids = previous_row_ids.to_numpy(zero_copy_only=False).astype(object)
    ids[rows] = scope_ids
    blocking_report.candidate_pairs = len(new_pairs)
    rescored_stored = kept & scope[stored_left]
    return IncrementalResolution(
        Resolution(
            ids.tolist(), pairs, model, blocking_report, cluster_report, settings, fields, events, entities
        ),
        stale=of_fresh | ~found | rescored_stored,
    )


def explain_pair(
    table: pa.Table, settings: ResolutionSettings, model: Model, first: int, second: int
) -> dict[str, Any]:
    """Why two records of a resolved table score what they do, whether or not blocking paired them.

    `model` is the run's (see `Model.from_dict`); term frequencies are recomputed from the table.
    """
    fields = record_fields(table, field_names(settings))
    term_frequencies(settings, fields, model)
    left, right = np.array([min(first, second)]), np.array([max(first, second)])
    levels, swapped = _levels(settings, fields, left, right)
    pairs = _scored_pairs(settings, fields, model, left, right, levels, swapped)
    resolution = Resolution([], pairs, model, BlockingReport(), ClusterReport(), settings, fields)
    explained = resolution.explanation(0)
    explained["accepted"] = bool(pairs.accepted[0])
    explained["threshold_probability"] = settings.match_probability_threshold
    return explained


def settings_and_model(resolution: Resolution) -> dict[str, Any]:
    """The run's settings and trained model, JSON-ready, saved next to its output."""
    return json.loads(
        json.dumps(
            {
                "settings": resolution.settings.to_dict(),
                "model": resolution.model.to_dict(resolution.settings),
            }
        )
    )
