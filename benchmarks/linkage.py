"""Record-linkage benchmark: SOC Hub's linkage engine against plain Splink 5 and the recordlinkage toolkit.

    .venv/bin/python benchmarks/linkage.py --febrl                           # FEBRL4, then 10k, 100k, 1M; all tools
    .venv/bin/python benchmarks/linkage.py --sizes 10000,100000 --tools splink,recordlinkage
    .venv/bin/python benchmarks/linkage.py --sizes 10000 --febrl
    .venv/bin/python benchmarks/linkage.py --sizes 100000 --hard     # households, twins, transposed dates

People records with a known true identity come from `gen_persons.py` (this folder's copy; see its docstring)
and are cached as `benchmarks/out/persons-N-SEED.parquet`. Every (size, tool) run happens in a fresh
subprocess of this script (hidden `--worker` flag) with a 10-minute timeout, so the peak memory reported is
that process's own peak RSS (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, which includes DuckDB's memory).
The time reported is the tool's pipeline inside the worker (read parquet, prepare, train, predict, cluster),
not interpreter start-up or imports. Quality is pairwise precision / recall / F1 of the final clusters
against the true entity ids. A tool that times out at one size is not run at larger sizes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
from machine import children_cpu_s, cpu_busy_s, peak_rss_bytes  # benchmarks/machine.py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GENERATOR = HERE / "gen_persons.py"
TIMEOUT_S = 600
HARD = False  # --hard: households sharing surname and postcode, juniors, twins, day/month transposed dates
HARD_OPTIONS = ["--families", "0.15", "--transposed", "0.5"]
CLUSTER_THRESHOLD = 0.9  # Splink baseline
TOOLS = ("sochub", "splink", "recordlinkage")
PERSON_COLUMNS = ["unique_id", "first_name", "surname", "dob", "postcode", "gender"]

# Targets from the issue and reference figures from ../shared/docs/performance.md ("Record linkage").
TARGET_1M_TIME_S = 60.0
TARGET_1M_PEAK_BYTES = 8e9
TARGET_1M_F1 = 0.95
TARGET_FEBRL_F1 = 0.99
REFERENCE = {
    ("splink", 1_000_000): {"time_s": 145.0, "f1": 0.818, "peak": 4.6 * 2**30},
    ("splink", 100_000): {"time_s": 7.7, "f1": 0.844, "peak": 482e6},
    ("splink", "febrl4"): {"time_s": 7.5, "f1": 0.999, "peak": 406e6},
    ("recordlinkage", "febrl4"): {"time_s": 2.1, "f1": 0.941, "peak": 328e6},
}


# --------------------------------------------------------------------------------------------- evaluation


def _pairs(sizes: np.ndarray) -> int:
    s = sizes.astype(np.int64)
    return int((s * (s - 1) // 2).sum())


def pairwise_scores(clusters: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float | int]:
    """Pairwise precision/recall/F1 of `clusters` (unique_id, cluster_id) against `truth` (unique_id, entity_id).

    Ids are compared as strings (SOC Hub's `prepare` turns them into strings). Counts pairs from group sizes:
    predicted pairs = sum of n(n-1)/2 over clusters, true pairs the same over entities, true positives the
    same over (cluster, entity) groups. Records missing from `clusters` are singletons.
    """
    t = pd.DataFrame({"unique_id": truth["unique_id"].astype(str), "entity_id": truth["entity_id"]})
    c = pd.DataFrame({"unique_id": clusters["unique_id"].astype(str), "cluster_id": clusters["cluster_id"]})
    m = t.merge(c, on="unique_id", how="left")
    missing = m["cluster_id"].isna()
    cid = m["cluster_id"].astype(object).where(~missing, "__single__" + m["unique_id"].astype(str))
    cid_codes = pd.factorize(cid.astype(str))[0]
    ent_codes = pd.factorize(m["entity_id"])[0]
    predicted = _pairs(np.bincount(cid_codes))
    true = _pairs(np.bincount(ent_codes))
    joint = cid_codes.astype(np.int64) * (ent_codes.max() + 1) + ent_codes
    tp = _pairs(np.unique(joint, return_counts=True)[1])
    precision = tp / predicted if predicted else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "predicted_pairs": predicted,
            "true_pairs": true}


def components(ids: pd.Series, left: pd.Series, right: pd.Series) -> pd.DataFrame:
    """Connected components of the links (left, right) over the records `ids`: frame unique_id, cluster_id."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index = pd.Index(ids)
    i, j = index.get_indexer(left), index.get_indexer(right)
    n = len(index)
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return pd.DataFrame({"unique_id": index, "cluster_id": labels})


# --------------------------------------------------------------------------------------------- tools


class Timer:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.last = self.t0
        self.stages: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.last
        self.last = now

    @property
    def total(self) -> float:
        return self.last - self.t0


def run_splink_persons(path: str) -> tuple[pd.DataFrame, Timer, dict]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t = Timer()
    df = pd.read_parquet(path, columns=PERSON_COLUMNS)
    t.lap("load")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("gender"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("dob", "surname"),
            block_on("postcode", "dob"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    t.lap("train")
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    n_pairs = predictions.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0]
    t.lap("predict")
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD
    )
    clusters = clustered.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    t.lap("cluster")
    return clusters, t, {"pairs_scored_over_0.5": int(n_pairs)}


def run_recordlinkage_persons(path: str) -> tuple[pd.DataFrame, Timer, dict]:
    import recordlinkage as rl

    t = Timer()
    df = pd.read_parquet(path, columns=PERSON_COLUMNS).set_index("unique_id")
    t.lap("load")
    indexer = rl.Index()
    indexer.block(["first_name", "surname"])
    indexer.block(["surname", "dob"])
    indexer.block(["first_name", "dob"])
    indexer.block(["postcode", "dob"])
    indexer.sortedneighbourhood("surname", window=5, block_on=["first_name"])
    candidates = indexer.index(df)
    t.lap("block")
    compare = rl.Compare(n_jobs=1)
    compare.string("first_name", "first_name", method="jarowinkler", threshold=0.85, label="first_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("dob", "dob", label="dob")
    compare.string("postcode", "postcode", method="jarowinkler", threshold=0.85, label="postcode")
    compare.exact("gender", "gender", label="gender")
    features = compare.compute(candidates, df)
    t.lap("compare")
    ecm = rl.ECMClassifier()
    links = ecm.fit_predict(features)
    t.lap("classify")
    clusters = components(df.index.to_series(), links.get_level_values(0).to_series(),
                          links.get_level_values(1).to_series())
    t.lap("cluster")
    return clusters, t, {"candidate_pairs": len(candidates), "links": len(links)}


def _import_sochub():
    sys.path.insert(0, str(REPO / "src"))
    import sochub.engine.linkage as linkage

    return linkage


def run_sochub_persons(path: str) -> tuple[pd.DataFrame, Timer, dict]:
    lk = _import_sochub()
    t = Timer()
    df = pd.read_parquet(path, columns=PERSON_COLUMNS)
    t.lap("load")
    records = lk.prepare(df)
    t.lap("prepare")
    model = lk.train(records)
    t.lap("train")
    pairs = lk.predict(records, model, threshold=lk.DEFAULT_THRESHOLD)
    t.lap("predict")
    clusters = lk.cluster(records["unique_id"], pairs, threshold=lk.DEFAULT_THRESHOLD)
    t.lap("cluster")
    return clusters[["unique_id", "cluster_id"]], t, {"pairs": len(pairs), "_clusters": clusters}


# --------------------------------------------------------------------------------------------- FEBRL4


def febrl4_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The two FEBRL4 files (rec_id as a column) and the truth (unique_id, entity_id: N of 'rec-N-...')."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    a, b = a.reset_index(), b.reset_index()
    ids = pd.concat([a["rec_id"], b["rec_id"]], ignore_index=True)
    truth = pd.DataFrame({"unique_id": ids, "entity_id": ids.str.extract(r"rec-(\d+)-")[0].astype(int)})
    return a, b, truth


def run_splink_febrl(a: pd.DataFrame, b: pd.DataFrame) -> tuple[pd.DataFrame, Timer, dict]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t = Timer()
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(a, dataset_display_name="a"), db_api.register(b, dataset_display_name="b")],
                    settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("soc_sec_id"))
    t.lap("train")
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    t.lap("predict")
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD
    )
    clusters = clustered.as_pandas_dataframe()[["rec_id", "cluster_id"]].rename(columns={"rec_id": "unique_id"})
    t.lap("cluster")
    return clusters, t, {}


