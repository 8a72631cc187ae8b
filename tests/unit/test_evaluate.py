"""Entity-resolution scores on hand-made cases, against brute force, and at a million records."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from cdp.resolve.evaluate import (
    Scores,
    bcubed_scores,
    cluster_pair_scores,
    evaluate,
    link_scores,
)

# Three true entities of 2, 3 and 1 records.
TRUTH = ["a", "a", "b", "b", "b", "c"]


def _approx(scores: Scores, precision: float, recall: float, f1: float) -> None:
    assert (scores.precision, scores.recall, scores.f1) == pytest.approx((precision, recall, f1))


def test_a_perfect_clustering_scores_one_everywhere() -> None:
    # Given clusters named differently from the entities but grouping the same records
    predicted = [7, 7, 3, 3, 3, 9]
    # When it is evaluated
    evaluation = evaluate(TRUTH, predicted, links=[(0, 1), (2, 3), (3, 4)])
    # Then every measure is perfect
    assert evaluation.pairwise == Scores(1.0, 1.0, 1.0, true_positives=4, predicted=4, actual=4)
    assert evaluation.bcubed == Scores(1.0, 1.0, 1.0, 0, 0, 0)
    _approx(evaluation.links, 1.0, 3 / 4, 6 / 7)  # 2-4 was never linked directly
    assert (evaluation.records, evaluation.true_entities, evaluation.predicted_entities) == (6, 3, 3)
    assert evaluation.largest_predicted_clusters == evaluation.largest_true_clusters == [3, 2, 1]


def test_everything_merged_into_one_cluster() -> None:
    # Given one cluster of all 6 records: 15 predicted pairs, of which the 4 true pairs
    predicted = ["all"] * 6
    # Then pairwise precision is 4/15 and B-cubed precision the mean share of a record's own entity
    pairwise = cluster_pair_scores(TRUTH, predicted)
    _approx(pairwise, 4 / 15, 1.0, 8 / 19)
    assert (pairwise.true_positives, pairwise.predicted, pairwise.actual) == (4, 15, 4)
    # (2 * 2/6 + 3 * 3/6 + 1 * 1/6) / 6 = 7/18
    _approx(bcubed_scores(TRUTH, predicted), 7 / 18, 1.0, 14 / 25)


def test_everything_split_into_singletons() -> None:
    # Given each record alone in its cluster
    predicted = list(range(6))
    # Then nothing predicted is wrong (precision 1) but no true pair is found
    assert cluster_pair_scores(TRUTH, predicted) == Scores(1.0, 0.0, 0.0, 0, 0, 4)
    # B-cubed recall: (2 * 1/2 + 3 * 1/3 + 1 * 1) / 6 = 1/2
    _approx(bcubed_scores(TRUTH, predicted), 1.0, 0.5, 2 / 3)


def test_bagga_baldwin_example_of_a_small_entity_merged_into_a_large_one() -> None:
    # Given Bagga & Baldwin's example: entities of 5, 2 and 5 records; the 2 wrongly merged with a 5
    truth = ["A"] * 5 + ["B"] * 2 + ["C"] * 5
    predicted = [1] * 5 + [2] * 7
    # When it is scored
    bcubed = bcubed_scores(truth, predicted)
    pairwise = cluster_pair_scores(truth, predicted)
    # Then B-cubed precision is (5 * 1 + 2 * 2/7 + 5 * 5/7) / 12 = 16/21, recall 1
    _approx(bcubed, 16 / 21, 1.0, 32 / 37)
    # And pairwise precision is 21 true pairs out of 10 + 21 predicted
    _approx(pairwise, 21 / 31, 1.0, 42 / 52)
    assert (pairwise.true_positives, pairwise.predicted, pairwise.actual) == (21, 31, 21)


def test_links_count_once_whatever_their_order_and_ignore_self_links() -> None:
    # Given links repeated, reversed, and one of a record to itself
    links = [(0, 1), (1, 0), (0, 1), (3, 2), (4, 4), (1, 2), (5, 0)]
    # When they are scored: distinct links 0-1, 2-3, 1-2, 0-5, of which 0-1 and 2-3 are true
    scores = link_scores(TRUTH, links)
    # Then 2 of 4 links are right and 2 of the 4 true pairs are found
    assert scores == Scores(0.5, 0.5, 0.5, true_positives=2, predicted=4, actual=4)
    assert link_scores(TRUTH, np.array(links)) == scores


def test_no_links_or_no_link_evaluation() -> None:
    assert link_scores(TRUTH, []) == Scores(1.0, 0.0, 0.0, 0, 0, 4)
    assert evaluate(TRUTH, TRUTH).links is None


def test_a_link_outside_the_records_is_an_error() -> None:
    with pytest.raises(ValueError, match="outside"):
        link_scores(TRUTH, [(0, 6)])
    with pytest.raises(ValueError, match="outside"):
        link_scores(TRUTH, [(-1, 2)])


def test_truth_and_predictions_must_have_the_same_length() -> None:
    with pytest.raises(ValueError, match="6 truth labels but 5 predicted"):
        evaluate(TRUTH, TRUTH[:5])


def test_a_none_truth_label_is_an_entity_of_its_own() -> None:
    # Given two unlabelled records clustered together, and a labelled pair
    truth = [None, None, "a", "a"]
    predicted = [1, 1, 2, 2]
    # When it is evaluated
    evaluation = evaluate(truth, predicted, links=[(0, 1)])
    # Then the two None are two entities, so their pair is a wrong one
    assert evaluation.true_entities == 3
    assert evaluation.pairwise == Scores(0.5, 1.0, 2 / 3, true_positives=1, predicted=2, actual=1)
    _approx(evaluation.bcubed, 0.75, 1.0, 6 / 7)
    assert evaluation.links == Scores(0.0, 0.0, 0.0, true_positives=0, predicted=1, actual=1)


def test_a_none_predicted_label_is_a_cluster_of_its_own() -> None:
    evaluation = evaluate(["a", "a"], [None, None])
    assert evaluation.predicted_entities == 2
    assert evaluation.pairwise == Scores(1.0, 0.0, 0.0, 0, 0, 1)


def test_labels_of_different_types_are_never_confused() -> None:
    # Given the int 1 and the string "1" as two entities
    evaluation = evaluate([1, "1", 2], ["x", "x", "y"])
    # Then they are two entities merged by mistake
    assert evaluation.true_entities == 3
    assert evaluation.pairwise == Scores(0.0, 1.0, 0.0, 0, 1, 0)


def test_empty_input_scores_one() -> None:
    evaluation = evaluate([], [], links=[])
    perfect = Scores(1.0, 1.0, 1.0, 0, 0, 0)
    assert (evaluation.pairwise, evaluation.bcubed, evaluation.links) == (perfect, perfect, perfect)
    assert (evaluation.records, evaluation.true_entities, evaluation.predicted_entities) == (0, 0, 0)
    assert evaluation.largest_predicted_clusters == evaluation.largest_true_clusters == []


def test_largest_clusters_are_the_ten_largest_sizes() -> None:
    # Given 12 clusters of sizes 1 to 12
    predicted = [size for size in range(1, 13) for _ in range(size)]
    evaluation = evaluate(predicted, predicted)
    assert evaluation.largest_predicted_clusters == list(range(12, 2, -1))


def test_to_dict_is_plain_json() -> None:
    # Given an evaluation computed from numpy arrays
    evaluation = evaluate(np.array([1, 1, 2]), np.array([1, 1, 1]), np.array([[0, 1]]))
    # When it is turned into a dict, then JSON takes it and gives it back unchanged
    document = evaluation.to_dict()
    assert json.loads(json.dumps(document)) == document
    assert document["pairwise"] == {
        "precision": 1 / 3,
        "recall": 1.0,
        "f1": 0.5,
        "true_positives": 1,
        "predicted": 3,
        "actual": 1,
    }
    assert document["links"]["precision"] == 1.0 and document["largest_true_clusters"] == [2, 1]


def _brute_force_pairwise(truth: list, predicted: list) -> tuple[int, int, int]:
    """(true positive, predicted, actual) pairs, by enumerating every pair of records."""
    pairs = list(combinations(range(len(truth)), 2))
    same_truth = {(i, j) for i, j in pairs if truth[i] == truth[j]}
    same_cluster = {(i, j) for i, j in pairs if predicted[i] == predicted[j]}
    return len(same_truth & same_cluster), len(same_cluster), len(same_truth)


def _brute_force_bcubed(truth: list, predicted: list) -> tuple[Fraction, Fraction]:
    """B-cubed precision and recall, record by record, in exact fractions."""
    precision = recall = Fraction(0)
    for i in range(len(truth)):
        cluster = {j for j in range(len(truth)) if predicted[j] == predicted[i]}
        entity = {j for j in range(len(truth)) if truth[j] == truth[i]}
        precision += Fraction(len(cluster & entity), len(cluster))
        recall += Fraction(len(cluster & entity), len(entity))
    return precision / len(truth), recall / len(truth)


@pytest.mark.parametrize("seed", range(40))
def test_matches_brute_force_on_random_labelings(seed: int) -> None:
    # Given random truth and predicted labels over a few dozen records
    rng = random.Random(seed)
    records = rng.randint(1, 60)
    truth = [rng.randint(0, rng.randint(1, 15)) for _ in range(records)]
    predicted = [f"c{rng.randint(0, rng.randint(1, 15))}" for _ in range(records)]
    links = [(rng.randrange(records), rng.randrange(records)) for _ in range(rng.randint(0, 40))]
    # When scored by contingency counts
    evaluation = evaluate(truth, predicted, links)
    # Then pair counts equal those found by enumerating pairs
    true_positives, predicted_pairs, actual_pairs = _brute_force_pairwise(truth, predicted)
    pairwise = evaluation.pairwise
    assert (pairwise.true_positives, pairwise.predicted, pairwise.actual) == (
        true_positives,
        predicted_pairs,
        actual_pairs,
    )
    # And B-cubed equals the record-by-record average
    precision, recall = _brute_force_bcubed(truth, predicted)
    assert (evaluation.bcubed.precision, evaluation.bcubed.recall) == pytest.approx(
        (float(precision), float(recall))
    )
    # And links are the distinct unordered non-self pairs, true when both records share a label
    distinct = {(min(i, j), max(i, j)) for i, j in links if i != j}
    assert evaluation.links.predicted == len(distinct)
    assert evaluation.links.true_positives == sum(truth[i] == truth[j] for i, j in distinct)
    # And numpy arrays give the same result as lists (B-cubed up to the order of a float sum)
    from_arrays = evaluate(np.array(truth), np.array(predicted), np.array(links, dtype=np.int64))
    assert (from_arrays.pairwise, from_arrays.links) == (evaluation.pairwise, evaluation.links)
    _approx(from_arrays.bcubed, evaluation.bcubed.precision, evaluation.bcubed.recall, evaluation.bcubed.f1)


def test_a_million_records_and_millions_of_links() -> None:
    # Given a million records in 300,000 entities, clustered perfectly under other names, and 3M links
    rng = np.random.default_rng(7)
    records = 1_000_000
    truth = rng.integers(0, 300_000, records)
    predicted = truth * 7 + 3
    links = rng.integers(0, records, (3_000_000, 2))
    # When it is evaluated, then it finishes (in about a second) with perfect cluster scores
    evaluation = evaluate(truth, predicted, links)
    assert evaluation.records == records
    assert evaluation.pairwise.f1 == evaluation.bcubed.f1 == 1.0
    assert evaluation.links.predicted > 2_900_000
