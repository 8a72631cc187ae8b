"""`cdp catalog`: what the lake holds, in the terminal: every table with its current location and rows,
and every landed file's profile (semantic type, nulls, distinct values, PII, quality per column)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

from cdp.local.lake_dir import FolderCatalog
from cdp.services.lake import parse_location


def _rows_under(folder: Path) -> tuple[int, int]:
    """(rows, files) of the Parquet files under a folder, from their footers only."""
    files = [p for p in folder.rglob("*.parquet") if not any(part.startswith("_") for part in p.parts)]
    return sum(pq.ParquetFile(p).metadata.num_rows for p in files), len(files)


def print_catalog(lake: Path, console: Console | None = None) -> None:
    """Print the catalog of a lake exported by the local stack."""
    console = console or Console()
    catalog = FolderCatalog(lake)
    tables = Table(title=f"Tables of {catalog.database} (current locations)")
    for column in ("table", "rows", "files", "location"):
        tables.add_column(column)
    for name in catalog.tables():
        location = catalog.table_location(name)
        bucket, prefix = parse_location(location)
        rows, files = _rows_under(lake / bucket / prefix)
        tables.add_row(name, str(rows), str(files), location)
    console.print(tables)

    for path in sorted(lake.glob("*/_profiles/source=*/*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        profile = document["profile"]
        title = f"{document['object_key']}: {profile['rows']} rows, quality {profile.get('quality', 0):.2f}"
        columns = Table(title=title, title_justify="left")
        for column in (
            "column",
            "type",
            "semantic type",
            "confidence",
            "nulls",
            "distinct",
            "PII",
            "quality",
        ):
            columns.add_column(column)
        for col in profile["columns"]:
            columns.add_row(
                col["name"],
                col.get("physical_type", ""),
                col.get("semantic_type") or "-",
                f"{col.get('confidence', 0):.2f}",
                f"{col.get('null_rate', 0):.0%}",
                str(col.get("distinct", "")) + ("~" if col.get("distinct_approximate") else ""),
                "yes" if col.get("pii") else "",
                f"{col.get('quality', 0):.2f}",
            )
        console.print(columns)
