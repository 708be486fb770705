from __future__ import annotations

import igraph as ig
import numpy as np
import pandas as pd

from sochub.engine.prioritise import network_measures
from sochub.engine.prioritise.network import brokerage_counts, merge_pairs


def test_repeated_pairs_are_summed_whatever_their_direction() -> None:
    low, high, w = merge_pairs(np.array([0, 1, 2, 0]), np.array([1, 0, 1, 1]), np.array([1.0, 2.0, 5.0, 0.5]))
    got = sorted(zip(low.tolist(), high.tolist(), w.tolist(), strict=True))
    assert got == [(0, 1, 3.5), (1, 2, 5.0)]


def test_path_measures_treat_strong_contact_as_close() -> None:
    # 0-1-2 with a strong direct tie 0-2: the shortest 0->2 path by distance 1/weight is direct,
    # so 1 brokers nothing; with weak 0-2 contact the path through 1 is shorter.
    strong = network_measures(3, np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([1.0, 1.0, 10.0]))
    weak = network_measures(3, np.array([0, 1, 0]), np.array([1, 2, 2]), np.array([1.0, 1.0, 0.1]))
    assert strong.measures["betweenness"][1] == 0 and weak.measures["betweenness"][1] == 1
    assert strong.measures["degree"].tolist() == [11.0, 2.0, 11.0]


def test_isolated_nodes_score_zero_everywhere() -> None:
    result = network_measures(4, np.array([0]), np.array([1]), np.array([1.0]))
    assert result.measures.loc[[2, 3]].to_numpy().sum() == 0
    assert (result.measures.loc[[0, 1], "pagerank"] > 0).all()


def test_brokerage_counts_other_communities_among_contacts() -> None:
    membership = np.array([0, 0, 1, 2])
    # node 0 touches 1 (own group), 2 and 3 (two other groups); node 2 touches 0 (one other)
    counts = brokerage_counts(4, np.array([0, 0, 0]), np.array([1, 2, 3]), membership)
    assert counts.tolist() == [2.0, 0.0, 1.0, 1.0]


def test_sampled_betweenness_is_close_to_exact_and_seeded() -> None:
    g = ig.Graph.Barabasi(2000, 3, directed=False)
    edges = np.array(g.get_edgelist())
    w = np.ones(len(edges))
    exact = network_measures(2000, edges[:, 0], edges[:, 1], w).measures["betweenness"]
    one = network_measures(2000, edges[:, 0], edges[:, 1], w, exact_max_nodes=0, sources=200, seed=4)
    two = network_measures(2000, edges[:, 0], edges[:, 1], w, exact_max_nodes=0, sources=200, seed=4)
    assert one.betweenness == "sampled from 200 sources"
    assert one.measures.equals(two.measures)
    rho = pd.Series(exact).corr(one.measures["betweenness"], method="spearman")
    top_exact = set(np.argsort(-exact.to_numpy())[:20])
    top_sampled = set(np.argsort(-one.measures["betweenness"].to_numpy())[:20])
    assert rho > 0.8 and len(top_exact & top_sampled) >= 15
