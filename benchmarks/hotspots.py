"""Hotspots benchmark: SOC Hub's engine from police.uk CSV to Gi* hot spots, and a plain pipeline beside it.

    .venv/bin/python benchmarks/hotspots.py                        # real data, then the 6M national year
    .venv/bin/python benchmarks/hotspots.py --skip-national        # real police.uk files only (about 3 min)
    .venv/bin/python benchmarks/hotspots.py --skip-baseline        # SOC Hub only

Data: the real police.uk street files in ../shared/data/policeuk (durham-2021, dyfed-powys-2021,
city-of-london-2021; Durham and Dyfed-Powys clipped to their force area's LSOA boundaries in ../shared/data/geo,
the City of London on the engine's default grid without an area) and a generated national year, `--rows` crimes across
England and Wales from ../shared/bench/gen_crime.py (slug crime types such as "anti-social-behaviour"), cached
as `benchmarks/out/crime-N.csv`.

Every (dataset, pipeline) runs in a fresh subprocess of this script (hidden `--worker` flag), so each peak
memory is that process's own peak RSS (the baseline's esda joblib workers are shown beside it: their RSS counts
pages shared with the parent, so the two are not to be added); each step is timed inside the worker, without
interpreter start-up and imports. Both pipelines first warm their compiled kernels on a tiny grid (reported
apart, not in the total).

- `sochub`: `read_crimes` -> `point_cells` -> `h3_grid` (grid and binary ring-1 weights, self included) ->
  `aggregate` (counts, harm) -> `hotspot_table` with `--permutations` conditional permutations on counts and
  harm (`refine=False`: plain R permutations, as esda; `--refine` turns the engine's adaptive refinement on).
- `baseline`: pandas `read_csv`, a geopandas GeoDataFrame of points clipped to the area (or the England and
  Wales box), an H3 cell per row with h3ronpy (vectorised; h3-py is not installed), groupby counts and harm,
  libpysal `W` from a neighbour dict of the occupied cells (islands kept: `W.from_sparse` would drop them),
  `esda.G_Local(star=True, transform="B", permutations=R)` on counts and on harm with esda's defaults
  otherwise (`n_jobs=-1`: both cores; `keep_simulations=True`). Run under `--baseline-timeout` seconds and an
  address-space limit of `--baseline-memory-gb`. It tests occupied cells only (what the plain pipeline has),
  so on the real data it tests fewer cells than SOC Hub's study grid, which includes the empty ones.
- `check` (real data only): esda `G_Local` on SOC Hub's own grid and weights, against the engine's Gi*: max
  |z difference| (counts and harm), permutation p-values (ours two-sided, esda's `p_sim` doubled) correlation
  and share of cells in the same 95% class; and, within the engine, permutation against analytic p.
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
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from machine import children_cpu_s, cpu_busy_s, peak_rss_bytes  # benchmarks/machine.py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"
POLICEUK = SHARED / "data" / "policeuk"
GEO = SHARED / "data" / "geo"
GENERATOR = SHARED / "bench" / "gen_crime.py"
# dataset -> force-area boundaries (None: the engine's default grid without an area)
REAL: dict[str, str | None] = {
    "durham-2021": "lsoa2011_bsc_durham_darlington.geojson",
    "dyfed-powys-2021": "lsoa2011_bsc_dyfed_powys.geojson",
    "city-of-london-2021": None,
}
TARGET_NATIONAL_S = 60.0
STEPS = ("read", "cells/aggregate", "weights", "Gi* counts+harm")
PIPELINES = ("sochub", "baseline")

Save = Callable[[dict[str, Any]], None]


def _engine():
    sys.path.insert(0, str(REPO / "src"))
    from sochub.engine import hotspots

    return hotspots


class Timer:
    def __init__(self, on_lap: Callable[[Timer], None] | None = None) -> None:
        self.last = time.perf_counter()
        self.stages: dict[str, float] = {}
        self.on_lap = on_lap

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.last
        self.last = now
        if self.on_lap:
            self.on_lap(self)



def children_peak_bytes() -> int:
    """Sum of the peak RSS of this process's live children (esda's joblib workers), from /proc."""
    total, me = 0, str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if stat.read_text().rsplit(")", 1)[1].split()[1] != me:
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) * 1024
    return total


def _area(spec: dict[str, Any]) -> Any:
    if not spec.get("area"):
        return None
    hs = _engine()
    return hs.read_boundaries(spec["area"]).union()


# --------------------------------------------------------------------------------------------- pipelines


def run_sochub(spec: dict[str, Any], args: argparse.Namespace, save: Save) -> dict[str, Any]:
    import h3ronpy

    hs = _engine()
    out: dict[str, Any] = {"extra": {}}
    t = Timer(lambda timer: save({**out, "stages": dict(timer.stages)}))
    # Warm (or load from numba's disk cache) the permutation kernel on a 7-cell grid.
    tiny = np.unique(
        np.asarray(h3ronpy.grid_disk(np.array([0x8819465A55FFFFF], np.uint64), 2, flatten=True), np.uint64)
    )
    hs.gi_star_permutation(np.arange(len(tiny), dtype=float), hs.ring_weights(tiny), permutations=9, seed=0)
    t.lap("warm-up")
    harm, soc = hs.load_harm(), hs.load_soc()
    area = _area(spec)
    crimes = hs.read_crimes(spec["paths"], area=area, bounds=hs.ENGLAND_AND_WALES)
    t.lap("read")
    frame = crimes.frame
    cells = hs.point_cells(frame["lat"].to_numpy(), frame["lon"].to_numpy(), args.resolution)
    t.lap("cells/aggregate")
    grid = hs.h3_grid(cells, resolution=args.resolution, area=area)
    t.lap("weights")
    totals = hs.aggregate(crimes, grid, harm, soc, cells=cells)
    t.lap("cells/aggregate")
    _, on_count, on_harm = hs.hotspot_table(
        grid, totals.count, totals.harm, permutations=args.permutations, seed=args.seed, refine=args.refine
    )
    t.lap("Gi* counts+harm")
    stages = dict(t.stages)
    warm = stages.pop("warm-up")
    e = out["extra"]
    e.update(
        {
            "rows read": crimes.accounting.rows_read,
            "rows": int((totals.index >= 0).sum()),
            "cells": grid.n,
            "occupied": int((totals.count > 0).sum()),
            "islands": int(grid.islands.sum()),
            "grid": grid.notes[0],
            "classes (counts, FDR)": {k: v for k, v in on_count.counts().items() if v},
            "classes (harm, FDR)": {k: v for k, v in on_harm.counts().items() if v},
            "messages": crimes.accounting.messages + totals.notes[1:],
            "crime types": sorted(frame["crime_type"].unique().to_list()),
        }
    )
    if area is not None:  # the grid the same crimes would give without the area (not timed)
        everything = hs.read_crimes(spec["paths"], bounds=hs.ENGLAND_AND_WALES).frame
        occupied = np.unique(
            hs.point_cells(everything["lat"].to_numpy(), everything["lon"].to_numpy(), args.resolution)
        )
        bare = hs.h3_grid(occupied, resolution=args.resolution)
        e["grid without the area"] = f"{bare.n:,} cells for {len(occupied):,} occupied"
    return {**out, "stages": stages, "warm_s": warm, "time_s": sum(stages.values())}


def run_baseline(spec: dict[str, Any], args: argparse.Namespace, save: Save) -> dict[str, Any]:
    limit = int(args.baseline_memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import esda
    import geopandas as gpd
    import h3ronpy
    import libpysal
    import pandas as pd
    from h3ronpy.vector import coordinates_to_cells

    hs = _engine()
    out: dict[str, Any] = {
        "extra": {
            "esda": esda.__version__,
            "libpysal": libpysal.__version__,
            "geopandas": gpd.__version__,
            "pandas": pd.__version__,
            "h3": f"h3ronpy {h3ronpy.__version__} (h3-py not installed)",
        }
    }
    t = Timer(lambda timer: save({**out, "stages": dict(timer.stages)}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        esda.G_Local(
            np.arange(9.0),
            libpysal.weights.lat2W(3, 3),
            transform="B",
            star=True,
            permutations=9,
            seed=0,
            n_jobs=args.baseline_jobs,
        )  # compiles esda's numba kernels
    t.lap("warm-up")
    # Read: every CSV with pandas, a GeoDataFrame of the points, clipped to the area (or the England & Wales box).
    paths = [Path(p) for p in spec["paths"]]
    files = [f for p in paths for f in (sorted(p.rglob("*-street.csv")) if p.is_dir() else [p])]
    df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    df.columns = [c.strip().lower().replace(" ", "_") for c in df.columns]
    rows_read = len(df)
    df = df.dropna(subset=["longitude", "latitude", "crime_type", "month"])
    points = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs="EPSG:4326")
    if spec.get("area"):
        area = gpd.read_file(spec["area"]).union_all()
        points = points[points.within(area)]
    else:
        lat0, lat1, lon0, lon1 = hs.ENGLAND_AND_WALES
        points = points.cx[lon0:lon1, lat0:lat1]
    t.lap("read")
    # Cells and totals.
    harm = hs.load_harm()
    weight = {c: harm.weight_of(c) or 0.0 for c in points["crime_type"].unique()}
    cells = coordinates_to_cells(points["latitude"].to_numpy(), points["longitude"].to_numpy(), args.resolution)
    crimes = pd.DataFrame(
        {"cell": np.asarray(cells, dtype=np.uint64), "harm": points["crime_type"].map(weight).to_numpy()}
    )
    totals = crimes.groupby("cell").agg(count=("harm", "size"), harm=("harm", "sum"))
    t.lap("cells/aggregate")
    # Weights: ring-1 neighbours among the occupied cells.
    ids = totals.index.to_numpy()
    position = {c: i for i, c in enumerate(ids.tolist())}
    disks = h3ronpy.grid_disk(ids, 1, flatten=False).to_pylist()
    neighbours = {
        i: [position[c] for c in disk if c != cell and c in position]
        for i, (cell, disk) in enumerate(zip(ids.tolist(), disks, strict=True))
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands
        w = libpysal.weights.W(neighbours, silence_warnings=True)
    t.lap("weights")
    e = out["extra"]
    e.update(
        {
            "rows read": rows_read,
            "rows": len(crimes),
            "cells": len(ids),
            "occupied": len(ids),
            "islands": len(w.islands),
        }
    )
    save({**out, "stages": dict(t.stages)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda 2.9 warns that its p rule will change
        for what in ("count", "harm"):
            g = esda.G_Local(
                totals[what].to_numpy(dtype=float),
                w,
                transform="B",
                star=True,
                permutations=args.permutations,
                seed=args.seed,
                n_jobs=args.baseline_jobs,
            )
            e[f"p_sim <= 0.05 ({what})"] = int((g.p_sim <= 0.05).sum())
            out["workers_peak_bytes"] = max(out.get("workers_peak_bytes", 0), children_peak_bytes())
            del g
    t.lap("Gi* counts+harm")
    stages = dict(t.stages)
    warm = stages.pop("warm-up")
    return {**out, "stages": stages, "warm_s": warm, "time_s": sum(stages.values())}


def run_check(spec: dict[str, Any], args: argparse.Namespace, save: Save) -> dict[str, Any]:
    """esda on SOC Hub's own grid and weights against the engine; permutation against analytic p."""
    import esda
    from libpysal.weights import W

    hs = _engine()
    area = _area(spec)
    crimes = hs.read_crimes(spec["paths"], area=area)
    cells = hs.point_cells(crimes.frame["lat"].to_numpy(), crimes.frame["lon"].to_numpy(), args.resolution)
    grid = hs.h3_grid(cells, resolution=args.resolution, area=area)
    totals = hs.aggregate(crimes, grid, hs.load_harm(), hs.load_soc(), cells=cells)
    weights = grid.weights.tocsr()
    neighbours = {
        i: [int(j) for j in weights.indices[weights.indptr[i] : weights.indptr[i + 1]]] for i in range(grid.n)
    }
    out: dict[str, Any] = {"extra": {"cells": grid.n}}
    r = args.permutations
    for what, y in (("counts", totals.count.astype(float)), ("harm", totals.harm)):
        ours = hs.gi_star(y, grid.weights, permutations=r, seed=args.seed, refine=False, what=what)
        refined = hs.gi_star(y, grid.weights, permutations=r, seed=args.seed, refine=True, what=what)
        # A fresh W each time: esda's permutation run takes the self-weights off the caller's W in place, so
        # a second G_Local on the same W object would compute Gi, not Gi*.
        w = W(neighbours, silence_warnings=True)  # self included, so star=None reads it as Gi*
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = esda.G_Local(
                y, w, transform="B", star=None, permutations=r, seed=args.seed + 1, keep_simulations=False, n_jobs=1
            )
        theirs_p = np.minimum(1.0, 2.0 * ref.p_sim)
        tested = ~grid.islands
        ours_dir = np.sign(ours.z)
        ours95 = np.where(ours.p <= 0.05, ours.direction, 0)
        theirs95 = np.where(theirs_p <= 0.05, np.sign(ref.Zs), 0)
        analytic95 = np.where(ours.p_analytic <= 0.05, ours_dir, 0)
        busy = (grid.weights @ y - y) > 0  # cells with any crime next to them
        out["extra"][what] = {
            "max |z - esda Zs|": float(np.abs(ours.z - ref.Zs).max()),
            "p correlation": float(np.corrcoef(ours.p[tested], theirs_p[tested])[0, 1]),
            "p correlation, cells with crime next door": float(np.corrcoef(ours.p[busy], theirs_p[busy])[0, 1]),
            "same 95% class": float((ours95 == theirs95)[tested].mean()),
            "same 95% class, cells with crime next door": float((ours95 == theirs95)[busy].mean()),
            "busy cells": int(busy.sum()),
            "hot/cold 95 (ours, permutation)": [int((ours95 > 0).sum()), int((ours95 < 0).sum())],
            "hot/cold 95 (esda, permutation)": [int((theirs95 > 0).sum()), int((theirs95 < 0).sum())],
            "hot/cold 95 (ours, analytic)": [int((analytic95 > 0).sum()), int((analytic95 < 0).sum())],
            "permutation vs analytic: same 95% class": float((ours95 == analytic95)[tested].mean()),
            "permutation vs analytic: p correlation": float(np.corrcoef(ours.p[tested], ours.p_analytic[tested])[0, 1]),
            "FDR classes (permutation)": {k: v for k, v in ours.counts().items() if v},
            "FDR classes (refined)": {k: v for k, v in refined.counts().items() if v},
        }
        save(out)
    return out


