"""Reading and writing the lake's Parquet tables through an ObjectStore."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq

from cdp.ports import ObjectStore
from cdp.tables import TableDef, Zone


@dataclass(frozen=True)
class Buckets:
    """The bucket of each role."""

    landing: str
    staging: str
    curated: str
    quarantine: str
    config: str

    def of(self, zone: Zone) -> str:
        """The bucket a zone's tables live in."""
        return {Zone.STAGING: self.staging, Zone.QUARANTINE: self.quarantine, Zone.CURATED: self.curated}[
            zone
        ]


def to_parquet(table: pa.Table) -> bytes:
    """Serialize an Arrow table as one Parquet object (zstd: small and fast to read in Athena)."""
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def from_parquet(data: bytes) -> pa.Table:
    """Read one Parquet object."""
    return pq.read_table(io.BytesIO(data))


def rows_to_table(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows (dicts) to a table of exactly `schema` (missing keys become nulls)."""
    return pa.Table.from_pylist(
        [{name: row.get(name) for name in schema.names} for row in rows], schema=schema
    )


def parse_location(location: str) -> tuple[str, str]:
    """`s3://bucket/prefix/` -> (bucket, prefix)."""
    if not location.startswith("s3://"):
        raise ValueError(f"not an s3:// location: {location}")
    bucket, _, prefix = location[len("s3://") :].partition("/")
    return bucket, prefix


class Lake:
    """The lake's tables over an object store."""

    def __init__(self, store: ObjectStore, buckets: Buckets) -> None:
        self.store = store
        self.buckets = buckets

    def partition_prefix(self, table: TableDef, partition: Mapping[str, str]) -> str:
        """Key prefix of one partition, Hive style (`source=crm/ingest_date=2026-11-23/`)."""
        parts = "/".join(f"{key}={partition[key]}" for key in table.partition_keys)
        return f"{table.prefix}/{parts}/"

    def write_partition_file(
        self, table: TableDef, partition: Mapping[str, str], name: str, data: pa.Table
    ) -> str:
        """Write one file into a partition; partition columns live in the path, not in the file."""
        kept = data.select([n for n in data.column_names if n not in table.partition_keys])
        key = f"{self.partition_prefix(table, partition)}{name}.parquet"
        self.store.put_bytes(self.buckets.of(table.zone), key, to_parquet(kept))
        return key

    def read_partitioned(self, table: TableDef) -> pa.Table:
        """Every file of a partitioned table, with the partition columns added back from the paths."""
        bucket = self.buckets.of(table.zone)
        pieces = []
        for item in self.store.list(bucket, f"{table.prefix}/"):
            if not item.key.endswith(".parquet"):
                continue
            piece = from_parquet(self.store.get_bytes(bucket, item.key))
            values = dict(unquote(part).split("=", 1) for part in item.key.split("/")[1:-1] if "=" in part)
            for key in table.partition_keys:
                if key in table.schema.names:
                    piece = piece.append_column(
                        key, pa.array([values.get(key)] * piece.num_rows, pa.string())
                    )
            pieces.append(piece.select([n for n in table.schema.names if n in piece.column_names]))
        if not pieces:
            return table.schema.empty_table()
        return pa.concat_tables(pieces, promote_options="default").cast(table.schema)

    def write_snapshot(self, table: TableDef, run_id: str, data: pa.Table) -> str:
        """Write a curated table's snapshot for one run; returns its s3:// location."""
        bucket = self.buckets.of(table.zone)
        prefix = table.snapshot_prefix(run_id)
        self.store.put_bytes(bucket, f"{prefix}part-0.parquet", to_parquet(data.cast(table.schema)))
        return f"s3://{bucket}/{prefix}"

    def read_location(self, table: TableDef, location: str) -> pa.Table:
        """Every Parquet file under a location (a snapshot), or an empty table when there is none."""
        bucket, prefix = parse_location(location)
        pieces = [
            from_parquet(self.store.get_bytes(bucket, item.key))
            for item in self.store.list(bucket, prefix)
            if item.key.endswith(".parquet")
        ]
        return pa.concat_tables(pieces).cast(table.schema) if pieces else table.schema.empty_table()

    def read_snapshot(self, table: TableDef, run_id: str) -> pa.Table:
        """A curated table's snapshot for one run."""
        return self.read_location(
            table, f"s3://{self.buckets.of(table.zone)}/{table.snapshot_prefix(run_id)}"
        )
