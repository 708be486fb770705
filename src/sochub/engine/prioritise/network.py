"""Network position in the association graph, with igraph.

The graph is undirected and weighted: repeated pairs (either direction) are summed, so a weight is the
total contact strength between two people; path-based measures use 1 / weight as the distance, so
strong contact means close. Nodes are integer codes 0..n-1 given by the caller (isolated nodes included).

On a large graph the slow measures run side by side: sampled betweenness (in batches of sources) and
PageRank go to forked worker processes while this process finds the communities, then helps with what
is left. Each task writes its own row of a shared array and the batches are summed in a fixed order, so
the numbers do not depend on how many processes ran them (one process on a one-core machine, or where
``os.fork`` does not exist).
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import random
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import igraph as ig
import numpy as np
import pandas as pd

MEASURES = ("degree", "betweenness", "pagerank", "brokerage")
# Below this many distinct pairs everything runs in this process: forking costs more than it saves.
PARALLEL_MIN_PAIRS = 200_000
# Sampled sources are split into at most this many batches (one igraph call each): enough for two or
# three processes to share the work evenly, few enough that each call's set-up cost does not matter.
MAX_BATCHES = 8
# Sampled betweenness costs about (sources x distinct pairs): the model's 64 sources take some 10 s of CPU at
# 100,000 nominals (450,000 pairs) but nearly 4 minutes at 1,000,000 (4.4 million pairs). Above this budget
# the engine uses fewer sources, never fewer than MIN_SAMPLED_SOURCES (the summary says how many); the
# benchmark (benchmarks/README.md) measures what that costs in accuracy.
SOURCE_PAIRS_BUDGET = 54_000_000  # 12 sources at 4.4M pairs; the model's 64 up to 840,000 pairs
MIN_SAMPLED_SOURCES = 8
# Leiden passes over the graph: two, or one above LEIDEN_ONE_PASS_PAIRS distinct pairs. On the 1M benchmark
# graph (4.4M pairs) the second pass raised modularity from 0.774 to 0.781 and took half as long again (about
# 28 s against 18 s, on the critical path); one pass still gives well-connected communities.
LEIDEN_ITERATIONS = 2
LEIDEN_ONE_PASS_PAIRS = 1_000_000


@dataclass
class NetworkResult:
    measures: pd.DataFrame  # one row per node code, columns MEASURES
    pairs: int  # distinct pairs after summing repeats
    repeated_rows_summed: int
    communities: int
    betweenness: str  # "exact" or "sampled from K sources"
    # Seconds per step. Sampled betweenness and PageRank run beside Leiden (in whichever process is free),
    # so the steps can add up to more than the stage took; "waiting for the workers" is the time from the
    # end of brokerage to the last batch done (this process runs whatever tasks are still queued then).
    seconds: dict[str, float] = field(default_factory=dict)


def merge_pairs(src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum the weights of repeated undirected pairs; returns (low, high, weight) with one row per pair,
    ordered by (low, high)."""
    low = np.minimum(src, dst).astype(np.int64)
    high = np.maximum(src, dst).astype(np.int64)
    if len(low) == 0:
        return low, high, np.asarray(weight, dtype=float)
    base = int(high.max()) + 1
    key = low * base + high
    uniq, inverse = np.unique(key, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=weight, minlength=len(uniq))
    return uniq // base, uniq % base, summed


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
    del rows, cols
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