# --------------------------------------------------------------------------------------------- worker


def worker(args: argparse.Namespace) -> None:
    spec = json.loads(args.spec)
    base: dict[str, Any] = {"pipeline": args.worker, "dataset": spec["name"]}
    path = Path(args.result)

    def save(partial: dict[str, Any]) -> None:
        path.write_text(json.dumps({**base, **partial, "partial": True, "peak_bytes": peak_rss_bytes()}, default=str))

    run = {"sochub": run_sochub, "baseline": run_baseline, "check": run_check}[args.worker]
    try:
        out = run(spec, args, save)
    except MemoryError as exc:
        out = {"error": f"out of memory ({exc})", "oom": True, "traceback": traceback.format_exc()}
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    if "error" in out and path.exists():
        with contextlib.suppress(json.JSONDecodeError):
            out = {**json.loads(path.read_text()), **out}
        out.pop("partial", None)
    out["peak_bytes"] = peak_rss_bytes()
    path.write_text(json.dumps({**base, **out}, default=str))


# --------------------------------------------------------------------------------------------- driver




def run_worker(pipeline: str, spec: dict[str, Any], args: argparse.Namespace, timeout: float) -> dict[str, Any]:
    out_dir = Path(args.out)
    with tempfile.NamedTemporaryFile(dir=out_dir, suffix=".json", delete=False) as f:
        result_path = Path(f.name)
    log_path = out_dir / f"hotspots-{pipeline}-{spec['name'].replace(' ', '-')}.log"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        pipeline,
        "--spec",
        json.dumps(spec),
        "--result",
        str(result_path),
        "--permutations",
        str(args.permutations),
        "--resolution",
        str(args.resolution),
        "--seed",
        str(args.seed),
        "--baseline-memory-gb",
        str(args.baseline_memory_gb),
        "--baseline-jobs",
        str(args.baseline_jobs),
    ] + (["--refine"] if args.refine else [])
    busy0, cpu0 = cpu_busy_s(), children_cpu_s()
    t0 = time.perf_counter()
    timed_out = False
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            timed_out = True
    wall = time.perf_counter() - t0
    try:
        res = json.loads(result_path.read_text() or "{}")
    except (OSError, json.JSONDecodeError):
        res = {}
    result_path.unlink(missing_ok=True)
    if timed_out:
        res = {**res, "timeout": timeout}
    elif proc.returncode != 0 or not res or res.get("partial"):
        res = {
            **res,
            "error": f"worker exited {proc.returncode} (killed: out of memory?)",
            "oom": proc.returncode < 0,
            "traceback": log_path.read_text()[-2000:],
        }
    others = (cpu_busy_s() - busy0 - (children_cpu_s() - cpu0)) / wall if wall > 0 else 0.0
    res.update({"pipeline": pipeline, "dataset": spec["name"], "process_s": wall, "other_cores": max(0.0, others)})
    return res