def run_recordlinkage_febrl(a: pd.DataFrame, b: pd.DataFrame) -> tuple[pd.DataFrame, Timer, dict]:
    import recordlinkage as rl

    t = Timer()
    a, b = a.set_index("rec_id"), b.set_index("rec_id")
    indexer = rl.Index()
    indexer.block("given_name")
    indexer.sortedneighbourhood("surname")
    candidates = indexer.index(a, b)
    t.lap("block")
    compare = rl.Compare(n_jobs=1)
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    features = compare.compute(candidates, a, b)
    t.lap("compare")
    links = rl.ECMClassifier().fit_predict(features)
    t.lap("classify")
    ids = pd.concat([a.index.to_series(), b.index.to_series()], ignore_index=True)
    clusters = components(ids, links.get_level_values(0).to_series(), links.get_level_values(1).to_series())
    t.lap("cluster")
    return clusters, t, {"candidate_pairs": len(candidates)}


def run_sochub_febrl(a: pd.DataFrame, b: pd.DataFrame) -> tuple[pd.DataFrame, Timer, dict]:
    lk = _import_sochub()
    t = Timer()
    ra = lk.prepare(a.rename(columns={"rec_id": "unique_id"}), source_dataset="a")
    rb = lk.prepare(b.rename(columns={"rec_id": "unique_id"}), source_dataset="b")
    records = pd.concat([ra, rb], ignore_index=True)
    t.lap("prepare")
    model = lk.train(records)
    t.lap("train")
    pairs = lk.predict(records, model, threshold=lk.DEFAULT_THRESHOLD)
    t.lap("predict")
    clusters = lk.cluster(records["unique_id"], pairs, threshold=lk.DEFAULT_THRESHOLD)
    t.lap("cluster")
    return clusters[["unique_id", "cluster_id"]], t, {"pairs": len(pairs), "_clusters": clusters}


