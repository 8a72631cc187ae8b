"""Athena on DuckDB: the same Trino SQL over the same Parquet, table locations read from the catalog.

moto's Athena answers canned rows only, so locally queries run here: sqlglot transpiles the SQL from
Athena's dialect to DuckDB's, and every table the query names is loaded from its catalog location
(partition columns restored from Hive-style paths).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from cdp.ports import ObjectStore
from cdp.services.lake import from_parquet, parse_location
from cdp.tables import ALL_TABLES, TableDef


class TableCatalog(Protocol):
    """What the engine needs of a catalog: where a table lives."""

    database: str

    def table_location(self, table: str) -> str: ...

    def partition_locations(self, table: str) -> list[str]: ...


class QueryError(ValueError):
    """The SQL cannot run; the message says why."""


_KNOWN: dict[str, TableDef] = {t.name: t for t in ALL_TABLES}


def to_duckdb_sql(sql: str) -> str:
    """Transpile Athena (Trino) SQL to DuckDB SQL."""
    try:
        return ";\n".join(sqlglot.transpile(sql, read="athena", write="duckdb"))
    except sqlglot.errors.ParseError as error:
        raise QueryError(f"cannot parse the SQL: {error}") from error


def referenced_tables(sql: str) -> set[tuple[str | None, str]]:
    """(database, table) pairs a query reads; CTE names are not tables."""
    try:
        tree = sqlglot.parse_one(sql, read="athena")
    except sqlglot.errors.ParseError as error:
        raise QueryError(f"cannot parse the SQL: {error}") from error
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return {(t.db or None, t.name) for t in tree.find_all(exp.Table) if t.name not in ctes}


class DuckDBQueryEngine:
    """QueryEngine over a catalog and an object store."""

    def __init__(self, catalog: TableCatalog, store: ObjectStore) -> None:
        self._catalog = catalog
        self._store = store

    def _objects(self, name: str, known: TableDef | None) -> Iterator[tuple[str, str, str]]:
        """(bucket, key, key relative to the table's location) of each object the table reads: a history
        table, like Athena, only its registered partitions (the committed runs)."""
        location = self._catalog.table_location(name)
        roots = [location]
        if known is not None and known.history_of:
            roots = self._catalog.partition_locations(name)
        _bucket, table_prefix = parse_location(location)
        for root in roots:
            bucket, prefix = parse_location(root)
            for item in self._store.list(bucket, prefix):
                yield bucket, item.key, item.key[len(table_prefix) :]

    def _load(self, name: str) -> pa.Table:
        known = _KNOWN.get(name)
        location = self._catalog.table_location(name)
        pieces = []
        for bucket, key, relative in self._objects(name, known):
            if not key.endswith(".parquet") or any(
                part.startswith(("_", ".")) for part in relative.split("/")
            ):
                continue
            piece = from_parquet(self._store.get_bytes(bucket, key))
            for part in relative.split("/")[:-1]:
                if "=" in part:
                    column, value = part.split("=", 1)
                    if column not in piece.column_names:
                        piece = piece.append_column(column, pa.array([value] * piece.num_rows, pa.string()))
            pieces.append(piece)
        if known is not None:
            if not pieces:
                return known.schema.empty_table()
            return pa.concat_tables(
                [p.select([n for n in known.schema.names if n in p.column_names]) for p in pieces],
                promote_options="default",
            )
        if not pieces:
            raise QueryError(f"table {name} has no data at {location}")
        return pa.concat_tables(pieces, promote_options="default")

    def query(self, sql: str) -> pa.Table:
        """Run Athena SQL; returns the rows as Arrow."""
        connection = duckdb.connect()
        database = self._catalog.database
        connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{database}"')
        for db, name in referenced_tables(sql):
            if db not in (None, database):
                raise QueryError(f"unknown database {db!r}; the local catalog is {database!r}")
            try:
                data = self._load(name)
            except KeyError as error:
                raise QueryError(f"unknown table {name!r}") from error
            connection.register(f"_arrow_{name}", data)
            connection.execute(f'CREATE VIEW "{name}" AS SELECT * FROM "_arrow_{name}"')
            connection.execute(f'CREATE VIEW "{database}"."{name}" AS SELECT * FROM "_arrow_{name}"')
        try:
            return connection.sql(to_duckdb_sql(sql)).to_arrow_table()
        except duckdb.Error as error:
            raise QueryError(str(error).splitlines()[0]) from error
        finally:
            connection.close()
