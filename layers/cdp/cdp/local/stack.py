"""The whole local stack in one object: emulator, deployed template, config, API gateway, receiver."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from string import Template
from typing import Any

import pyarrow as pa

from cdp.adapters.aws import GlueCatalog, S3ObjectStore, SqsQueue
from cdp.local.athena import DuckDBQueryEngine
from cdp.local.deployer import Deployer, Stack
from cdp.local.emulator import EmbeddedAws
from cdp.local.gateway import LocalApiGateway
from cdp.local.poller import SqsPoller
from cdp.local.receiver import WebhookReceiver
from cdp.services import bootstrap
from cdp.services.activation import redrive
from cdp.services.lake import Buckets
from cdp.tables import HISTORY_TABLES

# Locally the functions query DuckDB instead of Athena; everything else runs as template.yaml says.
LOCAL_OVERRIDES = {"QUERY_ENGINE": "duckdb"}


class LocalCdp:
    """Deploys template.yaml on the embedded emulator and drives it like a user would."""

    def __init__(self, root: Path, stack_name: str = "cdp", log_level: str = "WARNING") -> None:
        self.root = root
        self.aws = EmbeddedAws()
        self.receiver = WebhookReceiver()
        self.stack_name = stack_name
        self.log_level = log_level
        self.stack: Stack
        self.gateway: LocalApiGateway
        self.pollers: list[SqsPoller] = []

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LocalCdp:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.aws.start()
        self.aws.invoker.before_invoke = bootstrap.reset
        self.receiver.start()
        self.stack = Deployer(
            self.aws,
            self.root,
            self.stack_name,
            parameters={"LogLevel": self.log_level},
            environment_overrides=LOCAL_OVERRIDES,
        ).deploy(self.root / "template.yaml")
        secret_arn = self.stack.physical["WebhookSigningSecret"]
        self.receiver.secret = self.aws.client("secretsmanager").get_secret_value(SecretId=secret_arn)[
            "SecretString"
        ]
        self.upload_config(self.root / "config")
        self.gateway = LocalApiGateway(
            self.stack.api_routes, self.stack.api_keys, self.aws.client("lambda")
        ).start()
        self.pollers = [
            SqsPoller(
                self.aws.client("sqs"),
                self.aws.client("lambda"),
                source["queue_arn"],
                source["function"],
                source["batch_size"],
                source["partial_failures"],
            ).start()
            for source in self.stack.queue_sources
        ]
        return self

    def stop(self) -> None:
        for part in (*self.pollers, getattr(self, "gateway", None), self.receiver):
            if part is not None:
                part.stop()
        self.aws.stop()

    def __enter__(self) -> LocalCdp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ resources
    @property
    def buckets(self) -> Buckets:
        b = self.stack.physical
        return Buckets(
            b["LandingBucket"],
            b["StagingBucket"],
            b["CuratedBucket"],
            b["QuarantineBucket"],
            b["ConfigBucket"],
        )

    @property
    def database(self) -> str:
        return self.stack.physical["GlueDatabase"]

    @property
    def store(self) -> S3ObjectStore:
        return S3ObjectStore(self.aws.client("s3"))

    def upload_config(self, folder: Path, variables: Mapping[str, str] | None = None) -> int:
        """Copy `config/` to the config bucket, filling `${LOCAL_RECEIVER_URL}` and other variables."""
        values = {"LOCAL_RECEIVER_URL": self.receiver.url, **(variables or {})}
        count = 0
        for path in sorted(folder.rglob("*.yaml")):
            text = Template(path.read_text(encoding="utf-8")).safe_substitute(values)
            self.store.put_bytes(
                self.buckets.config, path.relative_to(folder).as_posix(), text.encode(), "application/yaml"
            )
            count += 1
        return count

    # ------------------------------------------------------------------ using it
    def drop(self, path: Path, key: str) -> str | None:
        """Put a file into the landing bucket (the S3 notification runs the catalog function); returns
        the object's version id."""
        answer = self.aws.client("s3").put_object(
            Bucket=self.buckets.landing, Key=key, Body=path.read_bytes()
        )
        return answer.get("VersionId")

    def post_records(
        self,
        source: str,
        records: Sequence[Mapping[str, Any]],
        idempotency_key: str | None = None,
        body: bytes | None = None,
        api_key: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """POST a batch to the ingest API through the local gateway; returns (status, JSON body)."""
        data = (
            body
            if body is not None
            else "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
        )
        headers = {"Content-Type": "application/x-ndjson", "x-api-key": api_key or self.stack.api_keys[0]}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(
            f"{self.gateway.url}/v1/sources/{source}/records", data=data, headers=headers, method="POST"
        )
        return _json_exchange(request, timeout=120)

    def api_post(
        self, path: str, document: Mapping[str, Any], api_key: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POST a JSON document to the API through the local gateway; returns (status, JSON body)."""
        request = urllib.request.Request(
            f"{self.gateway.url}{path}",
            data=json.dumps(document).encode(),
            headers={"Content-Type": "application/json", "x-api-key": api_key or self.stack.api_keys[0]},
            method="POST",
        )
        return _json_exchange(request, timeout=120)

    def api_get(
        self, path: str, params: Mapping[str, str] | None = None, api_key: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        """GET a path of the API through the local gateway; returns (status, JSON body)."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        request = urllib.request.Request(
            f"{self.gateway.url}{path}{query}", headers={"x-api-key": api_key or self.stack.api_keys[0]}
        )
        return _json_exchange(request, timeout=60)

    def settle(self) -> None:
        """Wait until every S3 notification has been handled (they run asynchronously, as on AWS)."""
        self.aws.invoker.wait_idle()

    def run_unify(self, run_id: str, timeout_s: float = 600) -> dict[str, Any]:
        """Start the unify state machine (always with a name: moto overwrites unnamed executions) and wait."""
        sfn = self.aws.client("stepfunctions")
        arn = sfn.start_execution(
            stateMachineArn=self.stack.physical["UnifyStateMachine"],
            name=run_id,
            input=json.dumps({"trigger": "local"}),
        )["executionArn"]
        deadline = time.monotonic() + timeout_s
        while True:
            execution = sfn.describe_execution(executionArn=arn)
            if execution["status"] != "RUNNING" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        output = json.loads(execution.get("output") or "{}")
        return {
            "status": execution["status"],
            "output": output,
            "error": execution.get("error"),
            "cause": execution.get("cause"),
        }

    def settle_deliveries(self, timeout_s: float = 300) -> None:
        """Wait until the delivery queue is drained: every batch delivered or in the dead-letter queue."""
        for poller in self.pollers:
            poller.wait_idle(timeout_s)

    def queue(self, logical_id: str) -> SqsQueue:
        """One of the template's queues (e.g. DeliveryQueue, DeliveryDeadLetterQueue)."""
        return SqsQueue(self.stack.physical[logical_id], self.aws.client("sqs"))

    def dead_letters(self) -> int:
        """How many batches wait in the delivery dead-letter queue."""
        attributes = self.aws.client("sqs").get_queue_attributes(
            QueueUrl=self.stack.physical["DeliveryDeadLetterQueue"],
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(v) for v in attributes.values())

    def redrive(self) -> int:
        """Move the dead-letter batches back to the delivery queue (what `cdp redrive` does on AWS)."""
        return redrive(self.queue("DeliveryDeadLetterQueue"), self.queue("DeliveryQueue"))

    def query(self, sql: str) -> pa.Table:
        """Athena SQL over the current tables, on DuckDB."""
        return DuckDBQueryEngine(GlueCatalog(self.database, self.aws.client("glue")), self.store).query(sql)

    def reports(self) -> list[dict[str, Any]]:
        """Every object's staging report, staged or not."""
        found = []
        for bucket in (self.buckets.staging, self.buckets.quarantine):
            for item in self.store.list(bucket, "_reports/"):
                found.append(json.loads(self.store.get_bytes(bucket, item.key)))
        return sorted(found, key=lambda r: r["object_key"])

    def restore(self, folder: Path) -> int:
        """Load a lake saved by `export` (objects and the current table locations); returns objects loaded.

        Bucket names are the same in every local stack, so the folders map back one to one."""
        if not (folder / "catalog.json").is_file():
            return 0
        buckets = set(self.stack.of_type("AWS::S3::Bucket").values())
        loaded = 0
        with self.aws.invoker.notifications_off():
            for bucket_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name in buckets):
                for path in sorted(p for p in bucket_dir.rglob("*") if p.is_file()):
                    self.store.put_bytes(
                        bucket_dir.name, path.relative_to(bucket_dir).as_posix(), path.read_bytes()
                    )
                    loaded += 1
        catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        glue = GlueCatalog(self.database, self.aws.client("glue"))
        for table, location in catalog["tables"].items():
            glue.set_table_location(table, location)
        for table, locations in catalog.get("partitions", {}).items():
            for location in locations:
                run = location.rstrip("/").rsplit("run_id=", 1)[1]
                glue.add_partition(table, {"run_id": run}, location)
        # The repository's configuration wins over the saved one (drafts proposed by the catalog stay).
        self.upload_config(self.root / "config")
        return loaded

    def export(self, folder: Path) -> Path:
        """Copy every bucket and the catalog's table locations to a folder (what `cdp query --lake` reads)."""
        s3 = self.aws.client("s3")
        for bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
            for item in self.store.list(bucket, ""):
                target = folder / bucket / item.key
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(self.store.get_bytes(bucket, item.key))
        glue = GlueCatalog(self.database, self.aws.client("glue"))
        tables = self.aws.client("glue").get_tables(DatabaseName=self.database)["TableList"]
        catalog = {
            "database": self.database,
            "tables": {t["Name"]: glue.table_location(t["Name"]) for t in tables},
            # The committed runs of each history table (what Athena reads of them).
            "partitions": {t.name: glue.partition_locations(t.name) for t in HISTORY_TABLES.values()},
        }
        (folder / "catalog.json").write_text(json.dumps(catalog, indent=2), encoding="utf-8")
        return folder


def _json_exchange(request: urllib.request.Request, timeout: float) -> tuple[int, dict[str, Any]]:
    """Send a request to the loopback gateway; (status, JSON body), error statuses included."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback gateway
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
