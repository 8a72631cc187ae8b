"""Resolution settings as data: blocking rules, comparisons with their levels and prior m/u values,
deterministic rules, vetoes, thresholds and clustering guards.

A level's weight is log2(m / u) (Fellegi-Sunter). The m/u values here are priors: when a run has
enough candidate pairs, u is re-estimated from random record pairs and m by expectation-maximisation
(see `cdp.resolve.training`). Settings serialize to JSON and are saved with each run's output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pydantic import ConfigDict

# Settings files are validated against these classes (`cdp.resolve.settings_file`): an unknown key is
# an error, not silently ignored.
_STRICT = ConfigDict(extra="forbid")

# Methods and the level names each one produces, best first. A pair where either value is missing
# gets no level (no evidence either way).
LEVELS_BY_METHOD: dict[str, tuple[str, ...]] = {
    "exact": ("exact", "different"),
    # Jaro-Winkler on the values: `close` and `fuzzy` thresholds.
    "string": ("exact", "close", "fuzzy", "different"),
    # Person first names: a known nickname, an initial or the first part of a compound name is an alias.
    "name": ("exact", "alias", "close", "fuzzy", "different"),
    # ISO dates: partial = same year and month, day/month swapped, or the same day and month with the
    # year one digit off (typing errors).
    "date": ("exact", "partial", "different"),
}


@dataclass(frozen=True)
class Level:
    """One outcome of a comparison with its probability among matches (m) and non-matches (u)."""

    __pydantic_config__ = _STRICT

    name: str
    m: float
    u: float


@dataclass(frozen=True)
class Comparison:
    """How one field is compared: a method, its levels (in the method's order) and thresholds.

    With `tf_adjust`, an exact agreement weighs by how rare the value is: log2(m / frequency of the
    value) instead of log2(m / u), so two "martin" agree for little and two "kowalczyk" for a lot.
    """

    __pydantic_config__ = _STRICT

    field: str
    method: str
    levels: tuple[Level, ...]
    close: float = 0.92
    fuzzy: float = 0.80
    tf_adjust: bool = False

    def __post_init__(self) -> None:
        expected = LEVELS_BY_METHOD.get(self.method)
        if expected is None:
            raise ValueError(
                f"comparison {self.field}: unknown method {self.method!r} "
                f"(known: {', '.join(LEVELS_BY_METHOD)})"
            )
        if tuple(level.name for level in self.levels) != expected:
            got = ", ".join(level.name for level in self.levels)
            raise ValueError(
                f"comparison {self.field}: method {self.method!r} has the levels {', '.join(expected)} "
                f"(in that order), got {got}"
            )


@dataclass(frozen=True)
class BlockingRule:
    """Records that agree on every field are candidate pairs.

    A block larger than the cap is split by adding the `refine` fields one after the other to its key
    (finer blocks, not a quadratic explosion); a block still too large after the last one is skipped
    and counted in the blocking report.
    """

    __pydantic_config__ = _STRICT

    fields: tuple[str, ...]
    refine: tuple[str, ...] = ()
    max_block_size: int | None = None  # this rule's cap, when tighter than the settings' one

    @property
    def name(self) -> str:
        return "+".join(self.fields)


@dataclass(frozen=True)
class DeterministicRule:
    """Records equal on every listed field (all non-empty) are the same entity, whatever the score."""

    __pydantic_config__ = _STRICT

    name: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Veto:
    """Strong negative evidence: a pair whose comparisons reach all the listed levels is never linked by
    its score, however high (e.g. a different first name at the same address is a relative)."""

    __pydantic_config__ = _STRICT

    name: str
    conditions: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ResolutionSettings:
    """Everything that defines a resolution run for one entity.

    Attributes:
        identifying: comparison levels of a personal identifier; a pair reaching any of them is
            identified: no veto applies (a corrected first name, a typo in a birth date) and clustering
            does not second-guess its link, though the size guard still holds.
        match_probability_threshold: a scored pair is a link at or above this probability.
        expected_matches_per_record: prior used when the run is too small to estimate it.
        conflict_fields: two clusters holding different values of any of these are never merged.
        compatible_fields: two clusters are merged only if every pair of their distinct values of these
            fields compares above `different` (no "jean" and "marie" in one person through a record
            without a first name).
        tf_minimum_frequency, tf_minimum_records: term frequencies are floored, and only used for a
            field with enough values to mean anything.
        swappable: two name fields a source may have put in each other's column; a pair that agrees
            crosswise is compared crosswise (and its explanation says so).
        derived_from: blocking-only keys and the comparison field they stand for, so EM does not learn
            the m of a field from pairs blocked on it.
    """

    __pydantic_config__ = _STRICT

    entity: str
    id_prefix: str
    blocking_rules: tuple[BlockingRule, ...]
    comparisons: tuple[Comparison, ...]
    deterministic_rules: tuple[DeterministicRule, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    identifying: tuple[tuple[str, tuple[str, ...]], ...] = ()
    match_probability_threshold: float = 0.99
    expected_matches_per_record: float = 1.0
    max_block_size: int = 300
    max_cluster_size: int = 50
    conflict_fields: tuple[str, ...] = ()
    compatible_fields: tuple[str, ...] = ()
    derived_from: tuple[tuple[str, str], ...] = ()
    swappable: tuple[str, str] | None = None
    train: bool = True
    min_pairs_to_train: int = 5_000
    u_sample_pairs: int = 1_000_000
    em_max_iterations: int = 30
    tf_minimum_frequency: float = 1e-4
    tf_minimum_records: int = 1_000

    def comparison_index(self, field: str) -> int:
        return next(k for k, c in enumerate(self.comparisons) if c.field == field)

    def comparison(self, field: str) -> Comparison:
        return self.comparisons[self.comparison_index(field)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, saved with the run's output so the run can be explained later."""
        return asdict(self)


def _levels(method: str, *mu: tuple[float, float]) -> tuple[Level, ...]:
    return tuple(Level(name, m, u) for name, (m, u) in zip(LEVELS_BY_METHOD[method], mu, strict=True))


CONTACT_SETTINGS = ResolutionSettings(
    entity="contact",
    id_prefix="C",
    blocking_rules=(
        BlockingRule(("email_key",)),
        BlockingRule(("phone",), refine=("last_name_key",)),
        BlockingRule(("last_name_key", "first_name_key"), refine=("postcode", "birth_date")),
        # A typo in the first name, or a first name missing its last name: initial or postcode.
        # Broad keys get a tight cap: they are for the few pairs the others miss, not to re-find all.
        BlockingRule(
            ("last_name_key", "first_name_initial"), refine=("postcode", "birth_date"), max_block_size=40
        ),
        BlockingRule(("first_name_key", "postcode"), refine=("last_name_initial",), max_block_size=20),
        BlockingRule(("last_name_sound", "postcode"), refine=("first_name_initial",)),
        BlockingRule(("last_name_key", "birth_date")),
        BlockingRule(("first_name_key", "birth_date"), refine=("postcode",)),
        BlockingRule(("birth_date", "postcode")),
        BlockingRule(("street_key", "postcode"), refine=("first_name_initial",)),
        BlockingRule(("customer_number",)),
    ),
    comparisons=(
        Comparison(
            "first_name_key",
            "name",
            _levels("name", (0.86, 0.02), (0.04, 0.002), (0.05, 0.01), (0.03, 0.03), (0.02, 0.938)),
            tf_adjust=True,
        ),
        Comparison(
            "last_name_key",
            "string",
            _levels("string", (0.90, 0.01), (0.05, 0.005), (0.03, 0.02), (0.02, 0.965)),
            tf_adjust=True,
        ),
        Comparison("email_key", "exact", _levels("exact", (0.70, 0.0005), (0.30, 0.9995)), tf_adjust=True),
        Comparison("phone", "exact", _levels("exact", (0.60, 0.001), (0.40, 0.999)), tf_adjust=True),
        Comparison("birth_date", "date", _levels("date", (0.93, 0.0005), (0.05, 0.01), (0.02, 0.9895))),
        Comparison("postcode", "exact", _levels("exact", (0.85, 0.02), (0.15, 0.98))),
        Comparison(
            "street_key",
            "string",
            _levels("string", (0.75, 0.005), (0.10, 0.005), (0.05, 0.02), (0.10, 0.97)),
        ),
        Comparison(
            "customer_number",
            "string",
            _levels("string", (0.50, 0.0001), (0.10, 0.001), (0.05, 0.01), (0.35, 0.9889)),
            close=0.90,
        ),
    ),
    deterministic_rules=(
        DeterministicRule("same customer number in one source", ("source", "customer_number")),
    ),
    vetoes=(
        Veto("different birth dates", (("birth_date", ("different",)),)),
        # Relatives: a household, or a family mailbox, shares everything but the first name.
        Veto(
            "different first names at the same address",
            (("first_name_key", ("different",)), ("street_key", ("exact", "close"))),
        ),
        Veto(
            "different first names with the same last name",
            (("first_name_key", ("different",)), ("last_name_key", ("exact", "close"))),
        ),
    ),
    match_probability_threshold=0.95,
    identifying=(("customer_number", ("exact", "close")),),
    conflict_fields=("birth_date",),
    compatible_fields=("first_name_key",),
    derived_from=(
        ("last_name_sound", "last_name_key"),
        ("first_name_initial", "first_name_key"),
        ("last_name_initial", "last_name_key"),
    ),
    swappable=("first_name_key", "last_name_key"),
)

ACCOUNT_SETTINGS = ResolutionSettings(
    entity="account",
    id_prefix="A",
    blocking_rules=(
        BlockingRule(("siren",)),
        BlockingRule(("company_key",), refine=("postcode",)),
        # Fuzzy names ("Boulangerie Martin" / "Boulangeries Martin"): the name's first letters and a place.
        BlockingRule(("company_prefix", "postcode")),
        BlockingRule(("company_prefix", "city_key"), max_block_size=100),
        BlockingRule(("web_domain",)),
        BlockingRule(("vat",)),
    ),
    comparisons=(
        Comparison("siren", "exact", _levels("exact", (0.80, 0.0001), (0.20, 0.9999))),
        Comparison(
            "company_key",
            "string",
            _levels("string", (0.80, 0.002), (0.10, 0.005), (0.05, 0.02), (0.05, 0.973)),
            tf_adjust=True,
        ),
        Comparison("postcode", "exact", _levels("exact", (0.80, 0.02), (0.20, 0.98))),
        # The city weighs with the postcode: one name in another city is another company (a franchise,
        # a namesake) unless an identifier or the web domain says otherwise.
        Comparison(
            "city_key", "string", _levels("string", (0.85, 0.05), (0.03, 0.005), (0.02, 0.02), (0.10, 0.925))
        ),
        Comparison("web_domain", "exact", _levels("exact", (0.60, 0.001), (0.40, 0.999))),
    ),
    deterministic_rules=(
        DeterministicRule("same SIRET", ("siret",)),
        DeterministicRule("same VAT", ("vat",)),
    ),
    # An account is a company (SIREN): establishments with different SIRETs of one SIREN are one
    # account, two different valid SIRENs never are.
    vetoes=(Veto("different SIRENs", (("siren", ("different",)),)),),
    match_probability_threshold=0.95,
    conflict_fields=("siren",),
    derived_from=(("company_prefix", "company_key"),),
)
