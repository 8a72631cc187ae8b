"""In-memory fakes of every port, for handler and service tests. They live beside the real adapters so
they change with them."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import BinaryIO

import pyarrow as pa

from cdp.ports import HttpResponse, QueuedMessage, StoredObject


class MemoryObjectStore:
    """ObjectStore in a dict; keeps every version of an object, like a versioned bucket."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], list[bytes]] = {}
        self.put_at: dict[tuple[str, str], datetime] = {}

    def open(self, bucket: str, key: str, version_id: str | None = None) -> BinaryIO:
        versions = self.objects[(bucket, key)]
        return io.BytesIO(versions[int(version_id) - 1] if version_id else versions[-1])

    def head(self, bucket: str, key: str) -> StoredObject | None:
        versions = self.objects.get((bucket, key))
        if not versions:
            return None
        return StoredObject(key, len(versions[-1]), str(len(versions)), None, self.put_at[(bucket, key)])

    def get_bytes(self, bucket: str, key: str) -> bytes:
        return self.objects[(bucket, key)][-1]

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        self.objects.setdefault((bucket, key), []).append(bytes(data))
        self.put_at[(bucket, key)] = datetime.now(UTC)

    def list(self, bucket: str, prefix: str) -> Iterator[StoredObject]:
        for b, key in sorted(self.objects):
            if b == bucket and key.startswith(prefix) and self.objects[(b, key)]:
                yield StoredObject(key, len(self.objects[(b, key)][-1]), str(len(self.objects[(b, key)])))

    def delete(self, bucket: str, key: str) -> None:
        self.objects.pop((bucket, key), None)

    def purge(self, bucket: str, key: str) -> None:
        self.objects.pop((bucket, key), None)


class MemoryCatalog:
    """Catalog in a dict: table -> location, and the partitions registered."""

    def __init__(self, locations: Mapping[str, str] | None = None) -> None:
        self.locations: dict[str, str] = dict(locations or {})
        self.partitions: dict[str, dict[tuple[str, ...], str]] = {}

    def table_location(self, table: str) -> str:
        return self.locations[table]

    def set_table_location(self, table: str, location: str) -> None:
        if table not in self.locations:
            raise KeyError(table)
        self.locations[table] = location

    def add_partition(self, table: str, values: Mapping[str, str], location: str) -> None:
        self.partitions.setdefault(table, {}).setdefault(tuple(values.values()), location)

    def partition_locations(self, table: str) -> list[str]:
        return sorted(self.partitions.get(table, {}).values())


class MemorySecretStore:
    """SecretStore in a dict."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        self._secrets = dict(secrets)

    def get_secret(self, secret_id: str) -> str:
        return self._secrets[secret_id]


class ScriptedTransport:
    """HttpTransport that answers from a script of statuses and records every request it got."""

    def __init__(self, answer: Callable[[int, bytes], HttpResponse] | None = None) -> None:
        self.requests: list[tuple[str, bytes, dict[str, str]]] = []
        self._answer = answer or (lambda _n, _body: HttpResponse(200, {}, b"{}"))

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> HttpResponse:
        self.requests.append((url, body, dict(headers)))
        return self._answer(len(self.requests), body)


class StaticQueryEngine:
    """QueryEngine answering every query with a function of the SQL."""

    def __init__(self, answer: Callable[[str], pa.Table]) -> None:
        self._answer = answer
        self.queries: list[str] = []

    def query(self, sql: str) -> pa.Table:
        self.queries.append(sql)
        return self._answer(sql)


class MemoryQueue:
    """MessageQueue in a list; received messages stay until deleted, and are redelivered by `release`."""

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}
        self._in_flight: set[str] = set()
        self._next = 0

    def send(self, bodies: Sequence[str]) -> None:
        for body in bodies:
            self._next += 1
            self.messages[f"m{self._next}"] = body

    def receive(self, max_messages: int = 10) -> list[QueuedMessage]:
        visible = [m for m in self.messages if m not in self._in_flight][:max_messages]
        self._in_flight.update(visible)
        return [QueuedMessage(m, m, self.messages[m]) for m in visible]

    def delete(self, receipt: str) -> None:
        self.messages.pop(receipt, None)
        self._in_flight.discard(receipt)

    def release(self) -> None:
        """Make received but undeleted messages visible again (the visibility timeout ran out)."""
        self._in_flight.clear()


class MemoryKeyValueStore:
    """KeyValueStore in a dict."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, str]] = {}

    def put_items(self, items: Sequence[Mapping[str, str]]) -> None:
        for item in items:
            self.items[item["pk"]] = dict(item)

    def get_item(self, pk: str) -> dict[str, str] | None:
        return self.items.get(pk)

    def delete_items(self, pks: Sequence[str]) -> None:
        for pk in pks:
            self.items.pop(pk, None)