def sampled_sources(configured: int, pairs: int, budget: int | None = SOURCE_PAIRS_BUDGET) -> int:
    """Sources for sampled betweenness on a graph of ``pairs`` distinct pairs: the model's number, or fewer on
    a graph so large that it would cost more than ``budget`` source x pair visits (None: no budget)."""
    if budget is None:
        return configured
    return min(configured, max(MIN_SAMPLED_SOURCES, budget // max(pairs, 1)))


def _communities(g: ig.Graph, weights: np.ndarray, seed: int) -> np.ndarray:
    """Leiden (modularity objective) membership, seeded through igraph's Python random source."""
    state = random.Random(seed)
    ig.set_random_number_generator(state)
    passes = LEIDEN_ITERATIONS if len(weights) <= LEIDEN_ONE_PASS_PAIRS else 1
    try:
        parts = g.community_leiden(objective_function="modularity", weights=weights.tolist(), n_iterations=passes)
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(parts.membership, dtype=np.int64)


def brokerage_counts(n: int, low: np.ndarray, high: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """For each node, the number of distinct communities other than its own among its direct contacts."""
    m_low, m_high = membership[low], membership[high]
    cross = m_low != m_high
    if not cross.any():
        return np.zeros(n)
    k = int(membership.max()) + 1
    keys = np.concatenate([low[cross] * k + m_high[cross], high[cross] * k + m_low[cross]])
    keys.sort()  # distinct (person, other community) pairs; sorting beats np.unique's hashing here
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
    return np.bincount(keys // k, minlength=n).astype(float)


def _locality(n: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A label per node from the reverse Cuthill-McKee order, which numbers contacts close together. Node
    codes come in order of first appearance in the files, scattered over the graph; in this order igraph's
    shortest paths, Leiden and the PageRank iteration find more of what they touch in the CPU's caches
    (10-20% faster each on the 1M benchmark graph, for about 2 s spent here and in relabelling)."""
    from scipy import sparse
    from scipy.sparse import csgraph

    upper = sparse.csr_matrix((np.ones(len(low), dtype=np.float32), (low, high)), shape=(n, n))
    order = csgraph.reverse_cuthill_mckee((upper + upper.T).tocsr(), symmetric_mode=True)
    label = np.empty(n, dtype=np.int64)
    label[order] = np.arange(n)
    return label


def cpus() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Tasks:
    """Numbered tasks, each returning ``width`` floats, run by forked workers and by this process.

    ``start`` forks the workers, which take task numbers from a pipe until it is empty; ``finish`` makes this
    process take what is left, waits for the workers and reruns any task a worker did not complete (a worker
    that died is not an error, only slower). Results go to a shared anonymous mapping, one row per task.
    """

    def __init__(self, tasks: list[Callable[[], np.ndarray]], width: int) -> None:
        self.tasks = tasks
        rows = max(1, len(tasks))
        self._out_map = mmap.mmap(-1, rows * max(1, width) * 8)
        self._flag_map = mmap.mmap(-1, rows * 16)
        self.out = np.frombuffer(self._out_map, dtype=np.float64).reshape(rows, max(1, width))[:, :width]
        self.seconds = np.frombuffer(self._flag_map, dtype=np.float64, count=rows)
        self.done = np.frombuffer(self._flag_map, dtype=np.uint8, count=rows, offset=rows * 8)
        self.pids: list[int] = []
        self._read = -1

    def start(self, workers: int) -> None:
        read, write = os.pipe()
        self._read = read
        numbers = b"".join(i.to_bytes(4, "little") for i in range(len(self.tasks)))
        assert len(numbers) <= 4096, "more tasks than the pipe holds before anyone reads"
        os.write(write, numbers)
        os.close(write)  # readers see the end once the numbers are taken
        if workers <= 0 or not hasattr(os, "fork"):
            return
        parent = os.getpid()
        gc.freeze()  # keep the collector from touching (and so copying) the parent's objects in the workers
        try:
            for _ in range(workers):
                pid = os.fork()
                if pid == 0:  # worker: take tasks, then leave without running any of the parent's clean-up
                    code = 1
                    try:
                        gc.disable()
                        with contextlib.suppress(ValueError):
                            signal.signal(signal.SIGINT, signal.SIG_DFL)
                        self._take_tasks(parent)
                        code = 0
                    finally:
                        os._exit(code)
                self.pids.append(pid)
        finally:
            gc.unfreeze()

    def _take_tasks(self, parent: int | None = None) -> None:
        while parent is None or os.getppid() == parent:  # a worker whose parent has gone stops
            number = os.read(self._read, 4)
            if len(number) < 4:
                return
            self._run(int.from_bytes(number, "little"))

    def _run(self, i: int) -> None:
        t = time.perf_counter()
        self.out[i] = self.tasks[i]()
        self.seconds[i] = time.perf_counter() - t
        self.done[i] = 1

    def finish(self) -> np.ndarray:
        if self._read >= 0:
            self._take_tasks()
        for pid in self.pids:
            os.waitpid(pid, 0)
        self.pids = []
        for i in np.flatnonzero(self.done[: len(self.tasks)] == 0):
            self._run(int(i))
        return self.out.copy()

    def close(self) -> None:
        for pid in self.pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        self.pids = []
        if self._read >= 0:
            os.close(self._read)
            self._read = -1


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
    workers: int | None = None,
    source_pairs_budget: int | None = SOURCE_PAIRS_BUDGET,
    meanwhile: Callable[[], None] | None = None,
) -> NetworkResult:
    """Weighted degree, betweenness (exact or sampled), PageRank and brokerage for nodes 0..n-1.

    Betweenness is exact up to ``exact_max_nodes`` nodes (or when ``sources`` covers every node), else
    estimated from ``sampled_sources(sources, pairs, source_pairs_budget)`` seeded random sources.
    ``workers``: processes to fork for betweenness and PageRank besides this one; ``None`` chooses one fewer
    than the usable cores on a graph of ``PARALLEL_MIN_PAIRS`` pairs or more, else 0. The result is the same.
    ``meanwhile``: other work for this process while the workers finish (timed as "meanwhile: offending,
    markers"); it runs even if the graph has no edges.
    """
    seconds: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        seconds[name] = seconds.get(name, 0.0) + now - t
        t = now

    low, high, w = merge_pairs(src, dst, weight) if len(src) else (src, dst, weight)
    lap("merge pairs")
    if len(low) == 0:
        if meanwhile is not None:
            meanwhile()
            lap("meanwhile: offending, markers")
        zeros = np.zeros(n)
        frame = pd.DataFrame({m: zeros for m in MEASURES})
        return NetworkResult(frame, 0, 0, n, "exact", seconds)
    degree = np.bincount(np.concatenate([low, high]), weights=np.concatenate([w, w]), minlength=n).astype(float)
    lap("degree")
    # On a large graph the measures are computed on relabelled nodes (label[i] is node i's label there) that
    # put contacts near each other in memory; results come back in the caller's order.
    label = _locality(n, low, high) if len(low) >= PARALLEL_MIN_PAIRS else np.arange(n)
    g_low, g_high, g_w, g_degree = low, high, w, degree
    if len(low) >= PARALLEL_MIN_PAIRS:
        a, b = label[low], label[high]
        g_low, g_high = np.minimum(a, b), np.maximum(a, b)
        order = np.argsort(g_low * n + g_high)
        g_low, g_high, g_w = g_low[order], g_high[order], w[order]
        g_degree = np.empty(n)
        g_degree[label] = degree
    lap("locality order")
    built: list[ig.Graph] = []

    def graph() -> ig.Graph:
        """The igraph graph, built on first use in each process: a worker builds its own after PageRank,
        while this one builds it for Leiden."""
        if not built:
            g = ig.Graph(n=n, directed=False)
            g.add_edges(zip(g_low.tolist(), g_high.tolist(), strict=True))
            g.es["distance"] = (1.0 / g_w).tolist()
            built.append(g)
        return built[0]

    exact = n <= exact_max_nodes or sources >= n
    if exact:
        batches: list[list[int]] = []
        how = "exact"
    else:
        k = sampled_sources(sources, len(low), source_pairs_budget)
        picked = np.random.default_rng(seed).choice(n, size=k, replace=False)
        batches = [b.tolist() for b in np.array_split(label[picked], min(k, MAX_BATCHES))]
        how = f"sampled from {k} sources"
        if k < sources:
            how += f" (fewer than the model's {sources} at {len(low):,} pairs)"

    def pagerank_task() -> np.ndarray:
        return weighted_pagerank(n, g_low, g_high, g_w, g_degree, damping=damping)

    def batch_task(batch: list[int]) -> Callable[[], np.ndarray]:
        return lambda: np.asarray(graph().betweenness(directed=False, weights="distance", sources=batch), dtype=float)

    tasks = [pagerank_task, *(batch_task(b) for b in batches)]
    if workers is None:
        workers = cpus() - 1 if len(low) >= PARALLEL_MIN_PAIRS else 0
    pool = _Tasks(tasks, n)
    try:
        pool.start(min(workers, len(tasks)))
        graph()
        lap("graph")
        if exact:
            between = np.asarray(graph().betweenness(directed=False, weights="distance"), dtype=float)[label]
            lap("betweenness")
        membership = _communities(graph(), g_w, seed)[label]
        lap("leiden")
        brokerage = brokerage_counts(n, low, high, membership)
        lap("brokerage")
        if meanwhile is not None:
            meanwhile()
            lap("meanwhile: offending, markers")
        out = pool.finish()
        lap("waiting for the workers")
    finally:
        pool.close()
    seconds["pagerank"] = float(pool.seconds[0])
    pagerank = out[0][label]
    if batches:
        seconds["betweenness"] = float(pool.seconds[1:].sum())
        between = out[1].copy()
        for row in out[2:]:
            between += row
        between = between[label] * (n / len(picked))
    pagerank[degree == 0] = 0.0  # an isolated person is not "central" through PageRank's teleport share
    frame = pd.DataFrame({"degree": degree, "betweenness": between, "pagerank": pagerank, "brokerage": brokerage})
    return NetworkResult(
        measures=frame,
        pairs=len(low),
        repeated_rows_summed=len(src) - len(low),
        communities=int(membership.max()) + 1,
        betweenness=how,
        seconds=seconds,
    )
