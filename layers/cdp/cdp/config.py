"""Configuration as data: sources, segments, destinations and survivorship, each one YAML document.

Parsing is pure (text in, typed objects out); where the text comes from (the config bucket on AWS,
the repository's `config/` folder locally) is the adapters' business.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationError,
    field_validator,
    model_validator,
)

from cdp.golden.survivorship import ACCOUNT_RULES, CONTACT_RULES, AttributeRule
from cdp.model import CANONICAL_FIELDS, Entity
from cdp.segments.schedule import refresh_interval


class ConfigError(ValueError):
    """A configuration document is invalid; the message names the document and the field."""


class FileFormat(BaseModel):
    """Reading hints for a source's files; anything left out is detected."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["csv", "ndjson", "json", "xlsx", "parquet"] | None = None
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None


class SourceConfig(BaseModel):
    """One source system: what it carries and how its columns map onto the canonical model."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$")
    entity: Entity
    status: Literal["active", "draft"] = "active"
    description: str = ""
    trust_rank: int = Field(default=5, ge=1, le=100, description="1 is the most trusted source.")
    default_country: str = Field(default="FR", min_length=2, max_length=2)
    date_order: Literal["DMY", "MDY", "YMD"] = "DMY"
    file: FileFormat = FileFormat()
    mapping: dict[str, str] = Field(description="Source column -> canonical field.")
    account_source: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_-]{0,62}$",
        description="Contacts: the source whose account ids `account_ref` names, when not this one.",
    )

    @field_validator("mapping")
    @classmethod
    def _targets_are_canonical(cls, mapping: dict[str, str], info: Any) -> dict[str, str]:
        entity = info.data.get("entity")
        if entity is None:
            return mapping
        allowed = set(CANONICAL_FIELDS[Entity(entity)])
        unknown = sorted({target for target in mapping.values() if target not in allowed})
        if unknown:
            raise ValueError(f"unknown canonical field(s) for {entity}: {', '.join(unknown)}")
        return mapping

    @property
    def day_first(self) -> bool:
        """Whether ambiguous dates read day first."""
        return self.date_order == "DMY"


class SegmentConfig(BaseModel):
    """An audience: an Athena SQL query returning `customer_id`, and where to send its changes."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")
    description: str = ""
    sql: str
    schedule: str = Field(default="with every unify run", description="or rate(N minutes|hours|days)")
    destinations: list[str] = []

    @field_validator("schedule")
    @classmethod
    def _known_schedule(cls, schedule: str) -> str:
        refresh_interval(schedule)
        return schedule


class ConsentRequirement(BaseModel):
    """The consent a destination needs from each person before it may receive them."""

    model_config = ConfigDict(extra="forbid")
    channel: str
    purpose: str | None = None