def ensure_national(rows: int, out_dir: Path) -> tuple[Path, float | None]:
    csv = out_dir / f"crime-{rows}.csv"
    if csv.exists():
        return csv, None
    t0 = time.perf_counter()
    tmp = csv.with_suffix(".csv.part")
    subprocess.run([sys.executable, str(GENERATOR), str(rows), str(tmp)], check=True)
    tmp.rename(csv)
    return csv, time.perf_counter() - t0


def fmt_bytes(b: float | None) -> str:
    if not b:
        return "n/a"
    return f"{b / 2**30:.2f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n:,}"


def print_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| dataset | pipeline | rows | cells (occupied) | read | cells/aggregate | weights | Gi* counts+harm "
        "| total | warm-up (compile) | peak RSS | baseline ÷ sochub (time / memory) | others' CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    by = {(r["dataset"], r["pipeline"]): r for r in results}
    for r in results:
        if r["pipeline"] not in PIPELINES:
            continue
        e = r.get("extra", {})
        st = r.get("stages", {})
        rows = f"{e['rows']:,}" if "rows" in e else ""
        cells = f"{e['cells']:,} ({e['occupied']:,})" if "cells" in e else ""
        steps = " | ".join(f"{st[s]:.1f} s" if s in st else "" for s in STEPS)
        head = f"| {r['dataset']} | {r['pipeline']} | {rows} | {cells} | {steps} "
        if r.get("timeout") or "error" in r:
            why = (
                f"exceeded {r['timeout']:.0f} s"
                if r.get("timeout")
                else f"out of memory ({r.get('memory_gb', '')} GiB limit)"
                if r.get("oom")
                else "error: " + r["error"][:80]
            )
            lines.append(f"{head}| **{why}** | | ≥ {fmt_bytes(r.get('peak_bytes'))} | | {r['other_cores']:.2f} |")
            continue
        ratio = ""
        ours = by.get((r["dataset"], "sochub"))
        if r["pipeline"] == "baseline" and ours and "time_s" in ours and "error" not in ours:
            ratio = f"{r['time_s'] / ours['time_s']:.1f}× / {r['peak_bytes'] / ours['peak_bytes']:.1f}×"
        workers = f" (+ workers {fmt_bytes(r['workers_peak_bytes'])})" if r.get("workers_peak_bytes") else ""
        lines.append(
            f"{head}| **{r['time_s']:.1f} s** | {r['warm_s']:.1f} s | {fmt_bytes(r['peak_bytes'])}{workers} "
            f"| {ratio} | {r['other_cores']:.2f} |"
        )
    return "\n".join(lines)


