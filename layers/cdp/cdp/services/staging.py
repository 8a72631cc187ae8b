"""Stage one landed object: read it, profile it, map and normalize every row, and put each row either in
staging or in quarantine with its reason. The raw object is only read, never changed.

Outputs are keyed by the object's key and version, so processing the same object version twice
rewrites the same files instead of duplicating rows.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pyarrow as pa

from cdp import normalize
from cdp.catalog import Profiler, propose_mapping
from cdp.config import ConfigError, SourceConfig, dump_yaml, parse_source
from cdp.erasure import erased_by
from cdp.ingest import RawRow, ReadHints, UnreadableFile, open_table
from cdp.model import CONTACT_FIELDS_SCHEMA, Entity, staging_schema
from cdp.normalize.batch import normalize_contact_columns, text_array
from cdp.ports import Catalog, ObjectStore
from cdp.services.lake import Buckets, Lake, rows_to_table
from cdp.services.tombstones import load_tombstones
from cdp.tables import QUARANTINE, STAGING_TABLES

Normalizer = Callable[..., dict[str, Any]]

NORMALIZERS: dict[Entity, Normalizer] = {
    Entity.CONTACT: normalize.normalize_contact,
    Entity.ACCOUNT: normalize.normalize_account,
    Entity.TRANSACTION: normalize.normalize_transaction,
    Entity.EVENT: normalize.normalize_event,
    Entity.CONSENT: normalize.normalize_consent,
}

# A row is worth staging only when it carries something that identifies what it is about.
IDENTIFYING: dict[Entity, tuple[str, ...]] = {
    Entity.CONTACT: ("last_name", "full_name", "email", "phone", "mobile", "customer_number"),
    Entity.ACCOUNT: ("company_name", "siret", "siren", "vat"),
    Entity.TRANSACTION: ("customer_ref", "email", "phone"),
    Entity.EVENT: ("customer_ref", "email"),
    Entity.CONSENT: ("customer_ref", "email", "phone"),
}

BATCH_ROWS = 50_000


@dataclass
class StagingReport:
    """The reconciliation of one object: rows in = staged + quarantined."""

    source: str
    object_key: str
    version_id: str | None
    status: str  # staged | unreadable | unknown_source | rejected_key
    rows_in: int = 0
    staged: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    entity: str | None = None
    format: str | None = None
    encoding: str | None = None
    error: str | None = None
    profile_key: str | None = None
    draft_key: str | None = None

    @property
    def reconciled(self) -> bool:
        """Whether every row is accounted for."""
        return self.rows_in == self.staged + self.quarantined

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the reconciliation check."""
        return {**asdict(self), "reconciled": self.reconciled}


def source_of(key: str) -> str | None:
    """Objects land under `<source>/...`; the first path segment names the source."""
    head, sep, _rest = key.partition("/")
    return head if sep and head else None


def object_id(key: str, version_id: str | None) -> str:
    """A short, stable id of one object version: the name of everything derived from it."""
    return hashlib.sha256(f"{key}\x1f{version_id or ''}".encode()).hexdigest()[:24]


def load_source_config(store: ObjectStore, buckets: Buckets, source: str) -> SourceConfig | None:
    """The active configuration of a source, or None when the source is unknown."""
    try:
        text = store.get_bytes(buckets.config, f"sources/{source}.yaml").decode("utf-8")
    except KeyError:
        return None
    return parse_source(text, origin=f"sources/{source}.yaml")


def _hints(config: SourceConfig | None) -> ReadHints | None:
    if config is None:
        return None
    f = config.file
    return ReadHints(format=f.format, delimiter=f.delimiter, encoding=f.encoding, sheet=f.sheet)


def _identifies(entity: Entity, mapped: Mapping[str, str | None]) -> bool:
    return any(mapped.get(name) for name in IDENTIFYING[entity])


