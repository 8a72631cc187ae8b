"""Resolution settings as data: blocking rules, comparison levels with their m/u probabilities,
deterministic rules, thresholds and clustering guards.

The m/u values are priors (typical customer data); a weight per level is log2(m/u), as in
Fellegi-Sunter. They serialize to JSON and are written next to each run's output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Level:
    """One outcome of a comparison with its probability among matches (m) and non-matches (u)."""

    name: str
    m: float
    u: float


@dataclass(frozen=True)
class Comparison:
    """How one field is compared: a method and its ordered levels (the first that applies wins).

    Methods: "string" (Jaro-Winkler thresholds `exact`, `close`, `fuzzy`), "exact" (equal or not),
    "date" (exact, same year and month or day/month swapped, different).
    """

    field: str
    method: str
    levels: tuple[Level, ...]
    close: float = 0.92
    fuzzy: float = 0.80


@dataclass(frozen=True)
class DeterministicRule:
    """Records equal on every listed field (all non-empty) are the same entity, whatever the score."""

    name: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ResolutionSettings:
    """Everything that defines a resolution run for one entity."""

    entity: str
    id_prefix: str
    blocking_rules: tuple[tuple[str, ...], ...]
    comparisons: tuple[Comparison, ...]
    deterministic_rules: tuple[DeterministicRule, ...] = ()
    match_weight_threshold: float = 8.0
    prior_weight: float = -6.0
    max_block_size: int = 200
    max_cluster_size: int = 50
    conflict_fields: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, saved with the run's output so the run can be explained later."""
        return asdict(self)


def _string_levels(
    exact: tuple[float, float],
    close: tuple[float, float],
    fuzzy: tuple[float, float],
    other: tuple[float, float],
) -> tuple[Level, ...]:
    return (
        Level("exact", *exact),
        Level("close", *close),
        Level("fuzzy", *fuzzy),
        Level("different", *other),
    )


CONTACT_SETTINGS = ResolutionSettings(
    entity="contact",
    id_prefix="C",
    blocking_rules=(
        ("email_key",),
        ("phone",),
        ("last_name_key", "first_name_key"),
        ("last_name_sound", "postcode"),
        ("last_name_key", "birth_date"),
        ("first_name_key", "last_name_key", "city"),
    ),
    comparisons=(
        Comparison(
            "first_name_key", "string", _string_levels((0.90, 0.02), (0.05, 0.01), (0.03, 0.03), (0.02, 0.94))
        ),
        Comparison(
            "last_name_key",
            "string",
            _string_levels((0.90, 0.01), (0.05, 0.005), (0.03, 0.02), (0.02, 0.965)),
        ),
        Comparison("email_key", "exact", (Level("exact", 0.70, 0.0005), Level("different", 0.30, 0.9995))),
        Comparison("phone", "exact", (Level("exact", 0.60, 0.001), Level("different", 0.40, 0.999))),
        Comparison(
            "birth_date",
            "date",
            (Level("exact", 0.93, 0.0005), Level("partial", 0.05, 0.01), Level("different", 0.02, 0.9895)),
        ),
        Comparison("postcode", "exact", (Level("exact", 0.85, 0.02), Level("different", 0.15, 0.98))),
        Comparison(
            "street_key", "string", _string_levels((0.75, 0.005), (0.10, 0.005), (0.05, 0.02), (0.10, 0.97))
        ),
    ),
    deterministic_rules=(
        DeterministicRule("same customer number in one source", ("source", "customer_number")),
    ),
    match_weight_threshold=8.0,
    conflict_fields=("birth_date",),
)

ACCOUNT_SETTINGS = ResolutionSettings(
    entity="account",
    id_prefix="A",
    blocking_rules=(("siren",), ("company_key",), ("company_key", "postcode"), ("web_domain",)),
    comparisons=(
        Comparison("siren", "exact", (Level("exact", 0.80, 0.0001), Level("different", 0.20, 0.9999))),
        Comparison(
            "company_key", "string", _string_levels((0.80, 0.002), (0.10, 0.005), (0.05, 0.02), (0.05, 0.973))
        ),
        Comparison("postcode", "exact", (Level("exact", 0.80, 0.02), Level("different", 0.20, 0.98))),
        Comparison("web_domain", "exact", (Level("exact", 0.60, 0.001), Level("different", 0.40, 0.999))),
    ),
    deterministic_rules=(DeterministicRule("same SIRET", ("siret",)),),
    match_weight_threshold=6.0,
    conflict_fields=("siren",),
)
