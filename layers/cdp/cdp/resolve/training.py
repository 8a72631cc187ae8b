"""Estimating the model without labels, the way Fellegi-Sunter tools do:

* u (how often non-matches agree) from random record pairs, which are almost all non-matches;
* m (how often matches agree) by expectation-maximisation on the candidate pairs of each blocking
  rule, leaving out the fields the rule blocks on (they agree by construction), then averaged;
* the prior (probability that two random records match) from the expected number of matches among
  the candidate pairs;
* term frequencies of the values of the fields compared with `tf_adjust`.

EM runs on distinct comparison patterns with their counts, so millions of pairs cost milliseconds
per iteration. Too small a run keeps the priors written in the settings.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cdp.resolve.columns import Field, agree
from cdp.resolve.compare import MISSING, comparison_levels
from cdp.resolve.settings import ResolutionSettings

_FLOOR = 1e-6


class FrequentValues(Mapping[str, float]):
    """A field's values at or above the term-frequency floor and their share of the records, column-wise
    (a million records hold hundreds of thousands of them); read as a mapping value -> share."""

    def __init__(self, values: pa.Array, shares: np.ndarray) -> None:
        self.values, self.shares = values, shares
        self._share: dict[str, float] | None = None

    @classmethod
    def of(cls, shares: Mapping[str, float]) -> FrequentValues:
        if isinstance(shares, FrequentValues):
            return shares
        values = pa.array([str(value) for value in shares], pa.string())
        return cls(values, np.fromiter(shares.values(), dtype=np.float64, count=len(shares)))

    def _mapping(self) -> dict[str, float]:
        if self._share is None:
            self._share = dict(zip(self.values.to_pylist(), self.shares.tolist(), strict=True))
        return self._share

    def __getitem__(self, value: str) -> float:
        return self._mapping()[value]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self.values)

    def shares_of(self, values: pa.Array) -> np.ndarray:
        """The share of each of `values` (0 for a value below the floor)."""
        at = pc.index_in(values, value_set=self.values)
        return np.r_[self.shares, 0.0][pc.fill_null(at, len(self.values)).to_numpy().astype(np.int64)]


@dataclass
class Model:
    """m and u per comparison level, the prior, and term frequencies; what scores a pair."""

    m: list[np.ndarray]
    u: list[np.ndarray]
    prior_probability: float
    trained: bool
    notes: list[str] = field(default_factory=list)
    em_iterations: dict[str, int] = field(default_factory=dict)
    # Per tf-adjusted comparison index: frequency of each distinct value of its field.
    term_frequencies: dict[int, np.ndarray] = field(default_factory=dict)
    # Per tf-adjusted comparison index: the values as frequent as the floor or more, with their frequency
    # in the records the model was first applied to. Saved with the model, so a later run with it (an
    # incremental one, `cdp explain`) weighs values as that run did; None: not computed yet.
    frequent_values: dict[int, FrequentValues] | None = None

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior_probability / (1.0 - self.prior_probability))

    def weights(self, comparison_index: int) -> np.ndarray:
        return np.log2(self.m[comparison_index] / self.u[comparison_index])

    def tf_floor(self, comparison_index: int, settings: ResolutionSettings) -> float:
        # Never weigh a rare value above what the u of exact agreement gives, nor below the floor.
        return min(settings.tf_minimum_frequency, float(self.u[comparison_index][0]))

    @classmethod
    def from_dict(cls, data: dict[str, Any], settings: ResolutionSettings) -> Model:
        """The model `to_dict` saved (term frequencies are recomputed from the records when it holds none)."""
        comparisons = data["comparisons"]
        saved_frequencies = data.get("term_frequencies")
        if isinstance(saved_frequencies, str):
            raise ValueError(
                f"the term frequencies are kept in {saved_frequencies}: read the model with the folder's "
                "ResolveFolder.model()"
            )
        return cls(
            m=[
                np.array([comparisons[c.field][level.name]["m"] for level in c.levels])
                for c in settings.comparisons
            ],
            u=[
                np.array([comparisons[c.field][level.name]["u"] for level in c.levels])
                for c in settings.comparisons
            ],
            prior_probability=data["prior_probability"],
            trained=data["trained"],
            notes=list(data.get("notes", [])),
            frequent_values=None
            if saved_frequencies is None
            else {
                c: FrequentValues.of(saved_frequencies[comparison.field])
                for c, comparison in enumerate(settings.comparisons)
                if comparison.field in saved_frequencies
            },
        )

    def to_dict(self, settings: ResolutionSettings) -> dict[str, Any]:
        """m, u and weight per level, and the frequent values, for the run's output and later runs."""
        saved: dict[str, Any] = {}
        if self.frequent_values is not None:
            saved["term_frequencies"] = {
                settings.comparisons[c].field: dict(sorted(values.items()))
                for c, values in self.frequent_values.items()
            }
        return {
            "trained": self.trained,
            "prior_probability": self.prior_probability,
            "prior_weight": round(self.prior_weight, 4),
            "em_iterations": self.em_iterations,
            "notes": self.notes,
            "comparisons": {
                comparison.field: {
                    level.name: {
                        "m": float(self.m[c][k]),
                        "u": float(self.u[c][k]),
                        "weight": round(float(self.weights(c)[k]), 4),
                    }
                    for k, level in enumerate(comparison.levels)
                }
                for c, comparison in enumerate(settings.comparisons)
            },
            **saved,
        }