# --------------------------------------------------------------------------------------------- worker



def worker(tool: str, data: str, result_path: str, check_evaluate: bool) -> None:
    out: dict = {"tool": tool, "data": data}
    try:
        if data == "febrl4":
            a, b, truth = febrl4_frames()
            runner = {"sochub": run_sochub_febrl, "splink": run_splink_febrl,
                      "recordlinkage": run_recordlinkage_febrl}[tool]
            clusters, timer, extra = runner(a, b)
        else:
            runner = {"sochub": run_sochub_persons, "splink": run_splink_persons,
                      "recordlinkage": run_recordlinkage_persons}[tool]
            clusters, timer, extra = runner(data)
            truth = pd.read_parquet(data, columns=["unique_id", "entity_id"])
        out["time_s"] = timer.total
        out["stages"] = timer.stages
        out["peak_bytes"] = peak_rss_bytes()
        own_clusters = extra.pop("_clusters", None)
        out["extra"] = extra
        out["records"] = len(truth)
        out.update(pairwise_scores(clusters, truth))
        if tool == "sochub" and own_clusters is not None and (check_evaluate or data == "febrl4"):
            lk = _import_sochub()
            ev = lk.evaluate(own_clusters, truth)
            out["sochub_evaluate"] = {"precision": ev.precision, "recall": ev.recall, "f1": ev.f1}
            if check_evaluate:
                for k in ("precision", "recall", "f1"):
                    assert abs(getattr(ev, k) - out[k]) < 1e-9, f"evaluate() {k} {getattr(ev, k)} != {out[k]}"
                out["evaluate_agrees"] = True
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
        out["traceback"] = traceback.format_exc()
        out["peak_bytes"] = peak_rss_bytes()
    Path(result_path).write_text(json.dumps(out, default=float))


# --------------------------------------------------------------------------------------------- driver


def ensure_persons(n: int, seed: int, out_dir: Path) -> Path:
    path = out_dir / f"persons-{'hard-' if HARD else ''}{n}-{seed}.parquet"
    if not path.exists():
        tmp = path.with_suffix(".tmp.parquet")
        t0 = time.perf_counter()
        cmd = [sys.executable, str(GENERATOR), str(n), str(tmp), str(seed)] + (HARD_OPTIONS if HARD else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        tmp.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - t0:.1f} s: {proc.stdout.splitlines()[0]}",
              flush=True)
    return path




