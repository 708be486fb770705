"""Nominal prioritisation: components, composite score, explanation and Monte Carlo rank stability.

How a score is made (all settings in the model YAML):

- Each component is a number from 0 to 1 per person. Unbounded measures (harm, frequency and the four
  network measures) are log-scaled: 0 stays 0, otherwise ``log(1 + x/u) / log(1 + max/u)`` with ``u`` the
  median positive value among the people who can be ranked; markers combine as ``1 - prod(1 - w)``.
- network = weighted mean of degree, betweenness, PageRank and brokerage; offending = weighted mean of
  gravity (harm index x recency decay) and frequency (recency-decayed count).
- score = sum over components of weight x component, with the weights rescaled to sum to 1 over the
  components the input has data for. A person's contributions (weight x component) sum to the score.
- Protected people (victims, children, vulnerable people: see ``protected_roles``) are never ranked and
  their own offences and markers are ignored; they stay in the graph as contacts unless the model says
  otherwise. A person whose score is 0 is not listed (and is named for retention review).
- Stability: the weights are redrawn ``draws`` times from a Dirichlet around the model's weights
  (optionally with noise on the inputs), in chunks; each listed person gets p_top, the share of draws
  in which they are in the top N, and the 5th-95th percentile of their rank.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .inputs import Inputs
from .model import PrioritisationModel, load_model, normalise_label
from .network import MEASURES, cpus, network_measures

Progress = Callable[[str, int, int], None]
MEMORY_CELLS = 25_000_000  # float32 cells of one Monte Carlo chunk (about 100 MB)
ID_RUN_MIN = 1_000_000  # ids per thread, at least, when numbering people in parallel


@dataclass
class Ranking:
    rows: list[dict[str, Any]]  # the top N, rank 1 first
    summary: dict[str, Any]
    zero_score_ids: list[str] = field(default_factory=list)  # listed nowhere; due a retention review
    # Every person scoring above 0 (index: id) x component value 0..1, for what-if reweighting.
    component_values: pd.DataFrame | None = None


def log_scale(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """0..1: 0 stays 0; log(1 + x/u) / log(1 + max/u), u = median positive reference value; capped at 1."""
    x = np.asarray(values, dtype=float)
    pos = x[reference & (x > 0)]
    if pos.size == 0:
        return np.zeros_like(x)
    unit = float(np.median(pos))
    top = np.log1p(float(pos.max()) / unit)
    return np.clip(np.log1p(np.maximum(x, 0) / unit) / top, 0.0, 1.0)


def _normalised(weights: Mapping[str, float], keys: list[str]) -> dict[str, float]:
    total = sum(weights[k] for k in keys)
    return {k: (weights[k] / total if total > 0 else 0.0) for k in keys}


@dataclass
class _Column:
    component: str
    measure: str
    weight: float  # within its component; a component's column weights sum to 1


def prioritise(
    inputs: Inputs,
    *,
    model: PrioritisationModel | None = None,
    top: int = 20,
    seed: int | None = None,
    draws: int | None = None,
    as_of: date | None = None,
    intelligence: Mapping[str, float] | None = None,
    ocg: Mapping[str, float] | None = None,
    progress: Progress | None = None,
) -> Ranking:
    """Rank the people in ``inputs``; ``intelligence`` and ``ocg`` are optional 0..1 component values by id."""
    say: Progress = progress or (lambda _stage, _done, _total: None)
    model = model or load_model()
    if top < 1:
        raise ValueError("top must be 1 or more")
    seed = secrets.randbelow(2**31) if seed is None else seed
    n_draws = model.monte_carlo.draws if draws is None else draws
    if n_draws < 0:
        raise ValueError("draws must be 0 or more")
    timings: dict[str, float] = {}
    notes: dict[str, Any] = dict(inputs.notes)
    t0 = time.perf_counter()

    # Every id that appears anywhere is a node, in order of first appearance.
    edges, nodes, offences = inputs.edges, inputs.nodes, inputs.offences
    id_columns = [edges["source"], edges["target"]]
    if nodes is not None:
        id_columns.append(nodes["id"])
    if offences is not None:
        id_columns.append(offences["id"])
    codes, ids = _node_codes(id_columns)
    n = len(ids)
    ne = len(edges)
    src, dst = codes[:ne], codes[ne : 2 * ne]

    protected = np.zeros(n, dtype=bool)
    node_codes = None
    if nodes is not None:
        node_codes = codes[2 * ne : 2 * ne + len(nodes)]
        role_codes, roles = pd.factorize(nodes["role"], use_na_sentinel=False)  # a handful of distinct roles
        role_hit = pd.Series(np.asarray(roles, dtype=object), dtype=object).str.contains(
            model.protected_pattern(), regex=True
        )
        hit = role_hit.to_numpy(dtype=bool)[role_codes]
        protected[node_codes[hit]] = True
    rankable = ~protected
    notes["protected people (victim, child, vulnerable) never ranked"] = int(protected.sum())
    timings["people"] = time.perf_counter() - t0

    if protected.any() and not model.network.keep_protected_in_graph:
        keep = ~(protected[src] | protected[dst])
        notes["edges to protected people dropped"] = int((~keep).sum())
        src, dst = src[keep], dst[keep]
        weights = edges["weight"].to_numpy(dtype=float)[keep]
    else:
        weights = edges["weight"].to_numpy(dtype=float)

    columns: list[_Column] = []
    values: list[np.ndarray] = []
    raw: dict[str, np.ndarray] = {}
    present: list[str] = []

    # Offending and markers do not depend on the network: on a large graph they are worked out while the
    # network measures are (once Leiden is done, beside the betweenness workers); their columns still come
    # after the network's.
    parts: dict[str, _Part] = {}

    def offending_and_markers() -> None:
        if offences is not None:
            parts["offending"] = _offending(offences, codes[len(codes) - len(offences) :], protected, model, as_of)
        if nodes is not None and inputs.has_markers and node_codes is not None:
            parts["markers"] = _markers(nodes["markers"], node_codes, protected, model)

    # Network position.
    if len(src):
        say("Network measures", 0, 1)
        t = time.perf_counter()
        net = network_measures(
            n,
            src,
            dst,
            weights,
            damping=model.network.pagerank_damping,
            exact_max_nodes=model.network.exact_betweenness_max_nodes,
            sources=model.network.betweenness_sources,
            seed=seed,
            meanwhile=offending_and_markers,
        )
        timings["network measures"] = time.perf_counter() - t - net.seconds.get("meanwhile: offending, markers", 0.0)
        timings.update({f"network: {step}": secs for step, secs in net.seconds.items()})
        notes["distinct pairs"] = net.pairs
        notes["repeated pairs summed"] = net.repeated_rows_summed
        notes["communities"] = net.communities
        notes["betweenness"] = net.betweenness
        sub = _normalised(model.network.measures, list(MEASURES))
        present.append("network")
        for m in MEASURES:
            raw[m] = net.measures[m].to_numpy()
            if sub[m] > 0:
                columns.append(_Column("network", m, sub[m]))
                values.append(log_scale(raw[m], rankable))
        say("Network measures", 1, 1)
    else:
        offending_and_markers()

    for name, part in parts.items():
        notes.update(part.notes)
        raw.update(part.raw)
        present.append(name)
        for column, source in part.columns:
            columns.append(column)
            values.append(raw[source] if column.component == "markers" else log_scale(raw[source], rankable))
        timings[name] = part.seconds
    node_row: np.ndarray | None = None
    if "markers" in parts and node_codes is not None:
        node_row = np.full(n, -1, dtype=np.int64)
        node_row[node_codes] = np.arange(len(node_codes))

    # Components computed elsewhere (database mode): 0..1 values by id.
    for name, given in (("intelligence", intelligence), ("ocg", ocg)):
        if given is None:
            continue
        index = pd.Index(ids)
        vals = np.zeros(n)
        pos = index.get_indexer(pd.Index(list(given.keys())))
        vals[pos[pos >= 0]] = np.clip(np.asarray(list(given.values()), dtype=float)[pos >= 0], 0, 1)
        vals[protected] = 0.0
        present.append(name)
        columns.append(_Column(name, name, 1.0))
        values.append(vals)

    if not present:
        raise ValueError("nothing to rank on: no edges, offences or markers")
    comp_w = _normalised(model.components, present)
    used = [c for c in present if comp_w[c] > 0]
    if not used:
        raise ValueError(f"the model gives weight 0 to every component the input has ({', '.join(present)})")
    features = np.column_stack(values) if values else np.zeros((n, 0))
    col_w = np.array([comp_w[c.component] * c.weight for c in columns])
    score = features @ col_w

    # Who is listed: rankable people with a score above 0, best first; ties by id for a stable order.
    t = time.perf_counter()
    listed_mask = rankable & (score > 0)
    zero = rankable & ~(score > 0)
    candidates = np.flatnonzero(listed_mask)
    shown = _best(score, ids, candidates, top)
    notes["people"] = n
    notes["people with a score above 0"] = len(candidates)
    notes["people scoring 0, not listed (due a retention review)"] = int(zero.sum())

    candidate_features = features[candidates]
    timings["scoring and ranking"] = time.perf_counter() - t

    # Monte Carlo rank stability over the candidates only.
    t = time.perf_counter()
    p_top, intervals = _monte_carlo(
        candidate_features.astype(np.float32),
        columns,
        comp_w,
        used,
        listed=np.searchsorted(candidates, shown),
        top=top,
        draws=n_draws,
        model=model,
        seed=seed,
        say=say,
    )
    timings["monte carlo"] = time.perf_counter() - t

    rows: list[dict[str, Any]] = []
    for i, code in enumerate(shown):
        contributions: dict[str, float] = {}
        for comp in used:
            part = sum(
                comp_w[comp] * col.weight * features[code, j] for j, col in enumerate(columns) if col.component == comp
            )
            contributions[comp] = round(float(part), 6)
        details: dict[str, Any] = {}
        for key in ("degree", "betweenness", "pagerank", "brokerage", "offences", "harm", "markers"):
            if key in raw:
                details[key] = round(float(raw[key][code]), 6)
        if node_row is not None and nodes is not None:
            row = int(node_row[code])
            details["marker_list"] = list(nodes["markers"].iloc[row]) if row >= 0 else []
        rows.append(
            {
                "id": str(ids[code]),
                "rank": i + 1,
                "score": round(sum(contributions.values()), 6),
                "components": contributions,
                "p_top": None if p_top is None else round(float(p_top[i]), 4),
                "rank_interval": None if intervals is None else [int(intervals[0][i]), int(intervals[1][i])],
                "details": details,
                "model_version": model.version,
            }
        )
    timings["total"] = time.perf_counter() - t0
    summary = {
        "model": f"{model.name} {model.version}",
        "official_morile": model.official,
        "components used (weights rescaled)": {c: round(comp_w[c], 4) for c in used},
        "seed": seed,
        "draws": n_draws,
        "top": top,
        **notes,
        "seconds": {k: round(v, 3) for k, v in timings.items()},
    }
    per_component = {
        comp: candidate_features[:, [j for j, col in enumerate(columns) if col.component == comp]]
        @ np.array([col.weight for col in columns if col.component == comp])
        for comp in present
    }
    component_values = pd.DataFrame(per_component, index=pd.Index(ids[candidates].astype(str), name="id"))
    return Ranking(
        rows=rows,
        summary=summary,
        zero_score_ids=[str(x) for x in ids[zero]],
        component_values=component_values,
    )


@dataclass
class _Part:
    """A component worked out on its own: (column, raw measure it is scaled from) pairs, raw per-person values,
    run-summary notes and seconds taken."""

    columns: list[tuple[_Column, str]]
    raw: dict[str, np.ndarray]
    notes: dict[str, Any]
    seconds: float


def _offending(
    offences: pd.DataFrame, off_codes: np.ndarray, protected: np.ndarray, model: PrioritisationModel, as_of: date | None
) -> _Part:
    """Gravity (harm index x recency decay) and frequency (recency-decayed count) per person."""
    t = time.perf_counter()
    n = len(protected)
    notes: dict[str, Any] = {}
    mine = ~protected[off_codes]
    notes["offences of protected people ignored"] = int((~mine).sum())
    lookup = model.harm_index.lookup()
    # Work once per distinct offence type (in order of first appearance), then index by type.
    type_codes, distinct_types = pd.factorize(offences["offence_type"], use_na_sentinel=False)
    type_names = np.asarray(distinct_types, dtype=object)
    harm = pd.Series([normalise_label(t) for t in type_names], dtype=object).map(lookup)
    unknown = harm.isna().to_numpy()
    per_type = np.bincount(type_codes, minlength=len(type_names))
    notes["offence types not in the harm index (default weight used)"] = dict(
        Counter({type_names[i]: int(per_type[i]) for i in np.flatnonzero(unknown)}).most_common()
    )
    harm_w = harm.fillna(model.harm_index.default_weight).to_numpy(dtype=float)[type_codes]
    dates = offences["date"].to_numpy(dtype="datetime64[D]")
    ref = np.datetime64(as_of, "D") if as_of is not None else dates.max()
    age = (ref - dates).astype(float)
    notes["offences after the as-of date (counted as new)"] = int((age < 0).sum())
    decay = 0.5 ** (np.maximum(age, 0) / model.offending.half_life_days)
    decay = decay * mine
    raw = {
        "offences": np.bincount(off_codes[mine], minlength=n).astype(float),
        "harm": np.bincount(off_codes, weights=harm_w * decay, minlength=n),
        "frequency": np.bincount(off_codes, weights=decay, minlength=n),
    }
    notes["recency measured back from"] = str(ref)
    sub = _normalised(
        {"gravity": model.offending.gravity, "frequency": model.offending.frequency}, ["gravity", "frequency"]
    )
    columns = [
        (_Column("offending", name, sub[name]), source)
        for name, source in (("gravity", "harm"), ("frequency", "frequency"))
        if sub[name] > 0
    ]
    return _Part(columns, raw, notes, time.perf_counter() - t)


def _markers(markers: pd.Series, node_codes: np.ndarray, protected: np.ndarray, model: PrioritisationModel) -> _Part:
    """1 - prod(1 - weight) over each person's known markers, worked out once per distinct list of markers
    (people who can be ranked only)."""
    t = time.perf_counter()
    known = model.markers
    unknown_markers: Counter[str] = Counter()
    score = np.zeros(len(protected))
    mine = ~protected[node_codes]
    lists = markers.to_numpy(dtype=object)[mine]
    list_codes, distinct = pd.factorize(pd.Series([tuple(marks) for marks in lists], dtype=object))
    people = np.bincount(list_codes, minlength=len(distinct))
    list_score = np.zeros(len(distinct))
    for i, marks in enumerate(distinct):
        keep = 1.0
        for mark in marks:
            label = normalise_label(mark)
            if label in known:
                keep *= 1.0 - known[label]
            else:
                unknown_markers[mark] += int(people[i])
        list_score[i] = 1.0 - keep
    score[node_codes[mine]] = list_score[list_codes]
    notes = {"markers not in the model (scored 0)": dict(unknown_markers.most_common())}
    return _Part([(_Column("markers", "markers", 1.0), "markers")], {"markers": score}, notes, time.perf_counter() - t)


def _monte_carlo(
    features: np.ndarray,
    columns: list[_Column],
    comp_w: Mapping[str, float],
    used: list[str],
    *,
    listed: np.ndarray,
    top: int,
    draws: int,
    model: PrioritisationModel,
    seed: int,
    say: Progress,
) -> tuple[np.ndarray | None, tuple[np.ndarray, np.ndarray] | None]:
    n, m = features.shape
    if draws == 0 or n == 0:
        return None, None
    settings = model.monte_carlo
    rng = np.random.default_rng([seed, 1])
    track = min(n, max(settings.track_min, 10 * top))
    per_draw = n * (m if settings.input_noise > 0 else 1)
    chunk = max(1, min(settings.chunk, MEMORY_CELLS // max(per_draw, 1)))
    conc = settings.concentration
    comp_base = np.array([comp_w[c] for c in used])
    groups = [[j for j, col in enumerate(columns) if col.component == c] for c in used]
    in_top = np.zeros(n, dtype=np.int64)
    ranks = np.empty((draws, len(listed)), dtype=np.int32)
    slot = np.full(n, track + 1, dtype=np.int32)
    positions = np.arange(1, track + 1, dtype=np.int32)
    by_column = np.ascontiguousarray(features.T)  # (draws x m) @ (m x people) is the fast way round
    done = 0
    while done < draws:
        b = min(chunk, draws - done)
        weights = np.zeros((m, b))
        comp = rng.dirichlet(conc * comp_base, size=b).T if len(used) > 1 else np.ones((1, b))
        for g, cols in enumerate(groups):
            base = np.array([columns[j].weight for j in cols])
            pos = base > 0
            within = np.zeros((len(cols), b))
            if pos.sum() > 1:
                within[pos] = rng.dirichlet(conc * base[pos], size=b).T
            else:
                within[pos] = 1.0
            weights[cols] = comp[g] * within
        weights32 = weights.astype(np.float32)
        # scores: one row per draw, one column per person
        if settings.input_noise > 0:
            rows = np.arange(n)
            scores = np.empty((b, n), dtype=np.float32)
            for j in range(b):
                noise = np.exp(settings.input_noise * rng.standard_normal((n, m), dtype=np.float32))
                scores[j] = np.minimum(features * noise, 1.0) @ weights32[:, j]
        else:
            scores = weights32.T @ by_column
            rows = _contenders(scores, track)
            scores = scores[:, rows]
        for j in range(b):
            best = rows[_leading(-scores[j], track)]
            in_top[best[:top]] += 1
            slot[best] = positions
            ranks[done + j] = slot[listed]
            slot[best] = track + 1
        done += b
        say("Rank stability (Monte Carlo)", done, draws)
    p_top = in_top[listed] / draws
    low = np.percentile(ranks, 5, axis=0, method="lower") if len(listed) else np.zeros(0)
    high = np.percentile(ranks, 95, axis=0, method="higher") if len(listed) else np.zeros(0)
    return p_top, (low, high)


def _leading(keys: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k smallest keys, smallest first; equal keys in position order."""
    if k >= len(keys):
        return np.lexsort((np.arange(len(keys)), keys))
    idx = np.argpartition(keys, k - 1)[:k]
    edge = keys[idx].max()
    inside = np.flatnonzero(keys < edge)
    idx = np.concatenate([inside, np.flatnonzero(keys == edge)[: k - len(inside)]])
    return idx[np.lexsort((idx, keys[idx]))]


