"""Handlers run against moto's in-process AWS, with the environment template.yaml gives them."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from cdp.services import bootstrap
from cdp.tables import ALL_TABLES, hive_type
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
BUCKETS = {
    role: f"cdp-{role}-123456789012-eu-west-1"
    for role in ("landing", "staging", "curated", "quarantine", "config")
}
DATABASE = "cdp_cdp"


class Context:
    function_name = "test"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:test"
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


@pytest.fixture
def context() -> Context:
    return Context()


@pytest.fixture
def event() -> Callable[[str], dict[str, Any]]:
    return lambda name: json.loads((ROOT / "events" / f"{name}.json").read_text())


@pytest.fixture
def handler() -> Callable[[str], ModuleType]:
    def load(name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"handler_{name}", ROOT / "functions" / name / "app.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for role, name in BUCKETS.items():
        monkeypatch.setenv(f"{role.upper()}_BUCKET", name)
    monkeypatch.setenv("GLUE_DATABASE", DATABASE)
    monkeypatch.setenv("IDEMPOTENCY_TABLE", "idempotency")
    bootstrap.reset()
    with mock_aws():
        s3 = boto3.client("s3")
        for name in BUCKETS.values():
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        glue = boto3.client("glue")
        glue.create_database(DatabaseInput={"Name": DATABASE})
        for table in ALL_TABLES:
            zone_bucket = BUCKETS[table.zone.value]
            glue.create_table(
                DatabaseName=DATABASE,
                TableInput={
                    "Name": table.name,
                    "PartitionKeys": [{"Name": k, "Type": "string"} for k in table.partition_keys],
                    "StorageDescriptor": {
                        "Location": f"s3://{zone_bucket}/{table.prefix}/",
                        "Columns": [
                            {"Name": f.name, "Type": hive_type(f.type)}
                            for f in table.schema
                            if f.name not in table.partition_keys
                        ],
                    },
                },
            )
        boto3.client("dynamodb").create_table(
            TableName="idempotency",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        for path in (ROOT / "config").rglob("*.yaml"):
            s3.put_object(
                Bucket=BUCKETS["config"],
                Key=path.relative_to(ROOT / "config").as_posix(),
                Body=path.read_bytes(),
            )
        yield {"s3": s3, "glue": glue}
    bootstrap.reset()
