"""Resolve a file of contact records with canonical column names, outside the pipeline (`cdp resolve`).

The same normalizers and the same engine as the state machine's steps; the file needs `source` and
`source_id` and any of the canonical contact fields (first_name, last_name, email, phone, street,
city, postcode, country, birth_date, company_name, siret, updated_at...); missing ones are empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

import pyarrow as pa

from cdp.ingest import open_table
from cdp.resolve import CONTACT_SETTINGS, resolve_records, settings_and_model
from cdp.resolve.output import links_table, summary
from cdp.services.batch_normalize import InputError, stage_contacts

# InputError lives with the normalization that raises it; `cdp resolve` imports it from here.
__all__ = ["XREF_SCHEMA", "BatchResolution", "InputError", "resolve_stream"]

XREF_SCHEMA = pa.schema([("source", pa.string()), ("source_id", pa.string()), ("customer_id", pa.string())])


@dataclass(frozen=True)
class BatchResolution:
    """What `cdp resolve` writes: the xref, the links (accepted and near misses) with explanations, the
    normalized records, a summary, and the settings and trained model (what `cdp explain` reads)."""

    xref: pa.Table
    links: pa.Table
    records: pa.Table
    summary: dict[str, Any]
    model: dict[str, Any]


def resolve_stream(
    stream: BinaryIO,
    filename: str,
    default_country: str = "FR",
    day_first: bool = True,
    workers: int | None = None,
) -> BatchResolution:
    """Normalize and resolve every row of a file.

    Normalization streams the file in batches over `workers` processes (None: one per CPU; 1: this
    process only), see `cdp.services.batch_normalize.stage_contacts`.

    Returns:
        The xref (source, source_id, customer_id for every input row) and everything else the command
        writes.
    """
    reader = open_table(stream, filename)
    missing = {"source", "source_id"} - set(reader.columns)
    if missing:
        raise InputError(f"{filename}: missing column(s) {', '.join(sorted(missing))}")
    staged = stage_contacts(
        reader, filename, default_country=default_country, day_first=day_first, workers=workers
    )
    resolution = resolve_records(staged, CONTACT_SETTINGS)
    xref = pa.table(
        {
            "source": staged.column("source"),
            "source_id": staged.column("source_id"),
            "customer_id": pa.array(resolution.ids, pa.string()),
        }
    )
    result = summary(resolution)
    return BatchResolution(
        xref=xref,
        links=links_table(staged, resolution, "contact", "batch"),
        records=staged,
        summary={**result, "customers": result["entities"]},
        model=settings_and_model(resolution),
    )