def other_cores(busy0: float, cpu0: float, wall: float) -> float:
    """Average number of cores used by processes other than the worker while it ran (contention)."""
    return max(0.0, (cpu_busy_s() - busy0 - (children_cpu_s() - cpu0)) / wall) if wall > 0 else 0.0


def run_worker(tool: str, data: str, out_dir: Path, check_evaluate: bool) -> dict:
    with tempfile.NamedTemporaryFile(dir=out_dir, suffix=".json", delete=False) as f:
        result_path = f.name
    log_path = out_dir / f"linkage-{tool}-{Path(data).stem}.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", tool, "--data", data, "--result", result_path]
    if check_evaluate:
        cmd.append("--check-evaluate")
    busy0, cpu0 = cpu_busy_s(), children_cpu_s()
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]))
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            proc.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            Path(result_path).unlink(missing_ok=True)
            wall = time.perf_counter() - t0
            return {"tool": tool, "data": data, "timeout": True, "process_s": wall,
                    "other_cores": other_cores(busy0, cpu0, wall)}
    process_s = time.perf_counter() - t0
    try:
        res = json.loads(Path(result_path).read_text() or "{}")
    except (OSError, json.JSONDecodeError):
        res = {}
    Path(result_path).unlink(missing_ok=True)
    if not res:
        tail = log_path.read_text()[-2000:]
        res = {"tool": tool, "data": data, "error": f"worker exited {proc.returncode}", "traceback": tail}
    res["process_s"] = process_s
    res["other_cores"] = other_cores(busy0, cpu0, process_s)
    return res


def fmt_bytes(b: float | None) -> str:
    if b is None:
        return "n/a"
    return f"{b / 2**30:.2f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


def fmt_ratio(num: dict, den: dict | None) -> str:
    if not den or "time_s" not in den or "time_s" not in num:
        return ""
    return f"{num['time_s'] / den['time_s']:.2f}× / {num['peak_bytes'] / den['peak_bytes']:.2f}×"


def label(key: int | str) -> str:
    if key == "febrl4":
        return "FEBRL4 5k+5k"
    n = int(key)
    size = f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"
    return size + (" hard" if HARD else "")


def print_table(results: list[dict]) -> str:
    lines = [
        "| data | records | tool | time | peak memory | precision | recall | F1 | ÷ Splink (time / mem) "
        "| ÷ recordlinkage (time / mem) | stages (s) | others' CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    by = {(r["key"], r["tool"]): r for r in results}
    for r in results:
        if r.get("timeout"):
            lines.append(f"| {label(r['key'])} | | {r['tool']} | did not finish in 10 min | | | | | | | | |")
            continue
        if "error" in r:
            lines.append(f"| {label(r['key'])} | | {r['tool']} | error: {r['error'][:80]} | | | | | | | | |")
            continue
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
        lines.append(
            f"| {label(r['key'])} | {r['records']:,} | {r['tool']} | {r['time_s']:.1f} s "
            f"| {fmt_bytes(r['peak_bytes'])} "
            f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} "
            f"| {fmt_ratio(r, by.get((r['key'], 'splink'))) if r['tool'] != 'splink' else ''} "
            f"| {fmt_ratio(r, by.get((r['key'], 'recordlinkage'))) if r['tool'] != 'recordlinkage' else ''} "
            f"| {stages} | {r.get('other_cores', float('nan')):.2f} |"
        )
    return "\n".join(lines)