def prior_model(settings: ResolutionSettings, size: int) -> Model:
    """The settings' m/u priors and a prior from the expected matches per record."""
    pairs = max(size * (size - 1) / 2, 1.0)
    expected = settings.expected_matches_per_record * size / 2
    return Model(
        m=[np.array([level.m for level in c.levels]) for c in settings.comparisons],
        u=[np.array([level.u for level in c.levels]) for c in settings.comparisons],
        prior_probability=min(max(expected / pairs, 1e-12), 0.5),
        trained=False,
    )


def _normalized(values: np.ndarray) -> np.ndarray:
    values = np.maximum(values, _FLOOR)
    return values / values.sum()


def estimate_u(
    settings: ResolutionSettings, fields: Mapping[str, Field], size: int, model: Model, seed: int = 42
) -> None:
    """u per level from random record pairs (updates the model in place)."""
    rng = np.random.default_rng(seed)
    samples = int(min(settings.u_sample_pairs, size * (size - 1) // 2))
    left = rng.integers(0, size, samples)
    right = rng.integers(0, size, samples)
    keep = left != right
    left, right = left[keep], right[keep]
    for c, comparison in enumerate(settings.comparisons):
        levels = comparison_levels(comparison, fields[comparison.field], left, right)
        observed = levels[levels != MISSING]
        if len(observed) < 1_000:
            model.notes.append(f"u of {comparison.field}: kept the prior ({len(observed)} sampled pairs)")
            continue
        counts = np.bincount(observed, minlength=len(comparison.levels)).astype(np.float64)
        # A level never seen in the sample gets less than one observation's worth.
        model.u[c] = _normalized(np.where(counts > 0, counts, 0.5) / len(observed))


# Above this many possible patterns, counting them in an array of that size costs more than sorting.
_MAX_PATTERN_SPACE = 1 << 24


def distinct_patterns(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a level matrix, in lexicographic order, and their counts.

    Each row is packed into one integer in mixed radix (a digit per comparison, its level + 1): the
    possible patterns are few (tens of thousands), so counting them is one pass over the pairs.
    """
    if not len(levels):
        return levels, np.empty(0, dtype=np.float64)
    radices = levels.max(axis=0).astype(np.int64) + 2
    space = int(np.prod(radices.astype(np.float64)))
    if space > _MAX_PATTERN_SPACE:
        patterns, counts = np.unique(levels, axis=0, return_counts=True)
        return patterns, counts.astype(np.float64)
    packed = np.zeros(len(levels), dtype=np.int64)
    for c in range(levels.shape[1]):
        packed = packed * radices[c] + (levels[:, c].astype(np.int64) + 1)
    all_counts = np.bincount(packed, minlength=space)
    codes = np.flatnonzero(all_counts)
    patterns = np.empty((len(codes), levels.shape[1]), dtype=levels.dtype)
    rest = codes
    for c in reversed(range(levels.shape[1])):
        patterns[:, c] = rest % radices[c] - 1
        rest = rest // radices[c]
    return patterns, all_counts[codes].astype(np.float64)


def em_with_fixed_u(
    patterns: np.ndarray,
    counts: np.ndarray,
    m: list[np.ndarray],
    u: list[np.ndarray],
    iterations: int,
    update_m: bool = True,
) -> tuple[list[np.ndarray], float, int]:
    """EM with u fixed over distinct patterns (rows of level indexes, -1 missing) and their counts.

    Returns m, the share of matches among the pairs, and the iterations run.
    """
    m = [values.copy() for values in m]
    log_u = np.zeros(len(patterns))
    for c in range(patterns.shape[1]):
        present = patterns[:, c] != MISSING
        log_u[present] += np.log(u[c][patterns[present, c]])
    matches = 0.5
    done = 0
    for iteration in range(1, iterations + 1):
        done = iteration
        log_m = np.zeros(len(patterns))
        for c in range(patterns.shape[1]):
            present = patterns[:, c] != MISSING
            log_m[present] += np.log(m[c][patterns[present, c]])
        odds = np.log(matches) - np.log1p(-matches) + log_m - log_u
        posterior = 1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700)))
        weighted = posterior * counts
        new_matches = float(np.clip(weighted.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        change = abs(new_matches - matches)
        for c in range(patterns.shape[1] if update_m else 0):
            present = patterns[:, c] != MISSING
            if not weighted[present].sum():
                continue
            totals = np.bincount(patterns[present, c], weights=weighted[present], minlength=len(m[c]))
            updated = _normalized(totals / totals.sum())
            change = max(change, float(np.abs(updated - m[c]).max()))
            m[c] = updated
        matches = new_matches
        if change < 1e-4:
            break
    return m, matches, done


def _field_stands_for(settings: ResolutionSettings, name: str) -> str:
    return dict(settings.derived_from).get(name, name)


def estimate_m_and_prior(
    settings: ResolutionSettings,
    fields: Mapping[str, Field],
    levels: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    model: Model,
) -> None:
    """m by EM per blocking rule, then the prior from the expected matches among candidates."""
    size = len(next(iter(fields.values())).codes)
    estimates: list[list[np.ndarray]] = [[] for _ in settings.comparisons]
    # Rules share fields: each field's agreement is computed once and kept until its last rule.
    uses = Counter(name for rule in settings.blocking_rules for name in rule.fields)
    agreeing: dict[str, np.ndarray] = {}
    for rule in settings.blocking_rules:
        blocked_pairs = np.ones(len(left), dtype=bool)
        for name in rule.fields:
            if name not in agreeing:
                agreeing[name] = agree(fields, (name,), left, right)
            blocked_pairs &= agreeing[name]
            uses[name] -= 1
            if not uses[name]:
                del agreeing[name]
        blocked = {_field_stands_for(settings, name) for name in rule.fields}
        usable = [c for c, comparison in enumerate(settings.comparisons) if comparison.field not in blocked]
        if blocked_pairs.sum() < settings.min_pairs_to_train // 10 or not usable:
            continue
        patterns, counts = distinct_patterns(levels[np.ix_(blocked_pairs, usable)])
        m, _, iterations = em_with_fixed_u(
            patterns,
            counts,
            [model.m[c] for c in usable],
            [model.u[c] for c in usable],
            settings.em_max_iterations,
        )
        model.em_iterations[rule.name] = iterations
        for position, c in enumerate(usable):
            estimates[c].append(m[position])
    for c, found in enumerate(estimates):
        if found:
            model.m[c] = _normalized(np.mean(found, axis=0))
        else:
            model.notes.append(
                f"m of {settings.comparisons[c].field}: kept the prior (no blocking rule without it)"
            )
    # The share of matches among all candidate pairs, with m and u now fixed, gives the expected
    # number of matching pairs; spread over all record pairs, that is the prior.
    patterns, counts = distinct_patterns(levels)
    _, share, _ = em_with_fixed_u(patterns, counts, model.m, model.u, 200, update_m=False)
    all_pairs = size * (size - 1) / 2
    model.prior_probability = float(np.clip(share * len(left) / all_pairs, 1e-12, 0.5))


def term_frequencies(settings: ResolutionSettings, fields: Mapping[str, Field], model: Model) -> None:
    """Frequency of each distinct value of the tf-adjusted fields.

    The first time, counted in these records; the values at or above the floor are kept in the model
    (below it every value weighs the floor's weight, so they need not be). A model that holds them
    reads them instead: records added later do not shift the weight of pairs already decided, so
    scoring only the new pairs gives what a run over every record with this model gives.
    """
    counted = model.frequent_values is None
    frequent: dict[int, FrequentValues] = {} if counted else dict(model.frequent_values or {})
    for c, comparison in enumerate(settings.comparisons):
        if not comparison.tf_adjust:
            continue
        field = fields[comparison.field]
        if counted:
            counts = field.counts().astype(np.float64)
            if counts.sum() < settings.tf_minimum_records:
                continue
            model.term_frequencies[c] = counts / counts.sum()
            above = np.flatnonzero(model.term_frequencies[c] >= model.tf_floor(c, settings))
            values = pa.array([field.values[k] for k in above.tolist()], pa.string())
            frequent[c] = FrequentValues(values, model.term_frequencies[c][above])
        elif c in frequent:
            # Looked up column-wise: a million records hold hundreds of thousands of distinct values.
            values = (
                field.value_array if field.value_array is not None else pa.array(field.values, pa.string())
            )
            model.term_frequencies[c] = frequent[c].shares_of(values)
    model.frequent_values = frequent
