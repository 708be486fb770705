from __future__ import annotations

import os

import igraph as ig
import numpy as np
import pandas as pd
import pytest

from sochub.engine.prioritise import network, network_measures
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


def _random_graph(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m)
    dst = (src + 1 + rng.integers(0, n - 1, m)) % n  # no self-loops
    return src, dst, rng.geometric(0.5, m).astype(float)


def test_worker_processes_and_relabelling_do_not_change_the_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    src, dst, w = _random_graph(3000, 12000, 1)
    plain = network_measures(3000, src, dst, w, exact_max_nodes=0, sources=24, seed=3, workers=0)
    monkeypatch.setattr(network, "PARALLEL_MIN_PAIRS", 0)  # relabel for locality, as on a large graph
    alone = network_measures(3000, src, dst, w, exact_max_nodes=0, sources=24, seed=3, workers=0)
    forked = network_measures(3000, src, dst, w, exact_max_nodes=0, sources=24, seed=3, workers=2)
    assert forked.measures.equals(alone.measures) and forked.betweenness == alone.betweenness
    for m in ("degree", "betweenness", "pagerank"):  # the same up to the order of floating-point sums
        np.testing.assert_allclose(alone.measures[m], plain.measures[m], rtol=1e-9, atol=1e-15)
    assert alone.communities > 1 and alone.measures["brokerage"].max() > 0  # Leiden sees nodes in another order


def test_a_worker_that_dies_only_costs_time() -> None:
    parent = os.getpid()

    def task(i: int):
        def run() -> np.ndarray:
            if os.getpid() != parent:
                os._exit(3)  # every task dies in a worker: this process redoes them
            return np.full(4, float(i))

        return run

    pool = network._Tasks([task(i) for i in range(5)], 4)
    try:
        pool.start(2)
        out = pool.finish()
    finally:
        pool.close()
    assert out[:, 0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_sources_are_capped_on_a_very_large_graph() -> None:
    assert network.sampled_sources(64, 450_000) == 64  # 100k nominals
    assert network.sampled_sources(64, 4_434_901) == 12  # 1M nominals
    assert network.sampled_sources(64, 10**9) == network.MIN_SAMPLED_SOURCES
    assert network.sampled_sources(5, 10**9) == 5 and network.sampled_sources(64, 10**9, budget=None) == 64
    src, dst, w = _random_graph(2000, 8000, 2)
    capped = network_measures(2000, src, dst, w, exact_max_nodes=0, sources=64, source_pairs_budget=20 * 8000)
    assert capped.betweenness.startswith("sampled from 20 sources (fewer than the model's 64")


def test_meanwhile_work_runs_once_with_or_without_edges() -> None:
    calls: list[int] = []
    result = network_measures(3, np.array([0]), np.array([1]), np.array([1.0]), meanwhile=lambda: calls.append(1))
    none = np.array([], dtype=int)
    empty = network_measures(3, none, none, np.array([]), meanwhile=lambda: calls.append(2))
    assert calls == [1, 2] and result.pairs == 1 and empty.pairs == 0