def _contacts_columnar(
    accepted: Sequence[tuple[RawRow, Mapping[str, str | None]]],
    config: SourceConfig,
    lineage: Callable[[RawRow, Mapping[str, str | None]], Mapping[str, Any]],
) -> pa.Table | None:
    """A batch of contacts normalized column-wise (`cdp.normalize.batch`: the row-wise normalizer's
    results, ten times faster), or None for another entity or when it fails (the rows then go one by
    one, so only a bad row is quarantined)."""
    if config.entity is not Entity.CONTACT or not accepted:
        return None
    targets = sorted({target for _, mapped in accepted for target in mapped})
    columns = {name: text_array([mapped.get(name) for _, mapped in accepted]) for name in targets}
    try:
        normalized = normalize_contact_columns(
            columns, len(accepted), default_country=config.default_country, day_first=config.day_first
        )
    except Exception:  # noqa: BLE001 - the row-wise path names the row that fails
        return None
    schema = staging_schema(Entity.CONTACT)
    by_name = dict(zip(CONTACT_FIELDS_SCHEMA.names, normalized, strict=True))
    rows = [lineage(row, mapped) for row, mapped in accepted]
    for name in ("source", "source_id", "object_key", "line_no", "ingested_at", "trust_rank"):
        by_name[name] = pa.array([row[name] for row in rows], schema.field(name).type)
    return pa.table({name: by_name[name] for name in schema.names}, schema=schema)


