"""Resolve a file of contact records with canonical column names, outside the pipeline (`cdp resolve`).

The same normalizers and the same engine as the state machine's steps; the file needs `source` and
`source_id` and any of the canonical contact fields (first_name, last_name, email, phone, street,
city, postcode, country, birth_date, company_name, siret, updated_at...); missing ones are empty.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, BinaryIO

import pyarrow as pa

from cdp.ingest import open_table
from cdp.model import CANONICAL_FIELDS, Entity, staging_schema
from cdp.normalize import normalize_contact
from cdp.resolve import CONTACT_SETTINGS, resolve_records
from cdp.services.lake import rows_to_table
from cdp.services.unify import links_rows
from cdp.tables import LINKS

XREF_SCHEMA = pa.schema([("source", pa.string()), ("source_id", pa.string()), ("customer_id", pa.string())])


class InputError(ValueError):
    """The input file cannot be resolved; the message says why."""


def resolve_stream(
    stream: BinaryIO, filename: str, default_country: str = "FR", day_first: bool = True
) -> tuple[pa.Table, pa.Table, dict[str, Any]]:
    """Normalize and resolve every row of a file.

    Returns:
        The xref (source, source_id, customer_id for every input row), the scored links with their
        explanations, and a summary.
    """
    reader = open_table(stream, filename)
    missing = {"source", "source_id"} - set(reader.columns)
    if missing:
        raise InputError(f"{filename}: missing column(s) {', '.join(sorted(missing))}")
    fields = set(CANONICAL_FIELDS[Entity.CONTACT])
    rows: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    for batch in reader.batches():
        if batch.errors:
            first = batch.errors[0]
            raise InputError(f"{filename}, line {first.line_no}: {first.reason}")
        for row in batch.rows:
            raw = {k: v for k, v in row.values.items() if k in fields}
            rows.append(
                {
                    **normalize_contact(raw, default_country=default_country, day_first=day_first),
                    "source": row.values.get("source") or "",
                    "source_id": row.values.get("source_id") or str(row.line_no),
                    "object_key": filename,
                    "line_no": row.line_no,
                    "ingested_at": now,
                    "trust_rank": 1,
                }
            )
    staged = rows_to_table(rows, staging_schema(Entity.CONTACT))
    resolution = resolve_records(staged, CONTACT_SETTINGS)
    xref = pa.table(
        {
            "source": staged.column("source"),
            "source_id": staged.column("source_id"),
            "customer_id": pa.array(resolution.ids, pa.string()),
        }
    )
    links = rows_to_table(links_rows(staged, resolution, "contact", "batch"), LINKS.schema)
    summary = {
        "records": staged.num_rows,
        "customers": resolution.entity_count,
        "candidate_pairs": resolution.blocking.candidate_pairs,
        "pairs_per_blocking_rule": resolution.blocking.pairs_per_rule,
        "accepted_links": sum(link.accepted for link in resolution.links),
        "refused_conflicting_links": resolution.clustering.refused_conflict,
        "largest_clusters": resolution.clustering.largest[:5],
        "settings": json.loads(json.dumps(resolution.settings)),
    }
    return xref, links, summary
