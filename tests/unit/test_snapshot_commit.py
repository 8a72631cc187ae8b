"""Snapshots and the current pointer: a run failing midway leaves every current table on the previous run;
the next successful run moves them all; committed runs stay queryable in the history tables."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from cdp.adapters.memory import MemoryCatalog
from cdp.local.athena import DuckDBQueryEngine
from cdp.model import Entity
from cdp.services.lake import Lake
from cdp.services.unify import COMMIT_STAGES, commit_run, merge_run
from cdp.tables import CUSTOMER_METRICS, IDENTITY_LEDGER, LINKS, TableDef

from tests.unit.lake_helpers import new_lake, stage, write_xref

GOLDEN_TABLES = [t.name for t in COMMIT_STAGES["golden"]]


def _resolve(lake: Lake, run_id: str) -> None:
    """What the resolve step leaves: xref, links and identity ledger snapshots."""
    write_xref(lake, run_id, {("crm", "1"): "C-1"})
    lake.write_snapshot(LINKS, run_id, LINKS.schema.empty_table())
    lake.write_snapshot(IDENTITY_LEDGER, run_id, IDENTITY_LEDGER.schema.empty_table())


def _current_runs(catalog: MemoryCatalog) -> set[str]:
    return {catalog.table_location(name).rstrip("/").rsplit("run_id=", 1)[1] for name in GOLDEN_TABLES}


class FailingCatalog(MemoryCatalog):
    """Moving the nth table pointer fails, as a Glue throttle or outage would."""

    def __init__(self, locations: Mapping[str, str], fail_on: int) -> None:
        super().__init__(locations)
        self.moves, self.fail_on = 0, fail_on

    def set_table_location(self, table: str, location: str) -> None:
        self.moves += 1
        if self.moves == self.fail_on:
            raise ConnectionError(f"glue unavailable while moving {table}")
        super().set_table_location(table, location)


@pytest.fixture
def lake_after_one_run() -> tuple[Lake, MemoryCatalog]:
    lake, catalog = new_lake()
    stage(lake, Entity.CONTACT, "crm", [{"source_id": "1", "last_name": "Roux", "first_name": "Anne"}])
    _resolve(lake, "run-1")
    merge_run(lake, "run-1")
    commit_run(lake, catalog, "run-1", "golden")
    return lake, catalog


def test_a_merge_failing_after_some_tables_leaves_every_table_on_the_previous_run(
    lake_after_one_run: tuple[Lake, MemoryCatalog], monkeypatch: pytest.MonkeyPatch
) -> None:
    lake, catalog = lake_after_one_run
    # Given a second run whose merge dies after writing golden_contact and golden_account
    _resolve(lake, "run-2")
    original = Lake.write_snapshot

    def dying(self: Lake, table: TableDef, run_id: str, data: object) -> str:
        if table is CUSTOMER_METRICS:
            raise MemoryError("the merge ran out of memory")
        return original(self, table, run_id, data)  # type: ignore[arg-type]

    monkeypatch.setattr(Lake, "write_snapshot", dying)
    with pytest.raises(MemoryError):
        merge_run(lake, "run-2")
    monkeypatch.undo()
    # When the commit step runs anyway (a retry, a replay)
    with pytest.raises(RuntimeError, match="customer_metrics is missing"):
        commit_run(lake, catalog, "run-2", "golden")
    # Then every current table is still run-1's, and history does not list run-2
    assert _current_runs(catalog) == {"run-1"}
    assert all(len(catalog.partition_locations(f"{name}_history")) == 1 for name in GOLDEN_TABLES)


def test_a_commit_failing_midway_moves_the_pointers_back_and_the_next_success_moves_them_all(
    lake_after_one_run: tuple[Lake, MemoryCatalog],
) -> None:
    lake, committed = lake_after_one_run
    # Given a complete second run, and a catalog that fails on the third pointer it moves
    _resolve(lake, "run-2")
    merge_run(lake, "run-2")
    catalog = FailingCatalog(committed.locations, fail_on=3)
    catalog.partitions = committed.partitions
    # When the commit fails
    with pytest.raises(ConnectionError):
        commit_run(lake, catalog, "run-2", "golden")
    # Then the two pointers already moved are back on run-1
    assert _current_runs(catalog) == {"run-1"}
    # And when the commit is retried, every table moves to run-2 and history holds both runs
    commit_run(lake, catalog, "run-2", "golden")
    assert _current_runs(catalog) == {"run-2"}
    catalog.database = "cdp"  # type: ignore[attr-defined]
    history = DuckDBQueryEngine(catalog, lake.store).query(  # type: ignore[arg-type]
        "SELECT run_id, count(*) AS n FROM golden_contact_history GROUP BY run_id ORDER BY run_id"
    )
    assert history.to_pylist() == [{"run_id": "run-1", "n": 1}, {"run_id": "run-2", "n": 1}]