def _contenders(scores: np.ndarray, track: int) -> np.ndarray:
    """People (ascending) who can be among the ``track`` best in some draw of a chunk (scores: draws x people).

    Every draw's track-th best score is at least the track-th best of the rows' worst scores over the chunk,
    so a row whose best score is below that is in no draw's top ``track``: ranking only the others gives the
    same ranks as ranking every row, and is much cheaper (a few per cent of the rows are left).
    """
    n = scores.shape[1]
    if track >= n:
        return np.arange(n)
    worst = scores.min(axis=0)
    floor = np.partition(worst, n - track)[n - track]
    return np.flatnonzero(scores.max(axis=0) >= floor)


def _best(score: np.ndarray, ids: np.ndarray, candidates: np.ndarray, top: int) -> np.ndarray:
    """The ``top`` candidates by score, ties by id (as text): only those tied with the last place are sorted."""
    values = score[candidates]
    pool = np.arange(len(candidates))
    if len(candidates) > top:
        last = -np.partition(-values, top - 1)[top - 1]
        pool = np.flatnonzero(values >= last)
    order = pd.DataFrame({"s": -values[pool], "id": ids[candidates[pool]].astype(str)}).sort_values(
        ["s", "id"], kind="stable"
    )
    return candidates[pool[order.index.to_numpy()]][:top]


