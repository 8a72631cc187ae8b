"""`cdp explain`: why two records of a `cdp resolve` output are, or are not, the same customer.

Reads the output folder (normalized records, trained model, xref) and scores the pair again with the
same engine, whether or not blocking paired them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cdp.resolve.engine import explain_pair, input_columns
from cdp.resolve.training import Model
from cdp.services.resolve_folder import InputError, ResolveFolder


class ExplainError(ValueError):
    """The output folder or a record reference cannot be used; the message says why."""


def _find(records: pa.Table, reference: str) -> int:
    """Row of a record given as `source:source_id`, or as a source_id unique across sources."""
    source, _, source_id = reference.rpartition(":")
    matches = pc.equal(records.column("source_id"), source_id)
    if source:
        matches = pc.and_(matches, pc.equal(records.column("source"), source))
    rows = pc.indices_nonzero(pc.fill_null(matches, False)).to_pylist()
    if not rows:
        raise ExplainError(f"no record {reference!r} in this output")
    if len(rows) > 1:
        raise ExplainError(f"{reference!r} is in several sources: name it as source:source_id")
    return rows[0]


def explain_records(out_dir: Path, first: str, second: str) -> dict[str, Any]:
    """The explanation of a pair, with both records' customer ids and their compared values."""
    try:
        folder = ResolveFolder.open(out_dir)
        if folder is None:
            raise ExplainError(f"{out_dir}: not a `cdp resolve` output")
        saved, settings = folder.model(), folder.settings()
        # Only the columns the engine compares: what the waterfall shows.
        records = folder.records(sorted(input_columns(settings))).drop_columns(["row"])
        xref = folder.xref()
    except InputError as error:
        raise ExplainError(str(error)) from error
    left, right = _find(records, first), _find(records, second)
    if left == right:
        raise ExplainError("the two references name the same record")
    model = Model.from_dict(saved["model"], settings)
    explained = explain_pair(records, settings, model, left, right)
    customers = xref.column("customer_id")
    explained["customer_ids"] = [customers[left].as_py(), customers[right].as_py()]
    explained["same_customer"] = explained["customer_ids"][0] == explained["customer_ids"][1]
    fields = [item["field"] for item in explained["fields"]]
    explained["values"] = {
        name: [
            records.column(name)[row].as_py() if name in records.column_names else None
            for row in (left, right)
        ]
        for name in fields
    }
    explained["records"] = [first, second]
    return json.loads(json.dumps(explained, default=str))
