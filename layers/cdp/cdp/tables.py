"""Every table of the lake in one registry: where it lives, its schema and its partitions.

The Glue definitions in template.yaml are generated from this registry (`python -m cdp.local.glue_yaml`)
and a test keeps them equal, so Athena, the local DuckDB engine and the writers agree on one schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa

from cdp import model
from cdp.model import Entity


class Zone(StrEnum):
    """The bucket a table lives in."""

    STAGING = "staging"
    QUARANTINE = "quarantine"
    CURATED = "curated"


@dataclass(frozen=True)
class TableDef:
    """One table of the lake.

    Staged and quarantined tables grow by partitions (source, ingest_date). Curated tables are written
    as a whole snapshot per run under `<prefix>/run_id=<run>/`; the Glue table's location is the
    "current" pointer, moved only when every table of a run is written.
    """

    name: str
    zone: Zone
    schema: pa.Schema
    partition_keys: tuple[str, ...] = ()
    description: str = ""
    history_of: str | None = None  # a history table reads every committed snapshot of this table

    @property
    def prefix(self) -> str:
        """Key prefix of the table's objects inside its bucket."""
        return self.history_of or self.name

    @property
    def snapshot(self) -> bool:
        """Whether the table is written as one snapshot per run (curated) rather than by partitions."""
        return self.zone is Zone.CURATED and self.history_of is None

    def snapshot_prefix(self, run_id: str) -> str:
        """Key prefix of the run's snapshot of a curated table."""
        return f"{self.prefix}/run_id={run_id}/"


STAGING_TABLES: dict[Entity, TableDef] = {
    entity: TableDef(
        name=f"staging_{entity.value}",
        zone=Zone.STAGING,
        schema=model.staging_schema(entity),
        partition_keys=("source", "ingest_date"),
        description=f"Normalized {entity.value} records, one row per accepted input row.",
    )
    for entity in Entity
}

QUARANTINE = TableDef(
    name="quarantine_rows",
    zone=Zone.QUARANTINE,
    schema=model.QUARANTINE_SCHEMA,
    partition_keys=("source", "ingest_date"),
    description="Input rows that could not be staged, with the original line and the reason.",
)

GOLDEN_CONTACT = TableDef(
    "golden_contact",
    Zone.CURATED,
    model.GOLDEN_CONTACT_SCHEMA,
    description="One golden record per person, with lineage.",
)
GOLDEN_ACCOUNT = TableDef(
    "golden_account",
    Zone.CURATED,
    model.GOLDEN_ACCOUNT_SCHEMA,
    description="One golden record per company, with lineage.",
)
XREF_CONTACT = TableDef(
    "xref_contact",
    Zone.CURATED,
    model.XREF_CONTACT_SCHEMA,
    description="Source contact record -> customer_id.",
)
XREF_ACCOUNT = TableDef(
    "xref_account",
    Zone.CURATED,
    model.XREF_ACCOUNT_SCHEMA,
    description="Source account record -> account_id.",
)
LINKS = TableDef(
    "match_links",
    Zone.CURATED,
    model.LINKS_SCHEMA,
    description="Accepted links and near misses (within 5 bits of the threshold), explained.",
)
IDENTITY_LEDGER = TableDef(
    "identity_ledger",
    Zone.CURATED,
    model.IDENTITY_LEDGER_SCHEMA,
    description="Every id created, merged, split, force-linked or unlinked, with when, why and the evidence.",
)
CONTACT_ACCOUNT = TableDef(
    "contact_account",
    Zone.CURATED,
    model.CONTACT_ACCOUNT_SCHEMA,
    description="Which customer works at which account, and the evidence.",
)
CUSTOMER_METRICS = TableDef(
    "customer_metrics",
    Zone.CURATED,
    model.CUSTOMER_METRICS_SCHEMA,
    description="Recency, frequency, monetary value and engagement per customer.",
)
SEGMENT_MEMBERSHIP = TableDef(
    "segment_membership",
    Zone.CURATED,
    model.SEGMENT_MEMBERSHIP_SCHEMA,
    description="Segment members of the run: entered, stayed, exited.",
)

CURATED_TABLES: tuple[TableDef, ...] = (
    GOLDEN_CONTACT,
    GOLDEN_ACCOUNT,
    XREF_CONTACT,
    XREF_ACCOUNT,
    LINKS,
    IDENTITY_LEDGER,
    CONTACT_ACCOUNT,
    CUSTOMER_METRICS,
    SEGMENT_MEMBERSHIP,
)

# `<table>_history`: the same table over its root, partitioned by run_id; the commit step registers a
# run's partition when it makes the run current, so earlier runs stay queryable and failed ones never show.
HISTORY_TABLES: dict[str, TableDef] = {
    t.name: TableDef(
        f"{t.name}_history",
        Zone.CURATED,
        t.schema,
        partition_keys=("run_id",),
        description=f"Every committed run of {t.name} (partition run_id).",
        history_of=t.name,
    )
    for t in CURATED_TABLES
}

ALL_TABLES: tuple[TableDef, ...] = (
    *STAGING_TABLES.values(),
    QUARANTINE,
    *CURATED_TABLES,
    *HISTORY_TABLES.values(),
)


def table(name: str) -> TableDef:
    """Look a table up by name."""
    for candidate in ALL_TABLES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"unknown table {name!r}; known: {', '.join(t.name for t in ALL_TABLES)}")


def hive_type(data_type: pa.DataType) -> str:
    """The Glue/Hive column type of an Arrow type, as Athena reads it from Parquet."""
    if pa.types.is_string(data_type):
        return "string"
    if pa.types.is_boolean(data_type):
        return "boolean"
    if pa.types.is_int32(data_type):
        return "int"
    if pa.types.is_int64(data_type):
        return "bigint"
    if pa.types.is_float64(data_type):
        return "double"
    if pa.types.is_date32(data_type):
        return "date"
    if pa.types.is_timestamp(data_type):
        return "timestamp"
    if pa.types.is_list(data_type):
        return f"array<{hive_type(data_type.value_type)}>"
    if pa.types.is_struct(data_type):
        fields = ",".join(f"{f.name}:{hive_type(f.type)}" for f in data_type)
        return f"struct<{fields}>"
    raise TypeError(f"no Glue type for Arrow type {data_type}")
