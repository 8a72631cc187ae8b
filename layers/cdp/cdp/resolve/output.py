"""A resolution's outputs as tables: the links with their explanations, and the run summary."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa

from cdp.model import LINKS_SCHEMA
from cdp.resolve.columns import Field
from cdp.resolve.engine import Resolution, named
from cdp.resolve.ledger import NO_EVENTS

# A rejected pair is worth keeping when it came within this many bits of the threshold: the near misses
# a data steward reviews. Further ones are dropped (at a million records they are millions).
NEAR_MISS_BITS = 5.0


def kept_pairs(resolution: Resolution, near_miss_bits: float | None = NEAR_MISS_BITS) -> np.ndarray:
    """Indexes of the pairs to write: accepted links, vetoed or not, and near misses (all if None)."""
    pairs = resolution.pairs
    if near_miss_bits is None:
        return np.arange(len(pairs))
    threshold = resolution.settings.match_probability_threshold
    floor = np.log2(threshold / (1 - threshold)) - near_miss_bits
    return np.flatnonzero(pairs.accepted | (pairs.match_weight >= floor))


def written_part(resolution: Resolution, near_miss_bits: float | None = NEAR_MISS_BITS) -> Resolution:
    """What writing a resolution's links needs (`links_table`), nothing more: its kept pairs (`kept_pairs`)
    and the codes of the fields whose term frequencies weigh in explanations; no ids, ledger events or
    field values.

    At a million records the candidate pairs are seven times the kept ones and the ledger events a
    million objects, and the links' explanations are the largest thing a run builds: dropping the whole
    resolution for this part first frees them. The run's counts (`summary`), ids and events are taken
    before.
    """
    tf_fields = {resolution.settings.comparisons[c].field for c in resolution.model.term_frequencies}
    return replace(
        resolution,
        ids=[],
        events=NO_EVENTS,
        pairs=resolution.pairs.take(kept_pairs(resolution, near_miss_bits)),
        fields={name: Field(f.codes, []) for name, f in resolution.fields.items() if name in tf_fields},
    )


def links_table(
    table: pa.Table,
    resolution: Resolution,
    entity: str,
    run_id: str,
    near_miss_bits: float | None = NEAR_MISS_BITS,
) -> pa.Table:
    """Scored pairs as `match_links` rows, each with its explanation as JSON."""
    keep = kept_pairs(resolution, near_miss_bits)
    pairs = resolution.pairs
    left, right = pa.array(pairs.left[keep]), pa.array(pairs.right[keep])
    sources, ids = table.column("source"), table.column("source_id")
    columns: dict[str, Any] = {
        "entity": pa.repeat(pa.scalar(entity, pa.string()), len(keep)),
        "left_source": sources.take(left),
        "left_source_id": ids.take(left),
        "right_source": sources.take(right),
        "right_source_id": ids.take(right),
        "match_weight": pa.array(np.round(pairs.match_weight[keep], 4)),
        "match_probability": pa.array(np.round(pairs.match_probability[keep], 6)),
        "rule": named(
            pairs.rule[keep].astype(np.int64),
            [r.name for r in resolution.settings.deterministic_rules] + ["score"],
        ),
        "accepted": pa.array(pairs.accepted[keep]),
        "explanation": resolution.explanations(keep),
        "run_id": pa.repeat(pa.scalar(run_id, pa.string()), len(keep)),
    }
    return pa.table(columns).select(LINKS_SCHEMA.names).cast(LINKS_SCHEMA)


def summary(resolution: Resolution) -> dict[str, Any]:
    """Counts and reports of a run: what blocking, training and clustering did."""
    return {
        "records": len(resolution.ids),
        "entities": resolution.entity_count,
        "candidate_pairs": resolution.blocking.candidate_pairs,
        "pairs_per_blocking_rule": resolution.blocking.pairs_per_rule,
        "refined_blocks": resolution.blocking.refined_blocks,
        "oversized_blocks_skipped": resolution.blocking.oversized_blocks,
        "accepted_links": resolution.accepted_links,
        "vetoed_pairs": int((resolution.pairs.veto >= 0).sum()),
        "refused_conflicting_links": resolution.clustering.refused_conflict,
        "refused_incompatible_links": resolution.clustering.refused_incompatible,
        "refused_by_size_guard": resolution.clustering.refused_size,
        "largest_clusters": resolution.clustering.largest[:10],
        # Fields the settings name that no record holds (e.g. no e-mail column in the input): their
        # comparisons weigh nothing and their blocking rules find no pairs.
        "fields_without_values": sorted(
            name for name, field in resolution.fields.items() if not (field.codes >= 0).any()
        ),
        "model_trained": resolution.model.trained,
        "prior_weight": round(resolution.model.prior_weight, 3),
    }
