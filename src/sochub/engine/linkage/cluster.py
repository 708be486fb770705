"""Group records into people from scored pairs, letting analyst labels override the model.

Without `different` labels this is plain connected components (scipy, a million records in about a
second). A `different` label needs order: edges are added strongest first and a union that would put a
labelled-different pair together is refused. That slower loop runs only on the components that contain
a `different` pair.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def _codes(ids: pd.Index, values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(ids.get_indexer(pd.Index(np.asarray(values, dtype=object).astype(str))))


class _UnionFind:
    """Union-find whose sets remember which other sets they must never join."""

    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)
        self.never: dict[int, set[int]] = {}

    def find(self, a: int) -> int:
        root = a
        while self.parent[root] != root:
            root = int(self.parent[root])
        while self.parent[a] != root:
            self.parent[a], a = root, int(self.parent[a])
        return root

    def forbid(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.never.setdefault(ra, set()).add(rb)
        self.never.setdefault(rb, set()).add(ra)

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        na, nb = self.never.get(ra, set()), self.never.get(rb, set())
        if not force and (rb in na or ra in nb):
            return False
        self.parent[rb] = ra
        merged = na | nb
        if merged:
            merged = {self.find(x) for x in merged}
            merged.discard(ra)
            self.never[ra] = merged
            for x in merged:
                s = self.never.setdefault(x, set())
                s.discard(rb)
                s.add(ra)
        self.never.pop(rb, None)
        return True


def cluster(
    unique_ids: Iterable[str],
    pairs: pd.DataFrame,
    *,
    threshold: float,
    same: Iterable[tuple[str, str]] = (),
    different: Iterable[tuple[str, str]] = (),
) -> pd.DataFrame:
    """unique_id, cluster_id (smallest unique_id in the cluster), match_probability (strongest kept link).

    `same` pairs always link (probability 1.0); `different` pairs never end up in one cluster, nor do
    pairs the family guard flagged (a non-empty `guard` column), unless they are in `same`: a chain of
    links through a record with no given name must not join two brothers.
    """
    ids = pd.Index(pd.unique(np.asarray(list(unique_ids), dtype=object).astype(str)))
    n = len(ids)
    keep = pairs[pairs["match_probability"] >= threshold] if len(pairs) else pairs
    a = _codes(ids, keep["unique_id_l"]) if len(keep) else np.empty(0, dtype=np.int64)
    b = _codes(ids, keep["unique_id_r"]) if len(keep) else np.empty(0, dtype=np.int64)
    p = keep["match_probability"].to_numpy(dtype=float) if len(keep) else np.empty(0)
    same_l = [(str(x), str(y)) for x, y in same]
    diff_l = [(str(x), str(y)) for x, y in different]
    if "guard" in pairs.columns:  # likely relatives (see model.family_guard) stay apart unless judged the same
        flagged = pairs[pairs["guard"].fillna("").astype(str) != ""]
        judged_same = {frozenset(x) for x in same_l}
        diff_l += [
            (str(x), str(y))
            for x, y in zip(flagged["unique_id_l"], flagged["unique_id_r"], strict=True)
            if frozenset((str(x), str(y))) not in judged_same
        ]
    if same_l:
        sa = _codes(ids, np.array([x for x, _ in same_l], dtype=object))
        sb = _codes(ids, np.array([y for _, y in same_l], dtype=object))
        a, b, p = np.concatenate([sa, a]), np.concatenate([sb, b]), np.concatenate([np.ones(len(sa)), p])
    ok = (a >= 0) & (b >= 0)
    a, b, p = a[ok], b[ok], p[ok]
    n_same = int(ok[: len(same_l)].sum()) if same_l else 0

    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    accepted = np.ones(len(a), dtype=bool)

    if diff_l:
        da = _codes(ids, np.array([x for x, _ in diff_l], dtype=object))
        db = _codes(ids, np.array([y for _, y in diff_l], dtype=object))
        valid = (da >= 0) & (db >= 0)
        da, db = da[valid], db[valid]
        clash = np.unique(comp[da][comp[da] == comp[db]])
        if len(clash):
            comp, accepted = _constrained(comp, clash, a, b, p, n_same, da, db, accepted)

    # cluster_id = smallest unique_id in each component; deterministic whatever the pair order
    id_arr = ids.to_numpy(dtype=object)
    order = np.argsort(id_arr)  # position of ids in sorted order
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    min_rank = np.full(comp.max() + 1 if n else 0, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(min_rank, comp, rank)
    cluster_id = id_arr[order[min_rank[comp]]]

    best = np.full(n, np.nan)
    if accepted.any():
        ea, eb, ep = a[accepted], b[accepted], p[accepted]
        both = np.concatenate([ea, eb])
        probs = np.concatenate([ep, ep])
        best_s = pd.Series(probs).groupby(both).max()
        best[best_s.index.to_numpy()] = best_s.to_numpy()
    return pd.DataFrame({"unique_id": id_arr, "cluster_id": cluster_id, "match_probability": best})


def _constrained(
    comp: np.ndarray,
    clash: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    p: np.ndarray,
    n_same: int,
    da: np.ndarray,
    db: np.ndarray,
    accepted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Re-cluster the components holding a `different` pair: strongest edges first, refusing forbidden unions."""
    in_clash = np.isin(comp, clash)
    nodes = np.flatnonzero(in_clash)
    local = {int(x): i for i, x in enumerate(nodes)}
    uf = _UnionFind(len(nodes))
    for x, y in zip(da, db, strict=True):
        if int(x) in local and int(y) in local:
            uf.forbid(local[int(x)], local[int(y)])
    edge_idx = np.flatnonzero(in_clash[a])
    # analyst `same` labels first (they head the edge list), then model edges by falling probability
    same_idx = edge_idx[edge_idx < n_same]
    model_idx = edge_idx[edge_idx >= n_same]
    model_idx = model_idx[np.argsort(-p[model_idx], kind="stable")]
    accepted = accepted.copy()
    for e in same_idx:
        uf.union(local[int(a[e])], local[int(b[e])], force=True)
    for e in model_idx:
        accepted[e] = uf.union(local[int(a[e])], local[int(b[e])])
    roots = np.array([uf.find(i) for i in range(len(nodes))])
    comp = comp.copy()
    comp[nodes] = comp.max() + 1 + roots
    # an edge counts as kept only if its two ends finished in the same cluster
    accepted[edge_idx] &= comp[a[edge_idx]] == comp[b[edge_idx]]
    return comp, accepted
