"""Identity over time: stable ids by the ledger's rule, manual overrides, incremental `cdp resolve`."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from cdp.resolve import CONTACT_SETTINGS, resolve_records
from cdp.resolve.cluster import cluster
from cdp.resolve.ledger import LedgerEventType, PreviousIds, assign_ids, new_id
from cdp.resolve.overrides import OverrideError, make_override, parse_overrides
from cdp.resolve.training import Model
from cdp.services.batch_resolve import InputError, add_override, resolve_stream
from cdp.services.resolve_folder import ResolveFolder

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _assign(labels: list[int], previous: PreviousIds, keys: str = "abcdefgh") -> tuple[list[str], list]:
    sources = ["crm"] * len(labels)
    result = assign_ids("C", sources, list(keys[: len(labels)]), np.array(labels), previous)
    return result.ids, result.events


def _partition(ids: list[str]) -> set[frozenset[int]]:
    groups: dict[str, set[int]] = {}
    for row, entity in enumerate(ids):
        groups.setdefault(entity, set()).add(row)
    return {frozenset(g) for g in groups.values()}


def test_first_run_ids_come_from_the_smallest_record_and_an_unchanged_rerun_makes_no_event() -> None:
    # Given a first run of two clusters
    ids, events = _assign([0, 0, 1], PreviousIds())
    assert ids[0] == ids[1] == new_id("C", "crm", "a") and ids[2] == new_id("C", "crm", "c")
    assert [e.event for e in events] == [LedgerEventType.CREATED, LedgerEventType.CREATED]
    # When the same clusters come again (whatever their labels)
    previous = PreviousIds(dict(zip(["crm:a", "crm:b", "crm:c"], ids, strict=True)), {i: "2026" for i in ids})
    again, events = _assign([7, 7, 3], previous)
    # Then the ids are identical and nothing is recorded
    assert again == ids and events == []


def test_a_merge_keeps_the_id_of_most_records_then_the_oldest_and_records_the_other_as_merged() -> None:
    # Given three previous ids: X on a and b, Y (older) on c, Z (older still) on d
    previous = PreviousIds(
        {"crm:a": "X", "crm:b": "X", "crm:c": "Y", "crm:d": "Z"},
        {"X": "2026-03", "Y": "2026-02", "Z": "2026-01"},
    )
    # When a, b and c become one cluster, and d stays alone
    ids, events = _assign([0, 0, 0, 1], previous)
    # Then X (most records) survives and Y is merged into it
    assert ids == ["X", "X", "X", "Z"]
    assert [(e.event, e.customer_id, e.other_id, e.record_keys) for e in events] == [
        (LedgerEventType.MERGED, "X", "Y", ("crm:c",))
    ]
    # When instead c and d join (one record each): the oldest id, Z, survives
    ids, events = _assign([0, 0, 1, 1], previous)
    assert ids == ["X", "X", "Z", "Z"]
    assert [(e.event, e.customer_id, e.other_id) for e in events] == [(LedgerEventType.MERGED, "Z", "Y")]


def test_a_split_leaves_the_id_to_the_larger_part_and_gives_the_other_a_new_one() -> None:
    # Given one previous id on a, b and c
    previous = PreviousIds({"crm:a": "X", "crm:b": "X", "crm:c": "X"}, {"X": "2026-01"})
    # When a leaves b and c
    ids, events = _assign([0, 1, 1], previous)
    # Then b and c keep X, a gets a new id, and the ledger has the creation and the split
    assert ids[1] == ids[2] == "X" and ids[0] == new_id("C", "crm", "a") != "X"
    assert [(e.event, e.customer_id, e.other_id, e.record_keys) for e in events] == [
        (LedgerEventType.CREATED, ids[0], None, ("crm:a",)),
        (LedgerEventType.SPLIT, "X", ids[0], ("crm:a",)),
    ]


def test_a_new_id_never_reuses_an_id_ever_issued() -> None:
    # Given the id a record's key would give is taken
    taken = new_id("C", "crm", "a")
    # Then the next candidate is used
    assert new_id("C", "crm", "a", {taken}) not in {taken}


def test_clustering_joins_force_linked_records_and_never_force_separated_ones_even_through_a_chain() -> None:
    # Given strong links a-b and b-c, and a weak-evidence-free record d
    left, right, strength = np.array([0, 1]), np.array([1, 2]), np.array([20.0, 19.0])
    # When a and c are force-separated and c and d force-linked
    labels, report = cluster(4, left, right, strength, force_linked=[(2, 3)], force_separated=[(0, 2)])
    # Then a and c never share a cluster, c and d do, and the refusal is counted
    assert labels[0] != labels[2] and labels[2] == labels[3] and labels[0] == labels[1]
    assert report.refused_separated == 1


def test_overrides_are_validated() -> None:
    with pytest.raises(OverrideError, match="source:source_id"):
        make_override("link", "crm1", "web:a", "alice", "same person", T0)
    with pytest.raises(OverrideError, match="who"):
        make_override("separate", "crm:1", "web:a", " ", "why", T0)
    with pytest.raises(OverrideError, match="same record"):
        make_override("link", "crm:1", "crm:1", "alice", "why", T0)
    override = make_override("separate", "crm:1", "web:a", "alice", "sisters", T0)
    assert parse_overrides([override.to_dict()]) == [override]


ROWS = [
    ("crm", "1", "Marie", "Dupont", "marie.dupont@orange.fr", "0612345678", "75011"),
    ("web", "a", "marie", "dupont", "marie.dupont@orange.fr", "+33612345678", "75011"),
    ("crm", "2", "Jean", "Martin", "jean.martin@free.fr", "0698765432", "69001"),
]
HEADER = ("source", "source_id", "first_name", "last_name", "email", "phone", "postcode")


def _csv(rows: list[tuple[str, ...]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def _resolve(rows: list[tuple[str, ...]] | None, out: Path, full: bool = False, hour: int = 0):  # noqa: ANN202
    stream = _csv(rows) if rows is not None else None
    result = resolve_stream(stream, "in.csv", workers=1, out=out, full=full, now=T0.replace(hour=hour))
    result.write(out)
    return result


def _id_of(result) -> dict[str, str]:  # noqa: ANN001
    xref = result.xref.to_pydict()
    return {
        f"{s}:{i}": c for s, i, c in zip(xref["source"], xref["source_id"], xref["customer_id"], strict=True)
    }


def test_a_force_separation_survives_reruns_that_would_merge_and_the_ledger_records_the_unlink(
    tmp_path: Path,
) -> None:
    # Given a folder where crm:1 and web:a resolved to one customer
    first = _id_of(_resolve(ROWS, tmp_path))
    assert first["crm:1"] == first["web:a"]
    # When a steward unlinks them
    add_override(tmp_path, "separate", "crm:1", "web:a", "alice", "two sisters", T0.replace(hour=1))
    undone = _id_of(_resolve(None, tmp_path, hour=2))
    # Then they are apart, the larger part (ties: the smallest record) keeps the id, and the ledger says so
    assert undone["crm:1"] == first["crm:1"] != undone["web:a"]
    ledger = ResolveFolder.open(tmp_path).ledger().to_pylist()
    last = [(r["event"], r["customer_id"], r["other_id"]) for r in ledger if r["at"].hour == 2]
    assert ("split", first["crm:1"], undone["web:a"]) in last
    assert ("unlinked", first["crm:1"], undone["web:a"]) in last
    assert json.loads(ledger[-1]["evidence"])["why"] == "two sisters"
    # When the same records come again, incrementally and then in a full run
    for full in (False, True):
        again = _resolve(ROWS, tmp_path, full=full, hour=3 + full)
        # Then they stay apart with the same ids, and nothing new happens
        assert _id_of(again) == undone and again.summary["ledger_events"] == {}


def test_link_joins_records_and_unknown_records_are_refused(tmp_path: Path) -> None:
    # Given two different customers
    before = _id_of(_resolve(ROWS, tmp_path))
    assert before["crm:1"] != before["crm:2"]
    # When they are force-linked
    add_override(tmp_path, "link", "crm:2", "crm:1", "bob", "same person, moved", T0.replace(hour=1))
    after = _resolve(None, tmp_path, hour=2)
    # Then all three records are one customer: crm:1's id (held by two records) survived, crm:2's merged
    assert set(_id_of(after).values()) == {before["crm:1"]}
    assert after.summary["ledger_events"] == {"merged": 1, "forced_link": 1}
    with pytest.raises(InputError, match="no record"):
        add_override(tmp_path, "link", "crm:9", "crm:1", "bob", "why", T0)


def _people(count: int, seed: int) -> list[tuple[str, ...]]:
    """Persons with one to three records each, with typos, missing fields and namesakes."""
    rng = random.Random(seed)
    firsts = ["marie", "jean", "pierre", "sophie", "luc", "anne", "paul", "julie", "marc", "lea"]
    lasts = [
        "martin",
        "bernard",
        "dubois",
        "thomas",
        "robert",
        "richard",
        "petit",
        "durand",
        "leroy",
        "moreau",
    ]
    rows = []
    for person in range(count):
        first, last = rng.choice(firsts), rng.choice(lasts) + ("" if person % 3 else f"{person % 7}")
        email = f"{first}.{last}{person}@example.fr"
        phone = f"06{person:08d}"
        postcode = f"{75001 + person % 20}"
        for copy in range(rng.randint(1, 3)):
            name = first if copy != 2 else first[:-1] + "x"
            rows.append(
                (
                    ["crm", "web", "shop"][copy],
                    f"{person}-{copy}",
                    name,
                    last,
                    email if copy != 1 or person % 4 else "",
                    phone if copy != 2 else "",
                    postcode,
                )
            )
    rng.shuffle(rows)
    return rows


def test_incremental_equals_a_full_run_on_the_union_with_the_same_model(tmp_path: Path) -> None:
    # Given a base resolved in full, and new records, some of the same persons
    rows = _people(600, seed=3)
    base, new = rows[:900], rows[900:]
    base_result = _resolve(base, tmp_path)
    # When the new records are added incrementally
    incremental = _resolve(new, tmp_path, hour=1)
    assert incremental.summary["mode"] == "incremental"
    assert incremental.summary["fresh_records"] == len(new)
    # Then the clusters are a full run's on the union with the base's model
    model = Model.from_dict(base_result.model["model"], CONTACT_SETTINGS)
    union = ResolveFolder.open(tmp_path).records().drop_columns(["row"])
    full = resolve_records(union, CONTACT_SETTINGS, model=model)
    assert _partition(incremental.xref["customer_id"].to_pylist()) == _partition(full.ids)
    # And base records kept their ids unless the ledger says their cluster merged or split
    before, after = _id_of(base_result), _id_of(incremental)
    changed = {k for k in before if before[k] != after[k]}
    touched = {
        key
        for row in ResolveFolder.open(tmp_path).ledger().to_pylist()
        if row["at"].hour == 1 and row["event"] in ("merged", "split")
        for key in row["record_keys"]
    }
    assert changed <= touched
    # When the same input is sent again
    again = _resolve(new, tmp_path, hour=2)
    # Then nothing is fresh, ids are identical and no event is recorded
    assert again.summary["fresh_records"] == 0 and again.summary["ledger_events"] == {}
    assert _id_of(again) == after


def test_runs_that_change_records_keep_the_clusters_and_links_of_a_full_run_on_the_union(
    tmp_path: Path,
) -> None:
    # Given a base resolved in full
    rows = _people(500, seed=11)
    base_result = _resolve(rows[:700], tmp_path)
    model = Model.from_dict(base_result.model["model"], CONTACT_SETTINGS)
    # When two later runs each bring new records and change earlier ones (another postcode, no e-mail)
    for hour, (start, stop) in enumerate([(700, 780), (780, len(rows))], start=1):
        changed = [(*row[:4], "", row[5], "13001") for row in rows[start - 60 : start - 30]]
        result = _resolve(rows[start:stop] + changed, tmp_path, hour=hour)
        assert result.summary["fresh_records"] == stop - start + len(changed)
        assert result.summary["customers"] == len(set(result.xref["customer_id"].to_pylist()))
        # Then the clusters are a full run's on the union with the base's model
        folder = ResolveFolder.open(tmp_path)
        assert folder is not None
        full = resolve_records(folder.records().drop_columns(["row"]), CONTACT_SETTINGS, model=model)
        assert _partition(result.xref["customer_id"].to_pylist()) == _partition(full.ids)
        # And the folder's current accepted links are the full run's, each once
        links = folder.links(["left_row", "right_row", "accepted"]).to_pylist()
        accepted = [(link["left_row"], link["right_row"]) for link in links if link["accepted"]]
        expected = np.flatnonzero(full.pairs.accepted)
        assert len(accepted) == len(set(accepted))
        assert set(accepted) == set(
            zip(full.pairs.left[expected].tolist(), full.pairs.right[expected].tolist(), strict=True)
        )


def test_a_first_run_names_clusters_as_the_general_rule_does() -> None:
    # Given records in clusters, some sharing a label, from several sources
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 400, 1000)
    sources = [str(rng.choice(["crm", "web", "pos"])) for _ in range(1000)]
    source_ids = [f"{rng.integers(0, 5000)}-{i}" for i in range(1000)]
    # When ids are assigned with no previous ids (the first run's shortcut), and by the general rule
    # (a previous id on no record of this run forces it)
    first = assign_ids("C", sources, source_ids, labels, PreviousIds())
    general = assign_ids(
        "C", sources, source_ids, labels, PreviousIds(ids={"gone:1": "C-gone"}, created={"C-gone": "0"})
    )
    # Then both give the same ids and the same creation events
    assert first.ids == general.ids and first.events == general.events
    assert len(first.events) == len(set(labels.tolist()))


def test_a_changed_record_leaving_a_block_over_the_cap_lets_an_incremental_run_pair_the_others(
    tmp_path: Path,
) -> None:
    # Given four Marie Duponts born the same day in four cities, under a cap of three records per block:
    # every block holding them is over the cap, so no pair is made
    settings = replace(CONTACT_SETTINGS, max_block_size=3)
    header = ("source", "source_id", "first_name", "last_name", "birth_date", "postcode")
    cities = ["75011", "69001", "13001", "33000"]
    rows = [(f"s{k}", str(k), "Marie", "Dupont", "1980-05-17", city) for k, city in enumerate(cities)]

    def run(records: list[tuple[str, ...]], hour: int):  # noqa: ANN202
        text = io.StringIO()
        csv.writer(text).writerows([header, *records])
        stream = io.BytesIO(text.getvalue().encode())
        result = resolve_stream(
            stream, "in.csv", workers=1, out=tmp_path, now=T0.replace(hour=hour), settings=settings
        )
        result.write(tmp_path)
        return result

    first = run(rows, 0)
    assert len(set(first.xref["customer_id"].to_pylist())) == 4
    # When the fourth becomes Paul Durand, born another day: the blocks of the three others fall to three
    changed = run([("s3", "3", "Paul", "Durand", "1975-02-02", "33000")], 1)
    # Then the incremental run pairs the three as a full run on the union does, and they are one person
    folder = ResolveFolder.open(tmp_path)
    assert folder is not None
    model = Model.from_dict(first.model["model"], settings)
    full = resolve_records(folder.records().drop_columns(["row"]), settings, model=model)
    ids = changed.xref["customer_id"].to_pylist()
    assert _partition(ids) == _partition(full.ids)
    assert ids[0] == ids[1] == ids[2] != ids[3]
