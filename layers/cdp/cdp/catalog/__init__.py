"""Catalog: streaming profiling of columns, semantic typing and mapping proposals.

Pure code: rows in (mappings of raw strings), profiles and proposals out. Typical use::

    profiler = Profiler(columns)
    for batch in batches:
        profiler.add(batch)
    profile = profiler.result()            # FileProfile, JSON-ready with to_dict()
    proposal = propose_mapping(profile)    # MappingProposal -> to_yaml_dict(source)
"""

from cdp.catalog.mapping import ENTITIES, MappingProposal, guess_entity, propose_mapping
from cdp.catalog.profile import PHYSICAL_TYPES, ColumnProfile, FileProfile, Profiler, file_quality
from cdp.catalog.semantic import (
    PII_TYPES,
    SEMANTIC_TYPES,
    SemanticAnalysis,
    analyze_values,
    detect_semantic_type,
    header_scores,
    looks_like_pii,
    validity_share,
)

__all__ = [
    "ENTITIES",
    "PHYSICAL_TYPES",
    "PII_TYPES",
    "SEMANTIC_TYPES",
    "ColumnProfile",
    "FileProfile",
    "MappingProposal",
    "Profiler",
    "SemanticAnalysis",
    "analyze_values",
    "detect_semantic_type",
    "file_quality",
    "guess_entity",
    "header_scores",
    "looks_like_pii",
    "propose_mapping",
    "validity_share",
]