def print_targets(results: list[dict]) -> str:
    by = {(r["key"], r["tool"]): r for r in results}
    lines = []

    def mark(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    s = None if HARD else by.get((1_000_000, "sochub"))
    if s and "time_s" in s:
        lines.append(f"- sochub 1M end to end ≤ {TARGET_1M_TIME_S:.0f} s: {s['time_s']:.1f} s "
                     f"{mark(s['time_s'] <= TARGET_1M_TIME_S)}")
        lines.append(f"- sochub 1M peak memory ≤ 8 GB: {fmt_bytes(s['peak_bytes'])} "
                     f"{mark(s['peak_bytes'] <= TARGET_1M_PEAK_BYTES)}")
        lines.append(f"- sochub 1M F1 ≥ {TARGET_1M_F1}: {s['f1']:.3f} {mark(s['f1'] >= TARGET_1M_F1)}")
    elif s:
        lines.append("- sochub 1M targets: MISS (no result: " + ("timeout" if s.get("timeout") else s.get("error", ""))
                     + ")")
    else:
        lines.append("- sochub 1M targets: not run")
    f = by.get(("febrl4", "sochub"))
    if f and "f1" in f:
        lines.append(f"- sochub FEBRL4 F1 ≥ {TARGET_FEBRL_F1}: {f['f1']:.3f} {mark(f['f1'] >= TARGET_FEBRL_F1)}")
    else:
        lines.append("- sochub FEBRL4 F1 ≥ 0.99: " + ("not run" if not f else "MISS (no result)"))
    for (tool, key), ref in REFERENCE.items():
        r = by.get((key, tool))
        if r and "time_s" in r and (key == "febrl4" or not HARD):
            lines.append(f"- reference {tool} {label(key)} (performance.md): {ref['time_s']:.1f} s, "
                         f"F1 {ref['f1']:.3f}, {fmt_bytes(ref['peak'])}; measured now {r['time_s']:.1f} s, "
                         f"F1 {r['f1']:.3f}, {fmt_bytes(r['peak_bytes'])}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000", help="people records (default 10000,100000,1000000)")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, from " + ",".join(TOOLS))
    ap.add_argument("--febrl", action="store_true", help="also run FEBRL4 two-file linkage")
    ap.add_argument("--out", default=str(HERE / "out"), help="cached data, logs, linkage-results.json")
    ap.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    ap.add_argument("--hard", action="store_true",
                    help="harder people data: gen_persons.py " + " ".join(HARD_OPTIONS) + " (see its docstring)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--check-evaluate", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        worker(args.worker, args.data, args.result, args.check_evaluate)
        return

    global HARD
    HARD = args.hard
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        ap.error(f"unknown tools: {sorted(unknown)}")

    results: list[dict] = []
    gave_up: set[str] = set()
    checked = False
    jobs: list[tuple[int | str, str]] = []
    if args.febrl:
        jobs += [("febrl4", t) for t in tools]
    jobs += [(n, t) for n in sorted(sizes) for t in tools]
    for key, tool in jobs:
        if key != "febrl4" and tool in gave_up:
            print(f"{label(key)} {tool}: skipped (did not finish at a smaller size)", flush=True)
            continue
        data = "febrl4" if key == "febrl4" else str(ensure_persons(int(key), args.seed, out_dir))
        check = tool == "sochub" and key != "febrl4" and not checked
        print(f"{label(key)} {tool}: running…", flush=True)
        r = run_worker(tool, data, out_dir, check)
        r["key"] = key
        if check and "f1" in r:
            checked = True
        results.append(r)
        if r.get("timeout"):
            print(f"{label(key)} {tool}: did not finish in 10 min", flush=True)
            if key != "febrl4":
                gave_up.add(tool)
        elif "error" in r:
            print(f"{label(key)} {tool}: ERROR {r['error']}\n{r.get('traceback', '')}", flush=True)
        else:
            print(f"{label(key)} {tool}: {r['time_s']:.1f} s (process {r['process_s']:.1f} s), "
                  f"peak {fmt_bytes(r['peak_bytes'])}, P {r['precision']:.4f} R {r['recall']:.4f} F1 {r['f1']:.4f} "
                  f"stages {json.dumps({k: round(v, 2) for k, v in r['stages'].items()})} "
                  f"{json.dumps(r.get('extra', {}))}"
                  + (f" evaluate() agrees: {r['evaluate_agrees']}" if "evaluate_agrees" in r else ""), flush=True)

    print()
    print(print_table(results))
    print()
    print(print_targets(results))
    busy = [f"{label(r['key'])} {r['tool']} ({r['other_cores']:.2f})" for r in results
            if r.get("other_cores", 0) > 0.25]
    if busy:
        print(f"- note: other processes used CPU (cores busy on average, of {os.cpu_count()}) during: "
              + ", ".join(busy) + "; those times are inflated")
    else:
        print("- other processes used under 0.25 of a core during every run")
    (out_dir / "linkage-results.json").write_text(json.dumps(results, indent=1, default=float))


if __name__ == "__main__":
    main()