def _node_codes(parts: list[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..n-1 for the ids of ``parts`` taken one after another, in order of first appearance (as
    ``pd.factorize`` of their concatenation), and the n ids as an object array.

    Hashing some 20 million ids is costly at national scale, so pyarrow columns (as read from files) are cut
    into one run of rows per core, encoded side by side in threads (pyarrow lets go of the GIL while it
    hashes); the runs' dictionaries, each in order of first appearance, are then encoded once more one
    after another, which numbers every id by its first appearance overall.
    """
    arrow = all(isinstance(getattr(p, "array", None), pd.arrays.ArrowStringArray) for p in parts)
    if not arrow or any(p.isna().any() for p in parts):
        codes, ids = pd.factorize(pd.concat(parts, ignore_index=True))
        return codes, np.asarray(ids, dtype=object)
    chunks = [c.cast(pa.large_string()) for p in parts for c in pa.chunked_array(p.array.__arrow_array__()).chunks]
    every = pa.chunked_array(chunks, type=pa.large_string())
    total = len(every)
    if total == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=object)
    runs = max(1, min(cpus(), total // ID_RUN_MIN))
    bounds = [total * i // runs for i in range(runs + 1)]
    pieces = [every.slice(a, b - a) for a, b in itertools.pairwise(bounds)]
    with ThreadPoolExecutor(max_workers=runs) as pool:
        encoded = list(pool.map(lambda piece: pc.dictionary_encode(piece.combine_chunks()), pieces))
    if runs == 1:
        merged, overall = encoded[0], np.arange(len(encoded[0].dictionary))
    else:
        merged = pc.dictionary_encode(pa.chunked_array([e.dictionary for e in encoded]).combine_chunks())
        overall = merged.indices.to_numpy(zero_copy_only=False).astype(np.intp)
    codes, at = [], 0
    for e in encoded:
        codes.append(overall[at : at + len(e.dictionary)][e.indices.to_numpy(zero_copy_only=False)])
        at += len(e.dictionary)
    return np.concatenate(codes), merged.dictionary.to_numpy(zero_copy_only=False)