class _Destination(BaseModel):
    """What every destination has: only membership changes are sent unless `full_resync` is set."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$")
    description: str = ""
    batch_size: int = Field(default=500, ge=1, le=10_000)
    full_resync: bool = False
    consent: ConsentRequirement | None = Field(
        default=None, description="Without it everyone is sent (e.g. a CRM fed under contract)."
    )


class _HttpDestination(_Destination):
    """A destination reached over HTTPS with signed, idempotent, rate-limited batches."""

    url: str
    max_attempts: int = Field(default=5, ge=1, le=20, description="Attempts per delivery of a batch.")
    backoff_seconds: float = Field(default=0.5, gt=0, description="First retry's backoff ceiling.")
    rate_per_second: float = Field(default=10.0, gt=0)
    secret: str | None = Field(
        default=None,
        pattern=r"^(ssm|secretsmanager):.+$",
        description="`ssm:/name` or `secretsmanager:<id>`; the stack's signing secret when left out.",
    )


class WebhookDestination(_HttpDestination):
    """Generic JSON webhook: the listed golden fields of each person."""

    type: Literal["webhook"]
    fields: list[str] = ["customer_id", "email", "phone", "first_name", "last_name"]


# The rule names of cdp.golden.survivorship.RULES (a test keeps the two equal).
SurvivorshipRule = Literal["valid", "trust", "recent", "frequent", "complete"]


def _with_chains(
    defaults: tuple[AttributeRule, ...], chains: Mapping[str, Sequence[str]]
) -> tuple[AttributeRule, ...]:
    return tuple(
        replace(rule, chain=tuple(chains[rule.attribute])) if rule.attribute in chains else rule
        for rule in defaults
    )


class SurvivorshipConfig(BaseModel):
    """Which value of a cluster becomes the golden one, per attribute (`survivorship.yaml`).

    `source_priority` ranks sources, most trusted first, for the "trust" rule (listed sources come before
    unlisted ones, which keep the order of their own `trust_rank`); `contact` and `account` give the
    rule chain of any attribute, the others keep the built-in chain.
    """

    model_config = ConfigDict(extra="forbid")
    source_priority: list[str] = []
    contact: dict[str, list[SurvivorshipRule]] = {}
    account: dict[str, list[SurvivorshipRule]] = {}

    @model_validator(mode="after")
    def _attributes_are_known(self) -> SurvivorshipConfig:
        for entity, chains, defaults in (
            ("contact", self.contact, CONTACT_RULES),
            ("account", self.account, ACCOUNT_RULES),
        ):
            known = {rule.attribute: rule for rule in defaults}
            for attribute, chain in chains.items():
                if attribute not in known:
                    raise ValueError(f"{entity}.{attribute}: unknown attribute; known: {', '.join(known)}")
                if not chain:
                    raise ValueError(f"{entity}.{attribute}: the rule chain is empty")
                if "valid" in chain and known[attribute].valid_field is None:
                    raise ValueError(
                        f"{entity}.{attribute}: has no validity flag, the 'valid' rule cannot apply"
                    )
        if len(set(self.source_priority)) != len(self.source_priority):
            raise ValueError("source_priority: a source is listed twice")
        return self

    @property
    def contact_rules(self) -> tuple[AttributeRule, ...]:
        """The contact attributes' rules, the configured chains over the built-in ones."""
        return _with_chains(CONTACT_RULES, self.contact)

    @property
    def account_rules(self) -> tuple[AttributeRule, ...]:
        """The account attributes' rules, the configured chains over the built-in ones."""
        return _with_chains(ACCOUNT_RULES, self.account)

    def trust_rank(self, source: str, configured_rank: int) -> int:
        """The rank the "trust" rule reads: the position in `source_priority`, else after every listed
        source in the order of the source's own `trust_rank`."""
        if source in self.source_priority:
            return self.source_priority.index(source) + 1
        return len(self.source_priority) + configured_rank


class CustomerMatchDestination(_HttpDestination):
    """An ad platform's customer-match audience: hashed e-mails and phones, add and remove lists."""

    type: Literal["customer_match"]
    platform: Literal["google", "meta"]


class CrmUpsertDestination(_HttpDestination):
    """A CRM upsert: each CRM field takes a golden field (`mapping: {CrmField: golden_field}`)."""

    type: Literal["crm_upsert"]
    mapping: dict[str, str] = Field(min_length=1)


class FileExportDestination(_Destination):
    """CSV or Parquet files in the outbox bucket, one per batch, for file-based consumers."""

    type: Literal["file_export"]
    format: Literal["csv", "parquet"] = "csv"
    fields: list[str] = ["customer_id", "email", "phone", "first_name", "last_name"]


DestinationConfig = Annotated[
    WebhookDestination | CustomerMatchDestination | CrmUpsertDestination | FileExportDestination,
    Field(discriminator="type"),
]
HttpDestination = WebhookDestination | CustomerMatchDestination | CrmUpsertDestination


class _DestinationDocument(RootModel[DestinationConfig]):
    pass


def _load(text: str, model: type[BaseModel], origin: str) -> Any:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{origin}: not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise ConfigError(f"{origin}: expected a mapping at the top level")
    try:
        return model.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(document)"
        raise ConfigError(f"{origin}: {where}: {first['msg']}") from error


def parse_source(text: str, origin: str = "source") -> SourceConfig:
    """Parse one source YAML document."""
    return _load(text, SourceConfig, origin)


def parse_segment(text: str, origin: str = "segment") -> SegmentConfig:
    """Parse one segment YAML document."""
    return _load(text, SegmentConfig, origin)


def parse_destination(text: str, origin: str = "destination") -> DestinationConfig:
    """Parse one destination YAML document (its `type` picks the kind)."""
    document: _DestinationDocument = _load(text, _DestinationDocument, origin)
    return document.root


def parse_survivorship(text: str, origin: str = "survivorship.yaml") -> SurvivorshipConfig:
    """Parse the survivorship document."""
    return _load(text, SurvivorshipConfig, origin)


def dump_yaml(document: dict[str, Any]) -> str:
    """Render a configuration document (e.g. a draft mapping) the way users write them."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
