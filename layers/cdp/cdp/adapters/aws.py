"""boto3 adapters: S3 object store, Glue catalog, Athena query engine, Secrets Manager, SSM, SQS, DynamoDB.

Clients honour `AWS_ENDPOINT_URL`, so the same code talks to AWS, to the embedded moto server or to
LocalStack.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, BinaryIO, cast

import boto3
import pyarrow as pa
from botocore.exceptions import ClientError

from cdp.ports import QueuedMessage, StoredObject


class S3ObjectStore:
    """ObjectStore over S3."""

    def __init__(self, client: Any | None = None) -> None:
        self._s3 = client or boto3.client("s3")

    def open(self, bucket: str, key: str, version_id: str | None = None) -> BinaryIO:
        extra = {"VersionId": version_id} if version_id else {}
        return cast(BinaryIO, self._s3.get_object(Bucket=bucket, Key=key, **extra)["Body"])

    def head(self, bucket: str, key: str) -> StoredObject | None:
        try:
            meta = self._s3.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return StoredObject(
            key,
            meta["ContentLength"],
            meta.get("VersionId"),
            meta.get("ETag", "").strip('"'),
            meta.get("LastModified"),
        )

    def get_bytes(self, bucket: str, key: str) -> bytes:
        try:
            return cast(bytes, self._s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except ClientError as error:
            if error.response["Error"]["Code"] in {"404", "NoSuchKey"}:
                raise KeyError(f"s3://{bucket}/{key}") from error
            raise

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        self._s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)

    def list(self, bucket: str, prefix: str) -> Iterator[StoredObject]:
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield StoredObject(item["Key"], item["Size"], None, item.get("ETag", "").strip('"'))

    def delete(self, bucket: str, key: str) -> None:
        self._s3.delete_object(Bucket=bucket, Key=key)

    def purge(self, bucket: str, key: str) -> None:
        pages = self._s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key)
        for page in pages:
            for version in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if version["Key"] == key:
                    self._s3.delete_object(Bucket=bucket, Key=key, VersionId=version["VersionId"])


class GlueCatalog:
    """Catalog over one Glue database."""

    def __init__(self, database: str, client: Any | None = None) -> None:
        self._glue = client or boto3.client("glue")
        self.database = database

    def _table(self, table: str) -> dict[str, Any]:
        try:
            return cast(dict[str, Any], self._glue.get_table(DatabaseName=self.database, Name=table)["Table"])
        except ClientError as error:
            if error.response["Error"]["Code"] == "EntityNotFoundException":
                raise KeyError(f"table {self.database}.{table}") from error
            raise

    def table_location(self, table: str) -> str:
        return cast(str, self._table(table)["StorageDescriptor"]["Location"])

    def set_table_location(self, table: str, location: str) -> None:
        current = self._table(table)
        # update_table takes a TableInput: only the writable keys of the table description.
        writable = {
            "Name",
            "Description",
            "Owner",
            "Retention",
            "StorageDescriptor",
            "PartitionKeys",
            "TableType",
            "Parameters",
            "ViewOriginalText",
            "ViewExpandedText",
        }
        table_input = {k: v for k, v in current.items() if k in writable}
        table_input["StorageDescriptor"] = {**current["StorageDescriptor"], "Location": location}
        self._glue.update_table(DatabaseName=self.database, TableInput=table_input)

    def add_partition(self, table: str, values: Mapping[str, str], location: str) -> None:
        descriptor = self._table(table)
        keys = [key["Name"] for key in descriptor.get("PartitionKeys", [])]
        storage = {**descriptor["StorageDescriptor"], "Location": location}
        try:
            self._glue.create_partition(
                DatabaseName=self.database,
                TableName=table,
                PartitionInput={"Values": [values[key] for key in keys], "StorageDescriptor": storage},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "AlreadyExistsException":
                raise

    def partition_locations(self, table: str) -> list[str]:
        pages = self._glue.get_paginator("get_partitions").paginate(
            DatabaseName=self.database, TableName=table
        )
        return sorted(
            partition["StorageDescriptor"]["Location"] for page in pages for partition in page["Partitions"]
        )


class AthenaQueryEngine:
    """QueryEngine over Athena (the database and workgroup name the tables and the result location)."""

    def __init__(
        self, database: str, workgroup: str, client: Any | None = None, poll_seconds: float = 0.5
    ) -> None:
        self._athena = client or boto3.client("athena")
        self._database = database
        self._workgroup = workgroup
        self._poll = poll_seconds

    def query(self, sql: str) -> pa.Table:
        execution_id = self._athena.start_query_execution(
            QueryString=sql, QueryExecutionContext={"Database": self._database}, WorkGroup=self._workgroup
        )["QueryExecutionId"]
        while True:
            status = self._athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"][
                "Status"
            ]
            if status["State"] in {"SUCCEEDED", "FAILED", "CANCELLED"}:
                break
            time.sleep(self._poll)
        if status["State"] != "SUCCEEDED":
            raise RuntimeError(f"Athena query {status['State']}: {status.get('StateChangeReason', '')}")
        columns: list[str] = []
        rows: list[list[str | None]] = []
        for page_no, page in enumerate(
            self._athena.get_paginator("get_query_results").paginate(QueryExecutionId=execution_id)
        ):
            result_rows = page["ResultSet"]["Rows"]
            if page_no == 0:
                columns = [c["Name"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
                result_rows = result_rows[1:]  # the first row of the first page repeats the header
            rows += [[cell.get("VarCharValue") for cell in row["Data"]] for row in result_rows]
        return pa.table({name: [row[i] for row in rows] for i, name in enumerate(columns)})


class SecretsManagerStore:
    """SecretStore over Secrets Manager."""

    def __init__(self, client: Any | None = None) -> None:
        self._secrets = client or boto3.client("secretsmanager")

    def get_secret(self, secret_id: str) -> str:
        return cast(str, self._secrets.get_secret_value(SecretId=secret_id)["SecretString"])


class SsmParameterStore:
    """SecretStore over SSM Parameter Store (SecureString parameters are decrypted)."""

    def __init__(self, client: Any | None = None) -> None:
        self._ssm = client or boto3.client("ssm")

    def get_secret(self, secret_id: str) -> str:
        return cast(str, self._ssm.get_parameter(Name=secret_id, WithDecryption=True)["Parameter"]["Value"])


class SqsQueue:
    """MessageQueue over one SQS queue."""

    def __init__(self, queue_url: str, client: Any | None = None) -> None:
        self._sqs = client or boto3.client("sqs")
        self.url = queue_url

    def send(self, bodies: Sequence[str]) -> None:
        for start in range(0, len(bodies), 10):  # SendMessageBatch takes at most 10 entries
            entries = [{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies[start : start + 10])]
            answer = self._sqs.send_message_batch(QueueUrl=self.url, Entries=entries)
            if answer.get("Failed"):
                raise RuntimeError(f"SQS refused {len(answer['Failed'])} message(s): {answer['Failed'][0]}")

    def receive(self, max_messages: int = 10) -> list[QueuedMessage]:
        answer = self._sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=max_messages)
        messages = answer.get("Messages", [])
        return [QueuedMessage(m["MessageId"], m["ReceiptHandle"], m["Body"]) for m in messages]

    def delete(self, receipt: str) -> None:
        self._sqs.delete_message(QueueUrl=self.url, ReceiptHandle=receipt)


class DynamoDbStore:
    """KeyValueStore over one DynamoDB table keyed by `pk` (string attributes only)."""

    def __init__(self, table_name: str, resource: Any | None = None) -> None:
        self._table = (resource or boto3.resource("dynamodb")).Table(table_name)

    def put_items(self, items: Sequence[Mapping[str, str]]) -> None:
        with self._table.batch_writer(overwrite_by_pkeys=["pk"]) as batch:
            for item in items:
                batch.put_item(Item=dict(item))

    def get_item(self, pk: str) -> dict[str, str] | None:
        return cast(dict[str, str] | None, self._table.get_item(Key={"pk": pk}).get("Item"))

    def delete_items(self, pks: Sequence[str]) -> None:
        with self._table.batch_writer(overwrite_by_pkeys=["pk"]) as batch:
            for pk in pks:
                batch.delete_item(Key={"pk": pk})
