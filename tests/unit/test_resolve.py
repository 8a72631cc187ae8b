"""Resolution pieces on small hand-made cases: blocking, comparisons, EM, term frequencies, vetoes,
clustering, explanations and ids."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from cdp.resolve import CONTACT_SETTINGS, resolve_records
from cdp.resolve.blocking import candidate_pairs
from cdp.resolve.cluster import CompatibleField, cluster
from cdp.resolve.columns import extend_fields, factorize
from cdp.resolve.compare import comparison_levels
from cdp.resolve.nicknames import is_alias
from cdp.resolve.settings import BlockingRule, Comparison, ResolutionSettings
from cdp.resolve.training import em_with_fixed_u


def _contacts(rows: list[dict]) -> pa.Table:
    defaults = {
        "source": "crm",
        "email_valid": True,
        "phone_valid": True,
        "birth_date_valid": True,
        "customer_number": None,
        "street": None,
        "birth_date": None,
        "email_key": None,
        "phone": None,
        "postcode": None,
    }
    return pa.Table.from_pylist([{**defaults, **row} for row in rows])


def _levels_of(comparison: Comparison, pairs: list[tuple[str | None, str | None]]) -> list[str]:
    field = factorize(pa.array([v for pair in pairs for v in pair], pa.string()))
    left = np.arange(0, 2 * len(pairs), 2)
    levels = comparison_levels(comparison, field, left, left + 1)
    return [comparison.levels[k].name if k >= 0 else "missing" for k in levels]


def test_blocking_pairs_records_sharing_a_key_and_refines_oversized_blocks() -> None:
    # Given four "martin" records, two of them in one postcode, and a cap of 3 records per block
    fields = {
        "last": factorize(pa.array(["martin", "martin", "martin", "martin", "roux", None])),
        "postcode": factorize(pa.array(["75011", "75011", "69001", None, "75011", "75011"])),
    }
    # When blocking on the last name, refined by postcode
    left, right, report = candidate_pairs(fields, [BlockingRule(("last",), refine=("postcode",))], 3)
    # Then the oversized "martin" block is split and only the same-postcode pair remains
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1)]
    assert report.refined_blocks == {"last": 1}
    # And without a refinement, the oversized block is skipped and counted
    left, _, report = candidate_pairs(fields, [BlockingRule(("last",))], 3)
    assert len(left) == 0 and report.oversized_blocks == {"last": 1}
    # And with a large cap all six pairs of the block come out, a pair two rules find is one candidate
    left, right, report = candidate_pairs(fields, [BlockingRule(("last",)), BlockingRule(("postcode",))], 10)
    assert report.pairs_per_rule == {"last": 6, "postcode": 6}
    assert report.candidate_pairs == len(set(zip(left.tolist(), right.tolist(), strict=True))) == 11


def test_string_name_and_date_levels() -> None:
    string = CONTACT_SETTINGS.comparison("last_name_key")
    assert _levels_of(
        string, [("dupont", "dupont"), ("dupont", "dupond"), ("dupont", "durand"), ("x", None)]
    ) == [
        "exact",
        "close",
        "different",
        "missing",
    ]
    name = CONTACT_SETTINGS.comparison("first_name_key")
    assert _levels_of(
        name, [("robert", "bob"), ("m", "marie"), ("marie", "marie helene"), ("marie", "maria")]
    ) == [
        "alias",
        "alias",
        "alias",
        "close",
    ]
    assert _levels_of(name, [("jean", "marie")]) == ["different"]
    dates = CONTACT_SETTINGS.comparison("birth_date")
    assert _levels_of(
        dates, [("1985-03-12", "1985-12-03"), ("1985-03-12", "1986-03-12"), ("1985-03-12", "1990-07-01")]
    ) == ["partial", "partial", "different"]


def test_aliases() -> None:
    assert is_alias("jp", "jean pierre") and is_alias("bob", "robert") and is_alias("max", "maxime")
    assert not is_alias("maxime", "maximilien") and not is_alias("jean", "pierre")


def test_em_recovers_m_from_unlabelled_patterns() -> None:
    # Given pairs of two binary comparisons: 300 matches agreeing 90% on each, 700 non-matches agreeing 10%
    rng = np.random.default_rng(1)
    matches = (rng.random((300, 2)) > 0.9).astype(np.int8)  # level 0 = agree, 1 = differ
    non_matches = (rng.random((700, 2)) > 0.1).astype(np.int8)
    patterns, counts = np.unique(np.vstack([matches, non_matches]), axis=0, return_counts=True)
    u = [np.array([0.1, 0.9]), np.array([0.1, 0.9])]
    # When EM starts from a vague m
    m, share, iterations = em_with_fixed_u(patterns, counts.astype(float), [np.array([0.6, 0.4])] * 2, u, 100)
    # Then it finds the agreement rate among matches and the share of matches
    assert m[0][0] == pytest.approx(0.9, abs=0.06) and m[1][0] == pytest.approx(0.9, abs=0.06)
    assert share == pytest.approx(0.3, abs=0.05)
    assert iterations < 100


def _household_and_namesakes(families: int) -> pa.Table:
    """Per family: a person recorded twice (web and crm) and a relative at the same address."""
    rows = []
    first_names = ["marie", "jean", "luc", "anne", "paul", "lea", "hugo", "emma"]
    rng = np.random.default_rng(7)
    for f in range(families):
        surname = "martin" if f % 3 == 0 else "".join(rng.choice(list("bcdfgklmnprstvz"), 3)) + "ier"
        street, postcode = f"{f} rue de la paix", f"{75000 + f % 20:05d}"
        first, relative = first_names[f % 8], first_names[(f + 3) % 8]
        born = date(1950 + f % 40, 1 + f % 12, 1 + f % 28)
        person = {"last_name_key": surname, "street": street, "postcode": postcode, "birth_date": born}
        rows.append({**person, "source_id": f"c{f}", "first_name_key": first, "email_key": f"p{f}@mail.fr"})
        rows.append(
            {
                **person,
                "source": "web",
                "source_id": f"w{f}",
                "first_name_key": first,
                "email_key": f"p{f}@mail.fr",
            }
        )
        rows.append(
            {
                **person,
                "source_id": f"r{f}",
                "first_name_key": relative,
                "birth_date": date(1990, 1, 1 + f % 28),
            }
        )
    return _contacts(rows)


def test_training_on_enough_pairs_and_term_frequency_adjustment() -> None:
    # Given 1,500 families: enough candidate pairs to train, "martin" shared by a third of them
    table = _household_and_namesakes(1500)
    settings = ResolutionSettings(**{**CONTACT_SETTINGS.__dict__, "min_pairs_to_train": 1000})
    # When resolving
    resolution = resolve_records(table, settings)
    # Then the model was estimated and each person's two records merge, relatives stay apart
    assert resolution.model.trained
    ids = resolution.ids
    assert all(ids[3 * f] == ids[3 * f + 1] != ids[3 * f + 2] for f in range(1500))
    # And an exact "martin" weighs less than an exact rare surname
    last = next(c for c, comparison in enumerate(settings.comparisons) if comparison.field == "last_name_key")
    weights = {}
    for k in np.flatnonzero(resolution.pairs.levels[:, last] == 0)[:2000]:
        item = resolution.explanation(int(k))["fields"][last]
        surname = resolution.fields["last_name_key"].value(int(resolution.pairs.left[k]))
        weights["martin" if surname == "martin" else "rare"] = item["weight"]
    assert weights["martin"] + 5 < weights["rare"]


def test_engine_merges_variants_and_vetoes_a_relative_at_the_same_address() -> None:
    base = {"last_name_key": "dupont", "postcode": "75011", "street": "12 rue pasteur"}
    table = _contacts(
        [
            {
                **base,
                "source_id": "1",
                "first_name_key": "marie",
                "email_key": "m.dupont@orange.fr",
                "phone": "+33612345678",
                "birth_date": date(1980, 1, 2),
            },
            {
                **base,
                "source": "web",
                "source_id": "w1",
                "first_name_key": "maire",
                "email_key": "m.dupont@orange.fr",
                "phone": "+33612345678",
                "street": None,
            },
            # Her husband: same surname, address, landline and family mailbox, another first name.
            {
                **base,
                "source_id": "2",
                "first_name_key": "jean",
                "email_key": "m.dupont@orange.fr",
                "phone": "+33612345678",
            },
        ]
    )
    resolution = resolve_records(table, CONTACT_SETTINGS)
    assert resolution.ids[0] == resolution.ids[1] != resolution.ids[2]
    explanations = {
        (int(resolution.pairs.left[k]), int(resolution.pairs.right[k])): resolution.explanation(k)
        for k in range(len(resolution.pairs))
    }
    levels = {f["field"]: f["level"] for f in explanations[(0, 1)]["fields"]}
    assert levels["email_key"] == "exact" and levels["first_name_key"] == "close"
    assert explanations[(0, 2)]["veto"] == "different first names at the same address"
    total = explanations[(0, 1)]["prior"] + sum(f["weight"] for f in explanations[(0, 1)]["fields"])
    assert total == pytest.approx(explanations[(0, 1)]["total"], abs=0.01)
    # The record without a street (w1) shares the surname with jean: vetoed as a relative too.
    assert explanations[(1, 2)]["veto"] == "different first names with the same last name"


def test_clustering_refuses_conflicts_incompatible_values_and_oversized_clusters() -> None:
    left, right, strength = np.array([0, 1]), np.array([1, 2]), np.array([20.0, 9.0])
    # 0-1 strong, 1-2 weak bridge; 0 and 2 hold different birth dates: the bridge is refused.
    labels, report = cluster(3, left, right, strength, conflicts=[np.array([0, -1, 1])])
    assert labels[0] == labels[1] != labels[2] and report.refused_conflict == 1
    # Record 1 has no first name; 0 is "jean" and 2 is "marie": incompatible in one cluster.
    names = CompatibleField(np.array([0, -1, 1]), lambda a, b: False)
    labels, report = cluster(3, left, right, strength, compatibles=[names])
    assert labels[0] == labels[1] != labels[2] and report.refused_incompatible == 1
    labels, report = cluster(3, left, right, strength, max_cluster_size=2)
    assert len(set(labels.tolist())) == 2 and report.refused_size == 1
    # A deterministic link ignores the evidence checks.
    labels, _ = cluster(
        3,
        np.array([0]),
        np.array([2]),
        np.array([1.0]),
        [np.array([0, -1, 1])],
        deterministic=np.array([True]),
    )
    assert labels[0] == labels[2] != labels[1]


def test_ids_are_stable_for_unchanged_input_and_invalid_identifiers_are_no_evidence() -> None:
    rows = [
        {
            "source": "a",
            "source_id": "1",
            "first_name_key": "luc",
            "last_name_key": "petit",
            "email_key": "x@y.fr",
            "email_valid": False,
        },
        {
            "source": "b",
            "source_id": "9",
            "first_name_key": "anne",
            "last_name_key": "roux",
            "email_key": "x@y.fr",
            "email_valid": False,
        },
    ]
    first = resolve_records(_contacts(rows), CONTACT_SETTINGS)
    again = resolve_records(_contacts(list(reversed(rows))), CONTACT_SETTINGS)
    assert first.entity_count == 2  # the shared invalid e-mail links nothing
    assert sorted(first.ids) == sorted(again.ids)


def test_deterministic_rule_links_same_customer_number_in_one_source() -> None:
    table = _contacts(
        [
            {"source_id": "1", "first_name_key": "paul", "last_name_key": "roux", "customer_number": "F1"},
            {
                "source_id": "2",
                "first_name_key": "p",
                "last_name_key": "roux-martin",
                "customer_number": "F1",
            },
        ]
    )
    resolution = resolve_records(table, CONTACT_SETTINGS)
    assert resolution.entity_count == 1
    assert resolution.rule_name(0) == "same customer number in one source"
    assert resolution.explanation(0)["rule"] == "same customer number in one source"


def test_untrained_prior_scales_with_the_number_of_records() -> None:
    small = resolve_records(_household_and_namesakes(10), CONTACT_SETTINGS)
    assert not small.model.trained
    assert small.model.prior_weight == pytest.approx(math.log2(1 / 29), abs=0.1)


def test_an_agreeing_customer_number_lifts_vetoes() -> None:
    # Given two records of one person across sources: a corrected first name, a birth date typo, but one
    # customer number
    base = {
        "last_name_key": "hage",
        "street": "1 sweet place",
        "postcode": "3206",
        "customer_number": "1799750",
    }
    table = _contacts(
        [
            {
                **base,
                "source": "a",
                "source_id": "1",
                "first_name_key": "sam",
                "birth_date": date(1943, 1, 16),
            },
            {
                **base,
                "source": "b",
                "source_id": "2",
                "first_name_key": "dam",
                "birth_date": date(1934, 6, 1),
            },
        ]
    )
    # When resolving
    resolution = resolve_records(table, CONTACT_SETTINGS)
    # Then the pair is identified, not vetoed, and the records are one person
    explained = resolution.explanation(0)
    assert explained.get("identified") and "veto" not in explained
    assert resolution.entity_count == 1


def test_extending_fields_keeps_stored_codes_and_appends_only_new_values() -> None:
    # Given a field of three records, and the same field of a changed record 1 and a new record 3
    stored = {"city": factorize(pa.array(["lyon", "paris", None]))}
    added = {"city": factorize(pa.array(["nice", "lyon"]))}
    # When the stored field is extended with them
    extended = extend_fields(stored, added, np.array([1, 3]), 4)["city"]
    # Then stored codes stay, "nice" is appended, "lyon" keeps its code, "paris" stays listed unused
    assert extended.values == ["lyon", "paris", "nice"]
    assert extended.codes.tolist() == [0, 2, -1, 0]
