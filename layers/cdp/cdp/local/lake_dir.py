"""A lake exported to a folder (one sub-folder per bucket, plus catalog.json), queryable offline."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cdp.ports import StoredObject
from cdp.services.lake import Buckets


class FolderObjectStore:
    """ObjectStore over `<root>/<bucket>/<key>` files (read-mostly: used to query an exported lake)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def open(self, bucket: str, key: str, version_id: str | None = None) -> BinaryIO:
        return io.BytesIO(self.get_bytes(bucket, key))

    def head(self, bucket: str, key: str) -> StoredObject | None:
        path = self.root / bucket / key
        return StoredObject(key, path.stat().st_size) if path.is_file() else None

    def get_bytes(self, bucket: str, key: str) -> bytes:
        path = self.root / bucket / key
        if not path.is_file():
            raise KeyError(f"{bucket}/{key}")
        return path.read_bytes()

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        path = self.root / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def list(self, bucket: str, prefix: str) -> Iterator[StoredObject]:
        base = self.root / bucket
        for path in sorted(base.rglob("*")):
            key = path.relative_to(base).as_posix()
            if path.is_file() and key.startswith(prefix):
                yield StoredObject(key, path.stat().st_size)

    def delete(self, bucket: str, key: str) -> None:
        (self.root / bucket / key).unlink(missing_ok=True)

    def purge(self, bucket: str, key: str) -> None:
        self.delete(bucket, key)  # a folder keeps no versions


def folder_buckets(root: Path) -> Buckets:
    """The bucket of each role in an exported lake (`<prefix>-<role>-<account>-<region>` folders)."""
    found = {}
    for path in root.iterdir():
        match = re.search(r"-(landing|staging|curated|quarantine|config)-\d{12}-", path.name)
        if path.is_dir() and match:
            found[match.group(1)] = path.name
    missing = sorted({"landing", "staging", "curated", "quarantine", "config"} - set(found))
    if missing:
        raise FileNotFoundError(f"{root}: no bucket folder for {', '.join(missing)}")
    return Buckets(**found)


def folder_outbox(root: Path) -> str | None:
    """The outbox bucket's folder in an exported lake, if the stack had one."""
    found = [p.name for p in root.iterdir() if p.is_dir() and re.search(r"-outbox-\d{12}-", p.name)]
    return found[0] if found else None


class FolderCatalog:
    """The table locations saved in `catalog.json`."""

    def __init__(self, root: Path) -> None:
        document = json.loads((root / "catalog.json").read_text(encoding="utf-8"))
        self.database: str = document["database"]
        self._locations: dict[str, str] = document["tables"]
        self._partitions: dict[str, list[str]] = document.get("partitions", {})

    def table_location(self, table: str) -> str:
        return self._locations[table]

    def partition_locations(self, table: str) -> list[str]:
        return self._partitions.get(table, [])

    def tables(self) -> list[str]:
        return sorted(self._locations)
