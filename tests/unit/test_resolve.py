"""Resolution pieces on small hand-made cases."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
from cdp.resolve import CONTACT_SETTINGS, resolve_records
from cdp.resolve.blocking import candidate_pairs
from cdp.resolve.cluster import cluster
from cdp.resolve.compare import compare, weight
from cdp.resolve.settings import Comparison, Level


def _contacts(rows: list[dict]) -> pa.Table:
    defaults = {"email_valid": True, "phone_valid": True, "birth_date_valid": True, "customer_number": None}
    return pa.Table.from_pylist([{**defaults, **row} for row in rows])


def test_blocking_pairs_records_sharing_a_key_and_skips_oversized_blocks() -> None:
    columns = {"k": ["a", "a", "b", "a", None], "j": ["x", "y", "y", "z", "y"]}
    pairs, report = candidate_pairs(columns, [("k",), ("j",)], max_block_size=2)
    # Block k=a has 3 records > cap 2: skipped; j=y has 3 records too: skipped.
    assert pairs == set()
    assert report.oversized_blocks == {"k": 1, "j": 1}
    pairs, report = candidate_pairs(columns, [("k",)], max_block_size=3)
    assert pairs == {(0, 1), (0, 3), (1, 3)}
    assert report.candidate_pairs == 3


def test_string_comparison_levels() -> None:
    levels = (
        Level("exact", 0.9, 0.01),
        Level("close", 0.05, 0.01),
        Level("fuzzy", 0.03, 0.03),
        Level("different", 0.02, 0.95),
    )
    name = Comparison("first_name_key", "string", levels)
    assert compare(name, "marie", "marie").name == "exact"
    assert compare(name, "marie", "maria").name == "close"
    assert compare(name, "marie", "jean").name == "different"
    assert compare(name, "marie", None) is None
    assert weight(levels[0]) > 0 > weight(levels[3])


def test_date_comparison_sees_day_month_swaps() -> None:
    dates = Comparison(
        "birth_date",
        "date",
        (Level("exact", 0.9, 0.01), Level("partial", 0.05, 0.01), Level("different", 0.05, 0.98)),
    )
    assert compare(dates, "1985-03-12", "1985-12-03").name == "partial"
    assert compare(dates, "1985-03-12", "1990-03-12").name == "different"


def test_clustering_refuses_to_chain_conflicting_birth_dates() -> None:
    # 0-1 strong, 1-2 weak bridge; 0 and 2 hold different birth dates: the bridge is refused.
    labels, report = cluster(3, [(0, 1, 20.0), (1, 2, 9.0)], [["1980-01-01", None, "1975-05-05"]], 50)
    assert labels[0] == labels[1] != labels[2]
    assert report.refused_conflict == 1


def test_clustering_size_guard() -> None:
    labels, report = cluster(3, [(0, 1, 10.0), (1, 2, 9.0)], [], max_cluster_size=2)
    assert len(set(labels)) == 2 and report.refused_size == 1


def test_engine_merges_variants_and_keeps_a_household_apart() -> None:
    table = _contacts(
        [
            {
                "source": "crm",
                "source_id": "1",
                "first_name_key": "marie",
                "last_name_key": "dupont",
                "email_key": "marie.dupont@orange.fr",
                "phone": "+33612345678",
                "postcode": "75011",
                "birth_date": date(1980, 1, 2),
                "street": "12 rue Pasteur",
            },
            {
                "source": "web",
                "source_id": "w1",
                "first_name_key": "maire",
                "last_name_key": "dupont",
                "email_key": "marie.dupont@orange.fr",
                "phone": "+33612345678",
                "postcode": "75011",
                "birth_date": None,
                "street": None,
            },
            # Her husband: same surname, address and landline, another first name and birth date.
            {
                "source": "crm",
                "source_id": "2",
                "first_name_key": "jean",
                "last_name_key": "dupont",
                "email_key": "jean.dupont@free.fr",
                "phone": "+33143000000",
                "postcode": "75011",
                "birth_date": date(1978, 6, 30),
                "street": "12 rue Pasteur",
            },
        ]
    )
    resolution = resolve_records(table, CONTACT_SETTINGS)
    assert resolution.ids[0] == resolution.ids[1] != resolution.ids[2]
    assert resolution.entity_count == 2
    link = next(x for x in resolution.links if (x.left, x.right) == (0, 1))
    fields = {f["field"]: f["level"] for f in link.explanation["fields"]}
    assert fields["email_key"] == "exact" and fields["first_name_key"] in {"close", "fuzzy"}
    assert link.explanation["total"] == round(link.match_weight, 3)


def test_ids_are_stable_for_unchanged_input_and_invalid_identifiers_are_no_evidence() -> None:
    rows = [
        {
            "source": "a",
            "source_id": "1",
            "first_name_key": "luc",
            "last_name_key": "petit",
            "email_key": "x@y.fr",
            "email_valid": False,
            "phone": None,
        },
        {
            "source": "b",
            "source_id": "9",
            "first_name_key": "anne",
            "last_name_key": "roux",
            "email_key": "x@y.fr",
            "email_valid": False,
            "phone": None,
        },
    ]
    first = resolve_records(_contacts(rows), CONTACT_SETTINGS)
    again = resolve_records(_contacts(list(reversed(rows))), CONTACT_SETTINGS)
    assert first.entity_count == 2  # the shared invalid e-mail links nothing
    assert sorted(first.ids) == sorted(again.ids)


def test_deterministic_rule_links_same_customer_number_in_one_source() -> None:
    table = _contacts(
        [
            {
                "source": "crm",
                "source_id": "1",
                "first_name_key": "paul",
                "last_name_key": "roux",
                "customer_number": "F1",
            },
            {
                "source": "crm",
                "source_id": "2",
                "first_name_key": "p",
                "last_name_key": "roux-martin",
                "customer_number": "F1",
            },
        ]
    )
    resolution = resolve_records(table, CONTACT_SETTINGS)
    assert resolution.entity_count == 1
    assert resolution.links[0].rule == "same customer number in one source"
