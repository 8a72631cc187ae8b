"""Accept a batch of records posted to the ingest API and land it like any file drop."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cdp.ports import ObjectStore

MAX_RECORDS = 10_000
MAX_FIELDS = 500
SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")


class InvalidBatch(ValueError):
    """A request body that cannot be accepted; names the first bad record and field (RFC 9457 details)."""

    def __init__(self, title: str, detail: str, record: int | None = None, field: str | None = None) -> None:
        super().__init__(detail)
        self.title, self.detail, self.record, self.field = title, detail, record, field

    def problem(self, instance: str) -> dict[str, Any]:
        """The `application/problem+json` document."""
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": self.title,
            "status": 400,
            "detail": self.detail,
            "instance": instance,
        }
        if self.record is not None:
            body["record"] = self.record
        if self.field is not None:
            body["field"] = self.field
        return body


def json_object(body: str | None, title: str) -> dict[str, Any]:
    """A request body that must be one JSON object.

    Raises:
        InvalidBatch: the body is not JSON ("Invalid JSON") or not an object (`title`).
    """
    try:
        request: Any = json.loads(body or "")
    except json.JSONDecodeError as error:
        raise InvalidBatch(
            "Invalid JSON", f"{error.msg} at line {error.lineno} column {error.colno}"
        ) from error
    if not isinstance(request, dict):
        raise InvalidBatch(title, "expected a JSON object")
    return request


def parse_records(body: str, content_type: str) -> list[dict[str, Any]]:
    """Records from a JSON array or NDJSON body; every record an object of scalar values.

    Raises:
        InvalidBatch: naming the first bad record (0-based index) and field.
    """
    text = body.strip()
    if not text:
        raise InvalidBatch("Empty body", "the body holds no records")
    records: list[Any]
    if "ndjson" in content_type or "jsonl" in content_type or not text.startswith("["):
        records = []
        for index, line in enumerate(line for line in text.splitlines() if line.strip()):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise InvalidBatch("Invalid NDJSON", f"record {index}: {error.msg}", record=index) from error
    else:
        try:
            records = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidBatch(
                "Invalid JSON", f"{error.msg} at line {error.lineno} column {error.colno}"
            ) from error
        if not isinstance(records, list):
            raise InvalidBatch("Invalid JSON", "expected an array of records")
    if not records:
        raise InvalidBatch("Empty batch", "the batch holds no records")
    if len(records) > MAX_RECORDS:
        raise InvalidBatch("Batch too large", f"{len(records)} records; at most {MAX_RECORDS} per request")
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise InvalidBatch("Invalid record", f"record {index} is not a JSON object", record=index)
        if not record:
            raise InvalidBatch("Invalid record", f"record {index} has no fields", record=index)
        if len(record) > MAX_FIELDS:
            raise InvalidBatch(
                "Invalid record", f"record {index} has more than {MAX_FIELDS} fields", record=index
            )
        for name, value in record.items():
            if not name.strip():
                raise InvalidBatch("Invalid field", f"record {index} has an empty field name", index, name)
            if isinstance(value, dict | list):
                raise InvalidBatch(
                    "Invalid field",
                    f"record {index}, field {name!r}: nested values are not accepted",
                    index,
                    name,
                )
    return records


@dataclass(frozen=True)
class Accepted:
    """Where an accepted batch landed."""

    source: str
    key: str
    records: int


def land_batch(
    store: ObjectStore,
    landing_bucket: str,
    source: str,
    body: str,
    content_type: str,
    request_id: str,
    now: datetime | None = None,
) -> Accepted:
    """Validate a posted batch and write it to the landing bucket as NDJSON under `<source>/api/<date>/`."""
    if not SOURCE_NAME.match(source):
        raise InvalidBatch("Invalid source", f"source name {source!r} must match {SOURCE_NAME.pattern}")
    records = parse_records(body, content_type)
    moment = now or datetime.now(UTC)
    key = f"{source}/api/{moment:%Y-%m-%d}/{moment:%H%M%S}-{request_id}.ndjson"
    data = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode("utf-8")
    store.put_bytes(landing_bucket, key, data, "application/x-ndjson")
    return Accepted(source, key, len(records))
