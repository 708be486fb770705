from __future__ import annotations

import math

import pandas as pd

from sochub.engine.linkage import cluster, evaluate


def _pairs(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


def _groups(df: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g["unique_id"]) for _, g in df.groupby("cluster_id")}


def test_connected_components_with_smallest_id_as_cluster_id() -> None:
    pairs = _pairs([("b", "a", 0.99), ("b", "c", 0.95), ("d", "e", 0.5), ("f", "g", 0.91)])
    out = cluster(["a", "b", "c", "d", "e", "f", "g", "h"], pairs, threshold=0.9)
    assert _groups(out) == {frozenset("abc"), frozenset("d"), frozenset("e"), frozenset("fg"), frozenset("h")}
    by = out.set_index("unique_id")
    assert by.loc["c", "cluster_id"] == "a"
    assert by.loc["b", "match_probability"] == 0.99 and by.loc["c", "match_probability"] == 0.95
    assert math.isnan(by.loc["h", "match_probability"])


def test_different_label_splits_a_cluster_and_same_label_joins() -> None:
    pairs = _pairs([("a", "b", 0.99), ("b", "c", 0.92), ("c", "d", 0.97)])
    joined = cluster("abcd", pairs, threshold=0.9)
    assert _groups(joined) == {frozenset("abcd")}
    split = cluster("abcd", pairs, threshold=0.9, different=[("a", "d")])
    # the weakest link (b-c, 0.92) is the one refused
    assert _groups(split) == {frozenset("ab"), frozenset("cd")}
    assert split.set_index("unique_id").loc["b", "match_probability"] == 0.99
    both = cluster("abcde", pairs, threshold=0.9, different=[("a", "d")], same=[("d", "e"), ("a", "c")])
    assert _groups(both) == {frozenset("abc"), frozenset("de")}


def test_evaluate_counts_pairs_from_group_sizes() -> None:
    clusters = pd.DataFrame({"unique_id": list("abcdef"), "cluster_id": ["a", "a", "a", "d", "d", "f"]})
    truth = pd.DataFrame({"record_id": list("abcdef"), "entity_id": [1, 1, 2, 2, 3, 3]})
    # predicted pairs: ab ac bc de (4); true pairs: ab cd ef (3); correct: ab
    result = evaluate(clusters, truth)
    assert (result.true_positives, result.false_positives, result.false_negatives) == (1, 3, 2)
    assert result.precision == 0.25 and abs(result.recall - 1 / 3) < 1e-12
    assert abs(result.f1 - 2 * 0.25 * (1 / 3) / (0.25 + 1 / 3)) < 1e-12
    assert len(result.fp_pairs) == 3 and len(result.fn_pairs) == 2
    perfect = evaluate(truth.rename(columns={"entity_id": "cluster_id"}), truth)
    assert perfect.f1 == 1.0 and perfect.fp_pairs.empty
