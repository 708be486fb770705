"""Network position in the association graph, with igraph.

The graph is undirected and weighted: repeated pairs (either direction) are summed, so a weight is the
total contact strength between two people; path-based measures use 1 / weight as the distance, so
strong contact means close. Nodes are integer codes 0..n-1 given by the caller (isolated nodes included).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd

MEASURES = ("degree", "betweenness", "pagerank", "brokerage")


@dataclass
class NetworkResult:
    measures: pd.DataFrame  # one row per node code, columns MEASURES
    pairs: int  # distinct pairs after summing repeats
    repeated_rows_summed: int
    communities: int
    betweenness: str  # "exact" or "sampled from K sources"


def merge_pairs(src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum the weights of repeated undirected pairs; returns (low, high, weight) with one row per pair."""
    low = np.minimum(src, dst).astype(np.int64)
    high = np.maximum(src, dst).astype(np.int64)
    key = low * (int(max(high.max(initial=0), low.max(initial=0))) + 1) + high
    uniq, inverse = np.unique(key, return_inverse=True)
    summed = np.bincount(inverse, weights=weight, minlength=len(uniq))
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(key))[::-1]
    return low[first], high[first], summed


def weighted_pagerank(
    n: int,
    low: np.ndarray,
    high: np.ndarray,
    w: np.ndarray,
    strength: np.ndarray,
    *,
    damping: float = 0.85,
    tol: float = 1e-12,
    max_iter: int = 500,
) -> np.ndarray:
    """PageRank of the undirected weighted graph by power iteration (scipy sparse, single-threaded).

    Same definition as igraph's (a walker follows an edge with probability proportional to its weight;
    isolated nodes spread their share evenly), but bit-for-bit repeatable: igraph's PRPACK result
    differs in the last bits from run to run, which would make "same seed, same output" untrue.
    """
    from scipy import sparse

    rows = np.concatenate([low, high])
    cols = np.concatenate([high, low])
    inv = np.divide(1.0, strength, out=np.zeros(n), where=strength > 0)
    # transition[j, i] = w_ij / strength_i: column-stochastic for nodes with contacts
    transition = sparse.csr_matrix((np.concatenate([w, w]) * inv[rows], (cols, rows)), shape=(n, n))
    dangling = strength == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        spread = (1.0 - damping + damping * rank[dangling].sum()) / n
        new = damping * (transition @ rank) + spread
        new /= new.sum()
        if np.abs(new - rank).sum() < tol:
            rank = new
            break
        rank = new
    return rank


def _communities(g: ig.Graph, weights: np.ndarray, seed: int) -> np.ndarray:
    """Leiden (modularity objective) membership, seeded through igraph's Python random source."""
    state = random.Random(seed)
    ig.set_random_number_generator(state)
    try:
        parts = g.community_leiden(objective_function="modularity", weights=weights.tolist(), n_iterations=2)
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(parts.membership, dtype=np.int64)


def brokerage_counts(n: int, low: np.ndarray, high: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """For each node, the number of distinct communities other than its own among its direct contacts."""
    a = np.concatenate([low, high])
    b = np.concatenate([high, low])
    other = membership[b]
    cross = other != membership[a]
    if not cross.any():
        return np.zeros(n)
    k = int(membership.max()) + 1
    keys = np.unique(a[cross] * k + other[cross])
    return np.bincount(keys // k, minlength=n).astype(float)


def network_measures(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    *,
    damping: float = 0.85,
    exact_max_nodes: int = 5000,
    sources: int = 64,
    seed: int = 0,
) -> NetworkResult:
    """Weighted degree, betweenness (exact or sampled), PageRank and brokerage for nodes 0..n-1."""
    low, high, w = merge_pairs(src, dst, weight) if len(src) else (src, dst, weight)
    g = ig.Graph(n=n, edges=np.column_stack([low, high]).tolist() if len(low) else [], directed=False)
    degree = np.bincount(np.concatenate([low, high]), weights=np.concatenate([w, w]), minlength=n).astype(float)
    if len(low) == 0:
        zeros = np.zeros(n)
        frame = pd.DataFrame({m: zeros for m in MEASURES})
        return NetworkResult(frame, 0, 0, n, "exact")
    distance = (1.0 / w).tolist()
    rng = np.random.default_rng(seed)
    if n <= exact_max_nodes or sources >= n:
        between = np.asarray(g.betweenness(directed=False, weights=distance), dtype=float)
        how = "exact"
    else:
        picked = rng.choice(n, size=sources, replace=False).tolist()
        between = np.asarray(g.betweenness(directed=False, weights=distance, sources=picked), dtype=float) * (
            n / sources
        )
        how = f"sampled from {sources} sources"
    pagerank = weighted_pagerank(n, low, high, w, degree, damping=damping)
    pagerank[degree == 0] = 0.0  # an isolated person is not "central" through PageRank's teleport share
    membership = _communities(g, w, seed)
    brokerage = brokerage_counts(n, low, high, membership)
    frame = pd.DataFrame({"degree": degree, "betweenness": between, "pagerank": pagerank, "brokerage": brokerage})
    return NetworkResult(
        measures=frame,
        pairs=len(low),
        repeated_rows_summed=len(src) - len(low),
        communities=int(membership.max()) + 1,
        betweenness=how,
    )
