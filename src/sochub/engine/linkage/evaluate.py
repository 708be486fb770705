"""Pairwise precision/recall of a clustering against known identities.

Pair counts come from group sizes (n*(n-1)/2 per cluster, per true entity and per overlap), so a
million records score in about a second; only the listings of wrong pairs are enumerated, and they are
capped at `max_listed` pairs each.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd


@dataclass
class Evaluation:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int
    fp_pairs: pd.DataFrame
    fn_pairs: pd.DataFrame


def _pairs(n: pd.Series | np.ndarray) -> int:
    arr = np.asarray(n, dtype=np.int64)
    return int((arr * (arr - 1) // 2).sum())


def _list_pairs(df: pd.DataFrame, group: str, other: str, cap: int) -> pd.DataFrame:
    """Pairs inside `group` whose `other` differs, e.g. false positives: same cluster, different entity."""
    rows: list[tuple[str, str, str, str, str]] = []
    mixed = df.groupby(group)[other].transform("nunique") > 1
    for key, g in df[mixed].groupby(group, sort=True):
        recs = list(zip(g["unique_id"], g[other], strict=True))
        for (u1, o1), (u2, o2) in combinations(recs, 2):
            if o1 != o2:
                rows.append((u1, u2, str(key), str(o1), str(o2)))
                if len(rows) >= cap:
                    break
        if len(rows) >= cap:
            break
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", group, f"{other}_l", f"{other}_r"])


def _ids(df: pd.DataFrame) -> pd.Series:
    """record_id (file-mode output) or unique_id, qualified by source when the frame has one."""
    col = "unique_id" if "unique_id" in df.columns else "record_id"
    if col not in df.columns:
        raise ValueError("expected a record_id or unique_id column")
    ids = df[col].astype(str)
    if col == "record_id" and "source" in df.columns:
        ids = df["source"].astype(str) + ":" + ids
    return ids


def evaluate(clusters: pd.DataFrame, truth: pd.DataFrame, *, max_listed: int = 1000) -> Evaluation:
    """Pairwise scores of `clusters` (unique_id, cluster_id) against `truth` (record_id or unique_id, entity_id).

    Only records present in both are scored. fp_pairs/fn_pairs list at most `max_listed` pairs each.
    """
    t = pd.DataFrame({"unique_id": _ids(truth), "entity_id": truth["entity_id"].astype(str)})
    c = pd.DataFrame({"unique_id": _ids(clusters), "cluster_id": clusters["cluster_id"].astype(str)})
    if t["unique_id"].duplicated().any() or c["unique_id"].duplicated().any():
        raise ValueError("record ids repeat: give a source column in both files when linking several sources")
    df = c.merge(t, on="unique_id", how="inner")
    predicted = _pairs(df.groupby("cluster_id").size())
    actual = _pairs(df.groupby("entity_id").size())
    tp = _pairs(df.groupby(["cluster_id", "entity_id"]).size())
    fp, fn = predicted - tp, actual - tp
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Evaluation(
        precision=precision,
        recall=recall,
        f1=f1,
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        fp_pairs=_list_pairs(df if fp else df.head(0), "cluster_id", "entity_id", max_listed),
        fn_pairs=_list_pairs(df if fn else df.head(0), "entity_id", "cluster_id", max_listed),
    )
