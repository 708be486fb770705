"""File mode: link CSV/parquet files with no database, for one-off jobs and the `sochub link` command.

One file is deduplicated; several are linked across files and deduplicated within each, all as one
combined table. Record ids only need to be unique within a file: inside the engine they are prefixed
with the file's source name, and the output gives them back as they were.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .cluster import cluster
from .model import DEFAULT_THRESHOLD, predict, train
from .prepare import prepare, resolve_columns

Progress = Callable[[str, int, int], None]


def read_table(path: Path) -> pd.DataFrame:
    """Every column as text (ids like 0012 keep their zeros); parquet read as is."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if suffix in (".csv", ".txt", ".tsv"):
        sep = "\t" if suffix == ".tsv" else ","
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], sep=sep)
    raise ValueError(f"{path}: unsupported file type (use .csv or .parquet)")


def link_files(
    paths: list[Path],
    *,
    out: Path,
    engine: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Cluster the records of `paths` and write record_id[,source],cluster_id,match_probability to `out`."""
    say: Progress = progress or (lambda _stage, _done, _total: None)
    if not paths:
        raise ValueError("no input files")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    several = len(paths) > 1
    frames = []
    originals = []
    for i, path in enumerate(paths):
        say(f"Reading {Path(path).name}", i, len(paths))
        raw = read_table(Path(path))
        cols = resolve_columns(list(raw.columns), mapping)
        if "unique_id" not in cols:
            raise ValueError(f"{path}: no record_id column (or map one with record_id/unique_id)")
        default_source = Path(path).stem
        rec = prepare(raw, source_dataset=default_source, mapping=mapping)
        rec["source_dataset"] = rec["source_dataset"].fillna(default_source)
        originals.append(pd.DataFrame({"record_id": rec["unique_id"], "source": rec["source_dataset"]}))
        if several:
            rec["unique_id"] = rec["source_dataset"].astype(str) + ":" + rec["unique_id"].astype(str)
        frames.append(rec)
    records = pd.concat(frames, ignore_index=True)
    ids = pd.concat(originals, ignore_index=True)
    dupes = records["unique_id"].duplicated()
    if dupes.any():
        raise ValueError(f"record ids repeat within a source, e.g. {records['unique_id'][dupes].iloc[0]!r}")
    timings["prepare"] = time.perf_counter() - t0

    say("Training the model", 1, 4)
    t = time.perf_counter()
    # Training reads a sample of at most TRAIN_SAMPLE records, which one machine handles faster than
    # Spark; the trained model is then scored on the chosen engine over all the records.
    model = train(records)
    timings["train"] = time.perf_counter() - t
    say("Scoring pairs", 2, 4)
    t = time.perf_counter()
    pairs = predict(records, model, engine=engine, threshold=min(threshold, 0.5))
    timings["predict"] = time.perf_counter() - t
    say("Clustering", 3, 4)
    t = time.perf_counter()
    clusters = cluster(records["unique_id"], pairs, threshold=threshold)
    timings["cluster"] = time.perf_counter() - t

    result = pd.DataFrame({"record_id": ids["record_id"]})
    if several:
        result["source"] = ids["source"]
    by_id = clusters.set_index("unique_id")
    result["cluster_id"] = by_id.loc[records["unique_id"], "cluster_id"].to_numpy()
    result["match_probability"] = by_id.loc[records["unique_id"], "match_probability"].round(6).to_numpy()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    result.to_csv(out, index=False)
    timings["total"] = time.perf_counter() - t0
    say("Finished", 4, 4)
    sizes = clusters.groupby("cluster_id").size()
    return {
        "records": len(records),
        "sources": int(records["source_dataset"].nunique()) if several else 1,
        "pairs_scored": len(pairs),
        "links": int((pairs["match_probability"] >= threshold).sum()),
        "clusters": len(sizes),
        "records_in_multi_record_clusters": int(sizes[sizes > 1].sum()),
        "threshold": threshold,
        "seconds": {k: round(v, 2) for k, v in timings.items()},
    }
