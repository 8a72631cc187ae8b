"""The ports the services depend on. Real adapters (boto3, urllib) and in-memory fakes implement them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

import pyarrow as pa


@dataclass(frozen=True)
class StoredObject:
    """Metadata of one stored object."""

    key: str
    size: int
    version_id: str | None = None
    etag: str | None = None
    last_modified: datetime | None = None


class ObjectStore(Protocol):
    """S3-like object storage."""

    def open(self, bucket: str, key: str, version_id: str | None = None) -> BinaryIO:
        """A streaming, read-only binary file over the object."""
        ...

    def head(self, bucket: str, key: str) -> StoredObject | None:
        """The object's metadata, or None when it does not exist."""
        ...

    def get_bytes(self, bucket: str, key: str) -> bytes:
        """The whole object; raises KeyError when it does not exist."""
        ...

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        """Create or replace an object."""
        ...

    def list(self, bucket: str, prefix: str) -> Iterator[StoredObject]:
        """Objects under a prefix, in key order."""
        ...

    def delete(self, bucket: str, key: str) -> None:
        """Delete an object (used for derived data only, never for raw landed objects)."""
        ...

    def purge(self, bucket: str, key: str) -> None:
        """Delete an object with every version of it (erasure of raw objects, when explicitly asked)."""
        ...


class Catalog(Protocol):
    """Glue-like data catalog."""

    def table_location(self, table: str) -> str:
        """The table's current `s3://bucket/prefix/` location."""
        ...

    def set_table_location(self, table: str, location: str) -> None:
        """Move a table's location (the curated tables' "current" pointer)."""
        ...

    def add_partition(self, table: str, values: Mapping[str, str], location: str) -> None:
        """Register a partition; registering an existing one is a no-op."""
        ...

    def partition_locations(self, table: str) -> list[str]:
        """The locations of a table's registered partitions."""
        ...


class QueryEngine(Protocol):
    """Athena-like SQL engine over the catalog's tables (Trino SQL)."""

    def query(self, sql: str) -> pa.Table:
        """Run a query and return its rows."""
        ...


class SecretStore(Protocol):
    """Secrets Manager-like store."""

    def get_secret(self, secret_id: str) -> str:
        """The secret's string value."""
        ...


@dataclass(frozen=True)
class HttpResponse:
    """What an HTTP call returned."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class HttpTransport(Protocol):
    """Sends one HTTP request; raises OSError on connection failures."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> HttpResponse:
        """POST a body and return the response, whatever its status."""
        ...


@dataclass(frozen=True)
class QueuedMessage:
    """A message received from a queue; `receipt` deletes it."""

    message_id: str
    receipt: str
    body: str


class MessageQueue(Protocol):
    """SQS-like queue."""

    def send(self, bodies: Sequence[str]) -> None:
        """Enqueue messages (in order)."""
        ...

    def receive(self, max_messages: int = 10) -> list[QueuedMessage]:
        """Up to `max_messages` visible messages (none when the queue is empty)."""
        ...

    def delete(self, receipt: str) -> None:
        """Delete a received message."""
        ...


class KeyValueStore(Protocol):
    """DynamoDB-like store of items by a string key `pk` (the profile API's point reads)."""

    def put_items(self, items: Sequence[Mapping[str, str]]) -> None:
        """Create or replace items (each has a `pk`)."""
        ...

    def get_item(self, pk: str) -> dict[str, str] | None:
        """The item with this key, or None."""
        ...

    def delete_items(self, pks: Sequence[str]) -> None:
        """Delete the items with these keys (missing ones are ignored)."""
        ...
