"""An erasure request posted to the API (POST /v1/erasures): validate it, forget the person, answer with
the receipt's id only (the answer never repeats the identifier)."""

from __future__ import annotations

from typing import Any, cast

from cdp.erasure import KINDS, ErasureRequestError, Kind
from cdp.services.erasure import RECEIPTS_PREFIX, ErasureTargets, forget
from cdp.services.ingest_api import InvalidBatch, json_object
from cdp.services.lake import Lake


def parse_erasure_request(body: str) -> tuple[Kind, str, bool]:
    """`{"email"|"phone"|"customer_id": "...", "include_raw": false}` as (kind, value, include_raw).

    Raises:
        InvalidBatch: not a JSON object, not exactly one identifier, an unknown field or a bad value.
    """
    request = json_object(body, "Invalid erasure request")
    unknown = sorted(set(request) - {*KINDS, "include_raw"})
    if unknown:
        raise InvalidBatch("Invalid erasure request", f"unknown field {unknown[0]!r}", field=unknown[0])
    given = [kind for kind in KINDS if kind in request]
    if len(given) != 1:
        raise InvalidBatch("Invalid erasure request", "give exactly one of email, phone, customer_id")
    kind = given[0]
    value, include_raw = request[kind], request.get("include_raw", False)
    if not isinstance(value, str) or not value.strip():
        raise InvalidBatch("Invalid erasure request", f"{kind} must be a non-empty string", field=kind)
    if not isinstance(include_raw, bool):
        raise InvalidBatch(
            "Invalid erasure request", "include_raw must be true or false", field="include_raw"
        )
    return cast(Kind, kind), value, include_raw


def request_erasure(lake: Lake, body: str, targets: ErasureTargets) -> dict[str, Any]:
    """Forget the person a request names; returns the receipt's id and where the receipt is kept."""
    kind, value, include_raw = parse_erasure_request(body)
    try:
        receipt = forget(lake, kind, value, include_raw, targets=targets)
    except ErasureRequestError as error:
        raise InvalidBatch("Invalid erasure request", str(error), field=kind) from error
    return {
        "erasure_id": receipt["erasure_id"],
        "receipt": f"s3://{lake.buckets.config}/{RECEIPTS_PREFIX}{receipt['erasure_id']}.json",
    }