def print_checks(results: list[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        if r["pipeline"] != "check":
            continue
        if "error" in r or r.get("timeout"):
            lines.append(f"- {r['dataset']}: agreement check failed: {r.get('error', 'timeout')}")
            continue
        for what in ("counts", "harm"):
            c = r["extra"][what]
            hc = "hot/cold 95"
            lines.append(
                f"- {r['dataset']} {what} ({r['extra']['cells']:,} cells): max |z − esda Zs| "
                f"{c['max |z - esda Zs|']:.1e}; permutation p vs esda (2·p_sim): correlation "
                f"{c['p correlation']:.3f} ({c['p correlation, cells with crime next door']:.3f} on the "
                f"{c['busy cells']:,} cells with crime next door), same class at p ≤ 0.05 {c['same 95% class']:.1%} "
                f"({c['same 95% class, cells with crime next door']:.1%}); {hc} ours {c[hc + ' (ours, permutation)']}, "
                f"esda {c[hc + ' (esda, permutation)']}; analytic {c[hc + ' (ours, analytic)']}, permutation vs "
                f"analytic same class {c['permutation vs analytic: same 95% class']:.1%}, p correlation "
                f"{c['permutation vs analytic: p correlation']:.3f}; FDR classes {c['FDR classes (permutation)']}, "
                f"with the engine's refinement {c['FDR classes (refined)']}"
            )
    return "\n".join(lines)


def print_notes(results: list[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        e = r.get("extra", {})
        if r["pipeline"] == "sochub" and e:
            lines.append(
                f"- {r['dataset']} sochub: {e.get('grid', '')}; islands {e.get('islands', 0):,}; "
                f"rows read {e.get('rows read', 0):,}; FDR classes on counts {e.get('classes (counts, FDR)')}"
            )
            if "grid without the area" in e:
                lines.append(f"  - without the force-area polygon the grid would be {e['grid without the area']}")
            for m in e.get("messages", []):
                lines.append(f"  - engine note: {m}")
            if r["dataset"].startswith("national"):
                lines.append(f"  - crime types after reading: {', '.join(e.get('crime types', []))}")
        if r["pipeline"] == "baseline" and e.get("h3"):
            lines.append(
                f"- {r['dataset']} baseline: {e['h3']}; esda {e['esda']}, libpysal {e['libpysal']}, "
                f"geopandas {e['geopandas']}; islands {e.get('islands', '?')}"
            )
    return "\n".join(lines)


def print_target(results: list[dict[str, Any]], name: str) -> str:
    r = next((x for x in results if x["dataset"] == name and x["pipeline"] == "sochub"), None)
    if r is None:
        return "- national target: not run"
    if "time_s" not in r or "error" in r:
        return f"- national target (≤ {TARGET_NATIONAL_S:.0f} s): MISS (no result: {r.get('error', 'timeout')})"
    mark = "PASS" if r["time_s"] <= TARGET_NATIONAL_S else "MISS"
    return (
        f"- {name}, CSV to hot spots ≤ {TARGET_NATIONAL_S:.0f} s on {os.cpu_count()} cores: {r['time_s']:.1f} s "
        f"**{mark}** (+ {r['warm_s']:.1f} s warm-up; process with imports {r['process_s']:.1f} s; peak "
        f"{fmt_bytes(r['peak_bytes'])})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=6_000_000, help="crimes in the national year (default 6,000,000)")
    ap.add_argument("--skip-national", action="store_true", help="real police.uk data only")
    ap.add_argument("--skip-real", action="store_true", help="national year only")
    ap.add_argument("--skip-baseline", action="store_true", help="SOC Hub only (and the real-data esda check)")
    ap.add_argument("--skip-check", action="store_true", help="no esda agreement check on the real data")
    ap.add_argument("--baseline-timeout", type=float, default=600.0, help="seconds per baseline run (default 600)")
    ap.add_argument("--baseline-memory-gb", type=float, default=16.0, help="baseline address-space limit (16)")
    ap.add_argument("--baseline-jobs", type=int, default=-1, help="esda n_jobs (default -1, esda's: every core)")
    ap.add_argument("--permutations", type=int, default=999, help="Gi* permutations (default 999)")
    ap.add_argument("--refine", action="store_true", help="the engine's adaptive refinement (default off)")
    ap.add_argument("--resolution", type=int, default=8, help="H3 resolution (default 8)")
    ap.add_argument("--seed", type=int, default=0, help="permutation seed (the generator's own seed is fixed)")
    ap.add_argument("--out", default=str(HERE / "out"), help="cached national CSV, logs, hotspots-results.json")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs: list[dict[str, Any]] = []
    if not args.skip_real:
        for name, area in REAL.items():
            folder = POLICEUK / name
            if not folder.exists():
                print(f"{name}: skipped, {folder} not found", flush=True)
                continue
            specs.append(
                {"name": name, "paths": [str(folder)], "area": str(GEO / area) if area else None, "real": True}
            )
    national = f"national {label(args.rows)}"
    if not args.skip_national:
        csv, gen_s = ensure_national(args.rows, out_dir)
        size = csv.stat().st_size / 2**20
        how = f"generated in {gen_s:.1f} s" if gen_s is not None else "cached"
        print(f"{national}: {csv} ({size:.0f} MiB, {how})", flush=True)
        specs.append({"name": national, "paths": [str(csv)], "area": None, "real": False})

    results: list[dict[str, Any]] = []
    for spec in specs:
        jobs = ["sochub"] + ([] if args.skip_baseline else ["baseline"])
        jobs += [] if args.skip_check or not spec["real"] else ["check"]
        for pipeline in jobs:
            print(f"{spec['name']} {pipeline}: running…", flush=True)
            timeout = args.baseline_timeout if pipeline == "baseline" else 1800.0
            r = run_worker(pipeline, spec, args, timeout)
            r["memory_gb"] = args.baseline_memory_gb if pipeline == "baseline" else None
            results.append(r)
            if r.get("timeout"):
                print(f"  exceeded {timeout:.0f} s; finished steps {r.get('stages', {})}", flush=True)
            elif "error" in r:
                print(f"  ERROR {r['error']}\n{r.get('traceback', '')}", flush=True)
            else:
                steps = ", ".join(f"{k} {v:.1f}" for k, v in r.get("stages", {}).items())
                print(
                    f"  {r.get('time_s', 0):.1f} s (warm-up {r.get('warm_s', 0):.1f} s, process {r['process_s']:.1f} s)"
                    f", peak {fmt_bytes(r['peak_bytes'])}; {steps}",
                    flush=True,
                )
            (out_dir / "hotspots-results.json").write_text(json.dumps(results, indent=1, default=str))

    print()
    print(
        f"Gi* with {args.permutations} permutations (refine {'on' if args.refine else 'off'}), H3 resolution "
        f"{args.resolution}, seed {args.seed}; baseline limits {args.baseline_timeout:.0f} s, "
        f"{args.baseline_memory_gb:g} GiB address space, esda n_jobs {args.baseline_jobs}"
    )
    print()
    print(print_table(results))
    print()
    for text in (print_checks(results), print_notes(results)):
        if text:
            print(text)
    if not args.skip_national:
        print(print_target(results, national))
    busy = [f"{r['dataset']} {r['pipeline']} ({r['other_cores']:.2f})" for r in results if r["other_cores"] > 0.25]
    if busy:
        print(
            "- note: other processes used CPU (cores busy on average) during: "
            + ", ".join(busy)
            + "; those times are inflated"
        )
    else:
        print("- other processes used under 0.25 of a core during every run")


if __name__ == "__main__":
    main()