def stage_object(
    store: ObjectStore,
    catalog: Catalog,
    buckets: Buckets,
    key: str,
    version_id: str | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> StagingReport:
    """Stage one landed object; see the module docstring.

    Args:
        store: the object store holding every bucket.
        catalog: where staged partitions are registered.
        buckets: bucket names.
        key: the landed object's key (`<source>/...`).
        version_id: the landed object's version, when the bucket is versioned.
        now: the clock (injected for tests).
    """
    source = source_of(key)
    lake = Lake(store, buckets)
    head = store.head(buckets.landing, key)
    landed_at = (head.last_modified if head and head.last_modified else now()).astimezone(UTC)
    ingest_date = landed_at.date().isoformat()
    # S3 notifications may leave the version out: pin the version read now, so the report names it.
    version_id = version_id or (head.version_id if head else None)
    oid = object_id(key, version_id)
    report = StagingReport(source=source or "", object_key=key, version_id=version_id, status="staged")

    def write_report() -> StagingReport:
        store.put_bytes(
            buckets.quarantine if report.status != "staged" else buckets.staging,
            f"_reports/source={quote(report.source or '_unknown')}/{oid}.json",
            json.dumps(report.to_dict(), indent=2, default=str).encode(),
            "application/json",
        )
        return report

    if source is None:
        report.status, report.error = "rejected_key", "object key must start with '<source>/'"
        return write_report()
    try:
        config = load_source_config(store, buckets, source)
    except ConfigError as error:
        report.status, report.error = "unreadable", f"invalid source configuration: {error}"
        return write_report()

    try:
        reader = open_table(
            store.open(buckets.landing, key, version_id), key.rsplit("/", 1)[-1], _hints(config)
        )
        report.format, report.encoding = reader.format, reader.encoding
        profiler = Profiler(list(reader.columns))
        quarantined: list[dict[str, Any]] = []
        reasons: Counter[str] = Counter()
        entity = config.entity if config else None
        normalizer = NORMALIZERS[entity] if entity else None
        schema = staging_schema(entity) if entity else None
        batch_no = 0
        tombstones = load_tombstones(store, buckets)

        def quarantine(line_no: int, raw: str, reason: str) -> None:
            reasons[reason.split(":")[0]] += 1
            quarantined.append(
                {
                    "source": source,
                    "object_key": key,
                    "line_no": line_no,
                    "raw": raw,
                    "reason": reason,
                    "quarantined_at": now(),
                }
            )

        def flush(staged: pa.Table) -> None:
            nonlocal batch_no
            if staged.num_rows and entity:
                lake.write_partition_file(
                    STAGING_TABLES[entity],
                    {"source": source, "ingest_date": ingest_date},
                    f"{oid}-{batch_no:05d}",
                    staged,
                )
                batch_no += 1
            report.staged += staged.num_rows

        def lineage(row: RawRow, mapped: Mapping[str, str | None]) -> dict[str, Any]:
            return {
                "source": source,
                "source_id": mapped.get("source_id") or f"{oid}:{row.line_no}",
                "object_key": key,
                "line_no": row.line_no,
                "ingested_at": landed_at,
                "trust_rank": config.trust_rank if config else 0,
            }

        for batch in reader.batches(BATCH_ROWS):
            report.rows_in += len(batch.rows) + len(batch.errors)
            rows = batch.rows
            if config is not None and tombstones:
                # A row about an erased person is counted, never kept: no values, not even in the profile.
                rows = []
                for row in batch.rows:
                    mapped = {target: row.values.get(column) for column, target in config.mapping.items()}
                    if erased_by(mapped, tombstones, config.default_country):
                        quarantine(
                            row.line_no, "", "erased: the person asked to be forgotten (values not kept)"
                        )
                    else:
                        rows.append(row)
            profiler.add(row.values for row in rows)
            for error in batch.errors:
                quarantine(error.line_no, error.raw, f"unreadable row: {error.reason}")
            if config is None or normalizer is None:
                for row in rows:
                    quarantine(row.line_no, row.raw, "unknown source: no mapping yet (a draft was proposed)")
                continue
            accepted: list[tuple[RawRow, dict[str, str | None]]] = []
            for row in rows:
                mapped = {target: row.values.get(column) for column, target in config.mapping.items()}
                if _identifies(config.entity, mapped):
                    accepted.append((row, mapped))
                else:
                    reason = "no identifying field: " + ", ".join(IDENTIFYING[config.entity])
                    quarantine(row.line_no, row.raw, reason)
            columnar = _contacts_columnar(accepted, config, lineage)
            if columnar is not None:
                flush(columnar)
                continue
            staged_rows: list[dict[str, Any]] = []
            for row, mapped in accepted:
                try:
                    fields = normalizer(
                        mapped, default_country=config.default_country, day_first=config.day_first
                    )
                except Exception as error:  # noqa: BLE001 - one bad row must not stop the file
                    quarantine(row.line_no, row.raw, f"normalization failed: {type(error).__name__}: {error}")
                    continue
                staged_rows.append({**fields, **lineage(row, mapped)})
            flush(rows_to_table(staged_rows, schema))
    except UnreadableFile as error:
        # Rows already written for this object are provisional: remove them, the file goes whole
        # to quarantine.
        for table in STAGING_TABLES.values():
            prefix = lake.partition_prefix(table, {"source": source, "ingest_date": ingest_date})
            for item in list(store.list(buckets.staging, prefix + oid)):
                store.delete(buckets.staging, item.key)
        report.status, report.error = "unreadable", str(error)
        report.staged = report.quarantined = report.rows_in = 0
        store.put_bytes(
            buckets.quarantine,
            f"files/source={quote(source)}/ingest_date={ingest_date}/{oid}.json",
            json.dumps(
                {"object_key": key, "version_id": version_id, "reason": str(error)}, indent=2
            ).encode(),
            "application/json",
        )
        return write_report()

    report.entity = config.entity.value if config else None
    report.quarantined = len(quarantined)
    report.reasons = dict(reasons)
    partition = {"source": source, "ingest_date": ingest_date}
    if quarantined:
        lake.write_partition_file(QUARANTINE, partition, oid, rows_to_table(quarantined, QUARANTINE.schema))
        catalog.add_partition(
            QUARANTINE.name,
            partition,
            f"s3://{buckets.quarantine}/{lake.partition_prefix(QUARANTINE, partition)}",
        )
    if config and report.staged:
        table = STAGING_TABLES[config.entity]
        catalog.add_partition(
            table.name, partition, f"s3://{buckets.staging}/{lake.partition_prefix(table, partition)}"
        )

    profile = profiler.result()
    report.profile_key = f"_profiles/source={quote(source)}/{oid}.json"
    store.put_bytes(
        buckets.staging,
        report.profile_key,
        json.dumps(
            {"object_key": key, "version_id": version_id, "profile": profile.to_dict()}, indent=2, default=str
        ).encode(),
        "application/json",
    )
    if config is None:
        proposal = propose_mapping(profile)
        report.status = "unknown_source"
        report.draft_key = f"sources/drafts/{source}.yaml"
        store.put_bytes(
            buckets.config,
            report.draft_key,
            dump_yaml(proposal.to_yaml_dict(source)).encode(),
            "application/yaml",
        )
    return write_report()
