"""The reference company register, read from the config bucket (`reference/sirene/`).

Every CSV, NDJSON or Parquet file under the prefix (optionally gzipped) is one part of the register; no
file means no register, and golden accounts are then "not_checked".
"""

from __future__ import annotations

from cdp.golden import Register, add_rows, canonical_columns
from cdp.ingest import open_table
from cdp.services.lake import Lake

REGISTER_PREFIX = "reference/sirene/"


def load_register(lake: Lake) -> Register | None:
    """The register, or None when the prefix holds no file.

    Unreadable rows are kept in `Register.rejected` with their reason; a file without the required
    columns raises `RegisterError` naming it, so a wrong file fails the run instead of verifying nothing.
    """
    bucket = lake.buckets.config
    keys = [item.key for item in lake.store.list(bucket, REGISTER_PREFIX) if not item.key.endswith("/")]
    if not keys:
        return None
    register = Register()
    for key in keys:
        reader = open_table(lake.store.open(bucket, key), key)
        try:
            mapping = canonical_columns(reader.columns, key)
            for batch in reader.batches():
                register.rejected.extend((error.line_no, f"{key}: {error.reason}") for error in batch.errors)
                add_rows(
                    register,
                    (
                        (row.line_no, {name: row.values.get(column) for column, name in mapping.items()})
                        for row in batch.rows
                    ),
                )
        finally:
            reader.close()
    return register
