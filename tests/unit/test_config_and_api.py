"""Source/segment configuration parsing and the ingest API's validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from cdp.adapters.memory import MemoryObjectStore
from cdp.config import ConfigError, parse_destination, parse_segment, parse_source
from cdp.services.ingest_api import InvalidBatch, land_batch, parse_records

ROOT = Path(__file__).resolve().parents[2]


def test_every_shipped_config_parses() -> None:
    for path in (ROOT / "config" / "sources").glob("*.yaml"):
        assert parse_source(path.read_text(encoding="utf-8"), str(path)).name == path.stem
    for path in (ROOT / "config" / "segments").glob("*.yaml"):
        assert "customer_id" in parse_segment(path.read_text(encoding="utf-8"), str(path)).sql
    for path in (ROOT / "config" / "destinations").glob("*.yaml"):
        assert parse_destination(path.read_text(encoding="utf-8"), str(path)).name == path.stem


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: crm\nentity: contact\nmapping: {A: shoe_size}",
            "mapping: Value error, unknown canonical field",
        ),
        ("name: crm\nentity: person\nmapping: {}", "entity"),
        ("- a list", "expected a mapping"),
        ("name: [", "not valid YAML"),
        ("name: Bad Name\nentity: contact\nmapping: {}", "name"),
    ],
)
def test_invalid_source_configs_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_source(text, "sources/x.yaml")


def test_ndjson_and_json_bodies_are_accepted() -> None:
    assert parse_records('{"a": 1}\n\n{"a": 2}\n', "application/x-ndjson") == [{"a": 1}, {"a": 2}]
    assert parse_records('[{"a": "x"}]', "application/json") == [{"a": "x"}]


@pytest.mark.parametrize(
    ("body", "record", "field"),
    [
        ('[{"a": 1}, 5]', 1, None),
        ('[{"a": 1}, {"b": {"nested": 1}}]', 1, "b"),
        ('{"a": 1}\n{oops', 1, None),
        ('[{"a": 1}, {}]', 1, None),
    ],
)
def test_a_bad_record_is_named_with_its_field(body: str, record: int, field: str | None) -> None:
    with pytest.raises(InvalidBatch) as caught:
        parse_records(body, "application/json")
    problem = caught.value.problem("/v1/sources/web/records")
    assert problem["status"] == 400 and problem["record"] == record and problem.get("field") == field


def test_an_accepted_batch_lands_as_ndjson_under_its_source() -> None:
    store = MemoryObjectStore()
    accepted = land_batch(store, "landing", "webforms", '[{"email": "a@b.fr"}]', "application/json", "req1")
    assert accepted.key.startswith("webforms/api/") and accepted.key.endswith("-req1.ndjson")
    assert store.get_bytes("landing", accepted.key) == b'{"email": "a@b.fr"}\n'
    with pytest.raises(InvalidBatch, match="source name"):
        land_batch(store, "landing", "../etc", "[]", "application/json", "r")
