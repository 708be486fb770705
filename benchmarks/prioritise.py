"""Nominal prioritisation benchmark: SOC Hub's engine end to end, and the same network measures in networkx.

    .venv/bin/python benchmarks/prioritise.py                                  # 18k, 100k, 1M; both tools
    .venv/bin/python benchmarks/prioritise.py --sizes 18000,100000             # both tools + accuracy
    .venv/bin/python benchmarks/prioritise.py --sizes 1000000 --tools sochub   # the 1M target (about 2 min)

Data (seeded, vectorised numpy; cached as CSV under `benchmarks/out/prioritise-N-SEED/`): N nominals in
communities of heavy-tailed size, about 5 edge rows per nominal (80% inside the community, 20% across; both
ends drawn in proportion to a Pareto "activity", so degrees are heavy-tailed as in a Barabási-Albert graph),
weights 1, 2, 3... (geometric); about 10 offences per nominal over 5 years, offence types from the default
model's harm index (commoner the lower the harm); 4% of people carry warning markers; 5% are victims or
children (protected: never ranked). These are the CSV files of file mode (`sochub prioritise --edges
--nodes --offences`).

Every (size, tool) run happens in a fresh subprocess of this script (hidden `--worker` flag) with a 10-minute
timeout; peak memory is that process's own peak RSS. networkx runs under an address-space limit
(RLIMIT_AS, `--nx-memory-gb`, default 12). A tool that does not finish at one size is not run at larger ones.

- `sochub`: `load_model()`, `read_inputs(edges, nodes, offences)`, `prioritise(inputs, model=..., seed=0)`
  with the model's 1,000 Monte Carlo draws; stage times from the ranking's summary (with the network
  measures' own steps, which overlap: betweenness and PageRank run in a worker process beside Leiden).
- `networkx`: the same graph (repeated pairs summed, distance = 1 / weight), weighted degree, PageRank
  (damping 0.85) and betweenness from `--nx-sources` sampled sources (64, the model's number; `--nx-exact`
  makes it exact up to 20,000 nodes). No communities.
- `accuracy` (sizes up to `--accuracy-max`): the engine's sampled betweenness (as many sources as it uses at
  that size) against exact betweenness (the engine's own exact path, up to `--accuracy-exact-max` nodes) or
  an estimate from `--reference-sources` sources: Spearman rank correlation over all nodes, top-20 and
  top-100 overlap, and how much of the engine's final top 20 with the reference betweenness it keeps.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
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
TIMEOUT_S = 600
TOOLS = ("sochub", "networkx")
TARGET_1M_TIME_S = 60.0
EDGES_PER_NOMINAL = 5
OFFENCES_PER_NOMINAL = 10
YEARS = 5
LAST_DAY = np.datetime64("2026-10-31")
COMMUNITY_MEAN = 40
INSIDE = 0.8
MARKED = 0.04
PROTECTED = {"victim": 0.03, "child": 0.02}


def _import_engine():
    sys.path.insert(0, str(REPO / "src"))
    import sochub.engine.prioritise as engine

    return engine


# --------------------------------------------------------------------------------------------- data


def generate(n: int, seed: int, folder: Path) -> None:
    """Write edges.csv, nodes.csv and offences.csv for n nominals into `folder` (see the module docstring)."""
    engine = _import_engine()
    model = engine.load_model()
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"N{i:07d}" for i in range(n)])

    # Communities of heavy-tailed size; activity (Pareto, shape 2.1) sets how many contacts a person has.
    n_comm = max(1, n // COMMUNITY_MEAN)
    comm_w = rng.lognormal(0.0, 1.0, n_comm)
    comm = rng.choice(n_comm, size=n, p=comm_w / comm_w.sum())
    order = np.argsort(comm, kind="stable")
    activity = rng.pareto(2.1, n) + 1.0
    cum = np.cumsum(activity[order])
    total = cum[-1]
    sorted_comm = comm[order]
    first = np.searchsorted(sorted_comm, np.arange(n_comm), side="left")
    last = np.searchsorted(sorted_comm, np.arange(n_comm), side="right")
    before = np.concatenate([[0.0], cum])  # before[i] = activity of the sorted nodes ahead of i

    def pick(u: np.ndarray) -> np.ndarray:
        return order[np.minimum(np.searchsorted(cum, u, side="right"), n - 1)]

    m = EDGES_PER_NOMINAL * n
    src = pick(rng.random(m) * total)
    inside = rng.random(m) < INSIDE
    c = comm[src]
    lo, hi = before[first[c]], before[last[c]]
    dst = np.where(inside, pick(lo + rng.random(m) * (hi - lo)), pick(rng.random(m) * total))
    loops = src == dst
    dst[loops] = (dst[loops] + 1 + rng.integers(0, n - 1, loops.sum())) % n
    weight = rng.geometric(0.6, m)
    pd.DataFrame({
        "source": pd.Categorical.from_codes(src, categories=ids),
        "target": pd.Categorical.from_codes(dst, categories=ids),
        "weight": weight,
    }).to_csv(folder / "edges.csv", index=False)

    # People: markers on a few per cent, protected roles on 5%.
    marker_names = sorted(model.markers)
    labels = ["", *marker_names, *(f"{a};{b}" for a in marker_names for b in marker_names if a < b)]
    marks = np.zeros(n, dtype=np.int64)
    marked = rng.random(n) < MARKED
    two = rng.random(n) < 0.2
    marks[marked & ~two] = rng.integers(1, 1 + len(marker_names), (marked & ~two).sum())
    marks[marked & two] = rng.integers(1 + len(marker_names), len(labels), (marked & two).sum())
    roles = ["", "associate", *PROTECTED]
    p_protected = sum(PROTECTED.values())
    role_p = [0.75 * (1 - p_protected), 0.25 * (1 - p_protected), *PROTECTED.values()]
    pd.DataFrame({
        "id": ids,
        "markers": pd.Categorical.from_codes(marks, categories=labels),
        "role": pd.Categorical.from_codes(rng.choice(len(roles), size=n, p=role_p), categories=roles),
    }).to_csv(folder / "nodes.csv", index=False)

    # Offences: about 10 per nominal, heavy-tailed per person, types commoner the lower their harm weight.
    k = OFFENCES_PER_NOMINAL * n
    offender_w = rng.lognormal(0.0, 1.2, n) * np.sqrt(activity)
    person = rng.choice(n, size=k, p=offender_w / offender_w.sum())
    types = sorted(model.harm_index.offences)
    type_w = np.array([model.harm_index.offences[t].weight for t in types]) ** -0.5
    days = YEARS * 365
    day_labels = (LAST_DAY - np.arange(days)).astype(str)
    pd.DataFrame({
        "id": pd.Categorical.from_codes(person, categories=ids),
        "date": pd.Categorical.from_codes(rng.integers(0, days, k), categories=day_labels),
        "offence_type": pd.Categorical.from_codes(rng.choice(len(types), size=k, p=type_w / type_w.sum()),
                                                  categories=types),
    }).to_csv(folder / "offences.csv", index=False)


def ensure_data(n: int, seed: int, out_dir: Path) -> Path:
    folder = out_dir / f"prioritise-{n}-{seed}"
    if not (folder / "done").exists():
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        generate(n, seed, folder)
        (folder / "done").write_text("ok\n")
        size = sum(f.stat().st_size for f in folder.glob("*.csv"))
        print(f"generated {folder.name} in {time.perf_counter() - t0:.1f} s ({size / 2**20:.0f} MiB of CSV)",
              flush=True)
    return folder


# --------------------------------------------------------------------------------------------- tools


class Timer:
    def __init__(self, on_lap=None) -> None:
        self.t0 = time.perf_counter()
        self.last = self.t0
        self.stages: dict[str, float] = {}
        self.on_lap = on_lap

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.last
        self.last = now
        if self.on_lap:
            self.on_lap(self)

    @property
    def total(self) -> float:
        return self.last - self.t0


def run_sochub(folder: Path, draws: int | None, save) -> dict:
    engine = _import_engine()
    t = Timer()
    model = engine.load_model()
    inputs = engine.read_inputs(folder / "edges.csv", folder / "nodes.csv", folder / "offences.csv")
    t.lap("read")
    ranking = engine.prioritise(inputs, model=model, seed=0, draws=draws)
    t.lap("prioritise")
    secs = ranking.summary["seconds"]
    stages = {"read": t.stages["read"], "network": secs.get("network measures", 0.0),
              "offending": secs.get("offending", 0.0), "monte carlo": secs.get("monte carlo", 0.0)}
    stages["markers and scoring"] = t.stages["prioritise"] - sum(v for k, v in stages.items() if k != "read")
    s = ranking.summary
    return {
        "time_s": t.total,
        "network_s": stages["network"],
        "stages": stages,
        "extra": {
            "people": s["people"], "edge rows": len(inputs.edges), "offence rows": len(inputs.offences),
            "distinct pairs": s["distinct pairs"], "communities": s["communities"],
            "betweenness": s["betweenness"], "draws": s["draws"],
            # network steps overlap: betweenness and PageRank run beside Leiden in worker processes
            "network steps": {k.removeprefix("network: "): round(v, 1) for k, v in secs.items()
                              if k.startswith("network: ")},
            "markers and scoring steps": {k: round(v, 1) for k, v in secs.items()
                                          if k in ("people", "markers", "scoring and ranking")},
            "protected": s["protected people (victim, child, vulnerable) never ranked"],
            "scored above 0": s["people with a score above 0"],
            "top 3": [(r["id"], r["score"], r["p_top"]) for r in ranking.rows[:3]],
        },
    }


def run_networkx(folder: Path, exact_max: int, sources: int, memory_gb: float, save) -> dict:
    limit = int(memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import networkx as nx

    engine = _import_engine()
    from sochub.engine.prioritise.network import merge_pairs

    out: dict = {"extra": {"networkx": nx.__version__, "memory limit GiB": memory_gb}}

    def partial(timer: Timer) -> None:
        out["stages"] = dict(timer.stages)
        save(out)

    t = Timer(partial)
    edges, _ = engine.read_edges(folder / "edges.csv")
    t.lap("read")
    codes, ids = pd.factorize(pd.concat([edges["source"], edges["target"]], ignore_index=True))
    n, ne = len(ids), len(edges)
    low, high, w = merge_pairs(codes[:ne], codes[ne:], edges["weight"].to_numpy(dtype=float))
    del edges, codes
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((int(a), int(b), {"weight": float(x), "distance": 1.0 / float(x)})
                     for a, b, x in zip(low, high, w, strict=True))
    t.lap("build graph")
    dict(g.degree(weight="weight"))
    t.lap("degree")
    nx.pagerank(g, alpha=0.85, weight="weight")
    t.lap("pagerank")
    k = None if n <= exact_max or sources >= n else sources
    out["extra"]["betweenness"] = "exact" if k is None else f"sampled from {k} sources"
    save(out)
    nx.betweenness_centrality(g, k=k, normalized=False, weight="distance", seed=0)
    t.lap("betweenness")
    out.update({"time_s": t.total, "network_s": t.total - t.stages["read"], "stages": dict(t.stages)})
    out["extra"]["nodes"] = n
    out["extra"]["distinct pairs"] = len(low)
    return out


def _overlap(a: np.ndarray, b: np.ndarray, k: int) -> float:
    top_a = set(np.argsort(-a, kind="stable")[:k].tolist())
    top_b = set(np.argsort(-b, kind="stable")[:k].tolist())
    return len(top_a & top_b) / k


def run_accuracy(folder: Path, reference_sources: int, exact_max: int, save) -> dict:
    """Engine's sampled betweenness (as many sources as it uses at this size) against exact betweenness (up to
    `exact_max` nodes) or an estimate from `reference_sources` sources, and the effect on the final top 20."""
    from scipy.stats import spearmanr

    engine = _import_engine()
    import sochub.engine.prioritise.scoring as scoring
    from sochub.engine.prioritise.network import merge_pairs, network_measures, sampled_sources

    model = engine.load_model()
    t = Timer()
    inputs = engine.read_inputs(folder / "edges.csv", folder / "nodes.csv", folder / "offences.csv")
    edges = inputs.edges
    # Node codes exactly as prioritise() makes them (every id in order of first appearance).
    codes, ids = pd.factorize(pd.concat([edges["source"], edges["target"], inputs.nodes["id"], inputs.offences["id"]],
                                        ignore_index=True))
    n, ne = len(ids), len(edges)
    src, dst, w = codes[:ne], codes[ne: 2 * ne], edges["weight"].to_numpy(dtype=float)
    t.lap("read")
    configured = model.network.betweenness_sources
    sources = sampled_sources(configured, len(merge_pairs(src, dst, w)[0]))
    sampled_run = network_measures(n, src, dst, w, exact_max_nodes=0, sources=configured, seed=0)
    t.lap(f"engine measures, betweenness from {sources} sources")
    if n <= exact_max:
        reference_run = network_measures(n, src, dst, w, exact_max_nodes=n, seed=0)
        ref_label = "exact"
        t.lap("engine measures, exact betweenness")
    else:
        reference_run = network_measures(n, src, dst, w, exact_max_nodes=0, sources=reference_sources, seed=12345,
                                         source_pairs_budget=None)
        ref_label = f"estimate from {reference_sources:,} sources"
        t.lap(f"engine measures, betweenness from {reference_sources} sources")
    s = sampled_run.measures["betweenness"].to_numpy()
    reference = reference_run.measures["betweenness"].to_numpy()
    out = {
        "time_s": t.total,
        "stages": dict(t.stages),
        "extra": {
            "reference": ref_label,
            "sampled sources": sources,
            "spearman": float(spearmanr(s, reference).statistic),
            "spearman, reference > 0": float(spearmanr(s[reference > 0], reference[reference > 0]).statistic),
            "top-20 overlap": _overlap(s, reference, 20),
            "top-100 overlap": _overlap(s, reference, 100),
        },
    }
    # Effect on the final list: the engine's top 20 with the reference betweenness against with its own.
    real = scoring.network_measures

    def measured(run):
        def network_measures(*_args, meanwhile=None, **_kw):
            if meanwhile is not None:
                meanwhile()
            return run

        return network_measures

    try:
        tops = []
        for run in (reference_run, sampled_run):
            scoring.network_measures = measured(run)
            tops.append({r["id"] for r in engine.prioritise(inputs, model=model, seed=0, draws=0).rows})
    finally:
        scoring.network_measures = real
    out["extra"]["final top-20 overlap"] = len(tops[0] & tops[1]) / 20
    t.lap("final top 20, reference vs sampled")
    out["stages"] = dict(t.stages)
    out["time_s"] = t.total
    return out


# --------------------------------------------------------------------------------------------- worker



def worker(args: argparse.Namespace) -> None:
    base: dict = {"tool": args.worker, "data": args.data}
    path = Path(args.result)

    def save(partial: dict) -> None:
        path.write_text(json.dumps({**base, **partial, "partial": True, "peak_bytes": peak_rss_bytes()}, default=float))

    folder = Path(args.data)
    try:
        if args.worker == "sochub":
            out = run_sochub(folder, args.draws, save)
        elif args.worker == "networkx":
            out = run_networkx(folder, args.nx_exact_max, args.nx_sources, args.nx_memory_gb, save)
        else:
            out = run_accuracy(folder, args.reference_sources, args.accuracy_exact_max, save)
    except (Exception, MemoryError) as exc:
        out = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        if path.exists():
            with contextlib.suppress(json.JSONDecodeError):
                out = {**json.loads(path.read_text()), **out}
        out.pop("partial", None)
    out["peak_bytes"] = peak_rss_bytes()
    # The engine's forked worker (betweenness, PageRank): its peak RSS counts the pages it shares with this
    # process too, so the two peaks overlap and must not be added up.
    out["worker_peak_bytes"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    path.write_text(json.dumps({**base, **out}, default=float))


# --------------------------------------------------------------------------------------------- driver




def other_cores(busy0: float, cpu0: float, wall: float) -> float:
    """Average number of cores used by processes other than the worker while it ran (contention)."""
    return max(0.0, (cpu_busy_s() - busy0 - (children_cpu_s() - cpu0)) / wall) if wall > 0 else 0.0


def run_worker(tool: str, folder: Path, out_dir: Path, args: argparse.Namespace) -> dict:
    with tempfile.NamedTemporaryFile(dir=out_dir, suffix=".json", delete=False) as f:
        result_path = Path(f.name)
    log_path = out_dir / f"prioritise-{tool}-{folder.name}.log"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", tool, "--data", str(folder),
           "--result", str(result_path), "--nx-exact-max", str(args.nx_exact_max),
           "--nx-sources", str(args.nx_sources), "--nx-memory-gb", str(args.nx_memory_gb),
           "--reference-sources", str(args.reference_sources),
           "--accuracy-exact-max", str(args.accuracy_exact_max)]
    if args.draws is not None:
        cmd += ["--draws", str(args.draws)]
    busy0, cpu0 = cpu_busy_s(), children_cpu_s()
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]))
    timed_out = False
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            timed_out = True
    process_s = time.perf_counter() - t0
    try:
        res = json.loads(result_path.read_text() or "{}")
    except (OSError, json.JSONDecodeError):
        res = {}
    result_path.unlink(missing_ok=True)
    if timed_out:
        res = {**res, "timeout": True}
    elif not res:
        res = {"error": f"worker exited {proc.returncode}", "traceback": log_path.read_text()[-2000:]}
    res.update({"tool": tool, "data": str(folder), "process_s": process_s,
                "other_cores": other_cores(busy0, cpu0, process_s)})
    return res


def fmt_bytes(b: float | None) -> str:
    if b is None:
        return "n/a"
    return f"{b / 2**30:.2f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


def stages_text(r: dict) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in r.get("stages", {}).items())


def print_table(results: list[dict], baseline: str = "networkx") -> str:
    lines = [
        "| nominals | tool | betweenness | end to end | network measures | peak memory "
        f"| ÷ {baseline} (network time / mem) | stages (s) | others' CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    by = {(r["key"], r["tool"]): r for r in results}
    for r in results:
        if r["tool"] not in TOOLS:
            continue
        how = r.get("extra", {}).get("betweenness", "")
        head = f"| {label(r['key'])} | {r['tool']} | {how} "
        if r.get("timeout") or "error" in r:
            why = (f"did not finish in {TIMEOUT_S // 60} min" if r.get("timeout")
                   else "error: " + r["error"][:80])
            lines.append(f"{head}| {why} | | {fmt_bytes(r.get('peak_bytes'))} | | {stages_text(r)} (unfinished) "
                         f"| {r.get('other_cores', float('nan')):.2f} |")
            continue
        base = by.get((r["key"], baseline))
        ratio = ""
        if r["tool"] != baseline and base and "network_s" in base:
            ratio = f"{r['network_s'] / base['network_s']:.2f}× / {r['peak_bytes'] / base['peak_bytes']:.2f}×"
        end = f"{r['time_s']:.1f} s" if r["tool"] == "sochub" else ""
        lines.append(f"{head}| {end} | {r['network_s']:.1f} s | {fmt_bytes(r['peak_bytes'])} | {ratio} "
                     f"| {stages_text(r)} | {r.get('other_cores', float('nan')):.2f} |")
    return "\n".join(lines)


def print_accuracy(results: list[dict]) -> str:
    lines = []
    for r in results:
        if r["tool"] != "accuracy":
            continue
        if "extra" not in r or "spearman" not in r.get("extra", {}):
            why = "timeout" if r.get("timeout") else r.get("error", "no result")
            lines.append(f"- {label(r['key'])} betweenness accuracy: not measured ({why})")
            continue
        e = r["extra"]
        line = (f"- {label(r['key'])} betweenness from {e['sampled sources']} sampled sources vs {e['reference']}: "
                f"Spearman {e['spearman']:.3f} (nodes with reference > 0: {e['spearman, reference > 0']:.3f}), "
                f"top-20 overlap {e['top-20 overlap']:.0%}, top-100 overlap {e['top-100 overlap']:.0%}")
        if "final top-20 overlap" in e:
            line += (f"; the engine's final top 20 with its sampled betweenness keeps {e['final top-20 overlap']:.0%} "
                     f"of the top 20 with the reference")
        lines.append(line + f" [{stages_text(r)}]")
    return "\n".join(lines)


def print_targets(results: list[dict]) -> str:
    by = {(r["key"], r["tool"]): r for r in results}
    s = by.get((1_000_000, "sochub"))
    if s and "time_s" in s and not s.get("timeout"):
        mark = "PASS" if s["time_s"] <= TARGET_1M_TIME_S else "MISS"
        worker = f", its worker process {fmt_bytes(s['worker_peak_bytes'])}" if s.get("worker_peak_bytes") else ""
        return (f"- sochub 1M end to end ≤ {TARGET_1M_TIME_S:.0f} s ({os.cpu_count()} cores): {s['time_s']:.1f} s "
                f"{mark} (process with imports {s['process_s']:.1f} s; peak {fmt_bytes(s['peak_bytes'])}{worker})")
    if s:
        why = "timeout" if s.get("timeout") else s.get("error", "")
        return f"- sochub 1M end to end: MISS (no result: {why})"
    return "- sochub 1M end to end: not run"


def save_results(path: Path, results: list[dict]) -> None:
    """Merge into the results file: a (size, tool) measured now replaces the one from an earlier run."""
    try:
        old = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        old = []
    now = {(r["key"], r["tool"]) for r in results}
    kept = [r for r in old if (r.get("key"), r.get("tool")) not in now]
    path.write_text(json.dumps(kept + results, indent=1, default=float))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="18000,100000,1000000", help="nominals (default 18000,100000,1000000)")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, from " + ",".join(TOOLS))
    ap.add_argument("--out", default=str(HERE / "out"), help="cached data, logs, prioritise-results.json")
    ap.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    ap.add_argument("--draws", type=int, default=None, help="Monte Carlo draws (default: the model's, 1000)")
    ap.add_argument("--timeout", type=int, default=TIMEOUT_S, help="seconds per worker (default 600)")
    ap.add_argument("--nx-memory-gb", type=float, default=12.0, help="networkx address-space limit (default 12)")
    ap.add_argument("--nx-sources", type=int, default=64, help="networkx betweenness sources (default 64)")
    ap.add_argument("--nx-exact", action="store_true",
                    help="networkx betweenness exact up to 20,000 nodes, like the engine (default: always sampled)")
    ap.add_argument("--no-accuracy", action="store_true", help="skip the sampled-betweenness accuracy check")
    ap.add_argument("--accuracy-max", type=int, default=100_000, help="largest size for the accuracy check")
    ap.add_argument("--reference-sources", type=int, default=1000,
                    help="sources of the reference betweenness where exact is too slow (default 1000)")
    ap.add_argument("--accuracy-exact-max", type=int, default=20_000,
                    help="largest size whose reference betweenness is exact (default 20,000: about 2 min at 18k)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--nx-exact-max", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        worker(args)
        return

    args.nx_exact_max = 20_000 if args.nx_exact else 0
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        ap.error(f"unknown tools: {sorted(unknown)}")

    results: list[dict] = []
    gave_up: set[str] = set()
    for n in sizes:
        folder = ensure_data(n, args.seed, out_dir)
        jobs = list(tools) + ([] if args.no_accuracy or n > args.accuracy_max else ["accuracy"])
        for tool in jobs:
            if tool in gave_up:
                print(f"{label(n)} {tool}: skipped (did not finish at a smaller size)", flush=True)
                results.append({"key": n, "tool": tool, "skipped": True, "timeout": True})
                continue
            print(f"{label(n)} {tool}: running…", flush=True)
            r = run_worker(tool, folder, out_dir, args)
            r["key"] = n
            results.append(r)
            if r.get("timeout"):
                print(f"{label(n)} {tool}: did not finish in {args.timeout} s; finished stages: {stages_text(r)}",
                      flush=True)
                gave_up.add(tool)
            elif "error" in r:
                print(f"{label(n)} {tool}: ERROR {r['error']}\n{r.get('traceback', '')}", flush=True)
            else:
                print(f"{label(n)} {tool}: {r['time_s']:.1f} s (process {r['process_s']:.1f} s), "
                      f"peak {fmt_bytes(r['peak_bytes'])} (worker {fmt_bytes(r.get('worker_peak_bytes'))}), "
                      f"stages {stages_text(r)} "
                      f"{json.dumps(r.get('extra', {}), default=str)}", flush=True)
        save_results(out_dir / "prioritise-results.json", results)

    print()
    print(print_table([r for r in results if not r.get("skipped")]))
    print()
    for r in results:
        if r.get("skipped"):
            print(f"- {label(r['key'])} {r['tool']}: not run (did not finish at a smaller size)")
    acc = print_accuracy(results)
    if acc:
        print(acc)
    print(print_targets(results))
    busy = [f"{label(r['key'])} {r['tool']} ({r['other_cores']:.2f})" for r in results
            if r.get("other_cores", 0) > 0.25]
    if busy:
        print(f"- note: other processes used CPU (cores busy on average, of {os.cpu_count()}) during: "
              + ", ".join(busy) + "; those times are inflated")
    else:
        print("- other processes used under 0.25 of a core during every run")
    save_results(out_dir / "prioritise-results.json", results)


if __name__ == "__main__":
    main()
