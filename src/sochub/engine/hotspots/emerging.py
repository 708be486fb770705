"""Emerging hot spot analysis over months: Gi* per area per month, a Mann-Kendall trend, ArcGIS-style patterns.

PySAL has no emerging hot spot analysis (esda issue #221 is open), so this is SOC Hub's own, following the
method ArcGIS Pro documents ("How Emerging Hot Spot Analysis works"): a space-time cube of areas x months,
Gi* for every bin, a Mann-Kendall trend test on each area's series of Gi* z-scores, and a pattern per area.
Parity with ArcGIS is not claimed: its temporal neighbourhood and exact rules are not fully documented.

Choices (also in ``Emerging.notes``):

- Bin Gi*: analytic z (as ArcGIS) with the mean and spread of the whole cube (ArcGIS's default global
  window) or of each month (``global_window="month"``); neighbours are the spatial neighbours (self
  included) in the same month and, with ``time_window`` k > 1, the k-1 months before. Bin p-values are
  two-sided normal, FDR-adjusted (Benjamini-Hochberg) over all bins of the cube; a bin is hot (cold) when
  q <= ``alpha`` and z > 0 (< 0). Islands are never hot or cold.
- Trend: Mann-Kendall (with the tie correction) on the z series; significant when p <= ``trend_alpha``.
  With fewer than ``min_trend_months`` (5) months no trend is tested: the smallest possible two-sided p with
  4 months is 0.089. "At least 90% of months" means every month when there are 9 months or fewer.
- Patterns, evaluated in this order so that they never overlap (cold patterns mirror hot ones, with the
  trend's sign flipped: an intensifying cold spot's z falls):
  1. hot in >= 90% of months: if the final month is hot, intensifying (significant upward trend),
     diminishing (significant downward trend) or persistent; otherwise historical. The same for cold.
     (90% hot and 90% cold cannot both hold, so a long history outranks the final month's opposite sign.)
  2. final month hot: if never hot before the final run of hot months, new (run of 1) or consecutive (run
     of 2 or more); else oscillating (some month was cold) or sporadic. The same for a cold final month.
  3. otherwise no pattern detected.
  ("New" ignores earlier cold months; the R package sfdep would call such an area oscillating.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.stats import false_discovery_control, norm

HOT_PATTERNS = (
    "new hot spot",
    "consecutive hot spot",
    "intensifying hot spot",
    "persistent hot spot",
    "diminishing hot spot",
    "sporadic hot spot",
    "oscillating hot spot",
    "historical hot spot",
)
COLD_PATTERNS = tuple(p.replace("hot", "cold") for p in HOT_PATTERNS)
NO_PATTERN = "no pattern detected"
PATTERNS = (*HOT_PATTERNS, *COLD_PATTERNS, NO_PATTERN)
MIN_TREND_MONTHS = 5


@dataclass(frozen=True)
class MannKendall:
    """Mann-Kendall trend test per row: S, Kendall's tau, the normal score z and the two-sided p."""

    s: np.ndarray
    tau: np.ndarray
    z: np.ndarray
    p: np.ndarray
    var_s: np.ndarray


def mann_kendall(series: np.ndarray, *, chunk: int = 20_000) -> MannKendall:
    """Mann-Kendall for every row of an (areas x times) array at once, with the tie correction.

    Matches ``pymannkendall.original_test`` (S, var_s, z, p; tau = S / (T (T - 1) / 2)). Rows are processed
    in chunks to bound memory (a chunk holds rows x T (T - 1) / 2 pair signs).
    """
    x = np.asarray(series, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("expected an (areas x times) array")
    rows, t = x.shape
    s = np.zeros(rows)
    var_s = np.zeros(rows)
    if t >= 2:
        i, j = np.triu_indices(t, 1)
        for start in range(0, rows, chunk):
            block = x[start : start + chunk]
            s[start : start + chunk] = np.sign(block[:, j] - block[:, i]).sum(axis=1)
            ordered = np.sort(block, axis=1)
            new = np.ones(block.shape, dtype=bool)
            new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
            group = np.cumsum(new, axis=1) - 1
            sizes = np.zeros(block.shape, dtype=np.int64)
            np.add.at(sizes, (np.repeat(np.arange(block.shape[0]), t), group.ravel()), 1)
            ties = (sizes * (sizes - 1) * (2 * sizes + 5)).sum(axis=1)
            var_s[start : start + chunk] = (t * (t - 1) * (2 * t + 5) - ties) / 18.0
    positive = var_s > 0
    root = np.sqrt(np.where(positive, var_s, 1.0))
    z = np.where(positive, (s - np.sign(s)) / root, 0.0)
    p = 2.0 * norm.sf(np.abs(z))
    tau = s / (t * (t - 1) / 2.0) if t >= 2 else np.zeros(rows)
    return MannKendall(s, tau, z, p, var_s)


def space_time_gi_star(
    counts: np.ndarray,
    weights: sp.csr_array | sp.csr_matrix,
    *,
    time_window: int = 1,
    global_window: str = "cube",
) -> np.ndarray:
    """Analytic Gi* z for every bin of an (areas x months) cube with binary self-inclusive weights."""
    x = np.asarray(counts, dtype=np.float64)
    w = sp.csr_array(weights, dtype=np.float64)
    areas, months = x.shape
    if time_window < 1:
        raise ValueError("time_window must be 1 or more")
    if global_window not in ("cube", "month"):
        raise ValueError("global_window must be 'cube' or 'month'")
    if global_window == "month" and time_window != 1:
        raise ValueError("a per-month global window needs time_window=1")
    lag = w @ x
    degree = np.asarray(w.sum(axis=1)).ravel()
    if time_window > 1:
        cumulative = np.cumsum(lag, axis=1)
        shifted = np.zeros_like(cumulative)
        shifted[:, time_window:] = cumulative[:, :-time_window]
        lag = cumulative - shifted
    steps = np.minimum(np.arange(months) + 1, time_window)
    sw = degree[:, None] * steps[None, :]
    if global_window == "cube":
        n = x.size
        mean = np.full(months, x.mean()) if n else np.zeros(months)
        sd = np.full(months, x.std()) if n else np.zeros(months)
    else:
        n = areas
        mean, sd = x.mean(axis=0), x.std(axis=0)
    if n < 2:
        return np.zeros_like(x)
    denominator = sd[None, :] * np.sqrt(np.maximum(n * sw - sw * sw, 0.0) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denominator > 0, (lag - mean[None, :] * sw) / denominator, 0.0)
    return z


@dataclass
class Emerging:
    """Per area: its pattern, bin classes and trend. ``z``, ``hot``, ``cold`` are (areas x months)."""

    area_ids: np.ndarray
    months: list[date]
    z: np.ndarray
    hot: np.ndarray
    cold: np.ndarray
    trend: MannKendall
    trend_tested: bool
    patterns: np.ndarray
    trend_alpha: float = 0.05
    notes: list[str] = field(default_factory=list)

    def table(self) -> pl.DataFrame:
        """One row per area: pattern, months hot and cold, the final month's class and the trend."""
        if self.trend_tested:
            direction = np.where(self.trend.p <= self.trend_alpha, np.sign(self.trend.s), 0)
            trend = np.where(direction > 0, "rising", np.where(direction < 0, "falling", "no significant trend"))
        else:
            trend = np.full(len(self.area_ids), "insufficient months for trend")
        final = np.where(self.hot[:, -1], "hot", np.where(self.cold[:, -1], "cold", "not significant"))
        return pl.DataFrame(
            {
                "area_id": pl.Series(self.area_ids.astype(str), dtype=pl.String),
                "pattern": pl.Series(self.patterns.astype(str), dtype=pl.String),
                "months_hot": self.hot.sum(axis=1).astype(np.int32),
                "months_cold": self.cold.sum(axis=1).astype(np.int32),
                "final_month": pl.Series(final.astype(str), dtype=pl.String),
                "trend": pl.Series(trend.astype(str), dtype=pl.String),
                "trend_tau": self.trend.tau,
                "trend_p": self.trend.p,
            }
        )

    def counts(self) -> dict[str, int]:
        values, counts = np.unique(self.patterns.astype(str), return_counts=True)
        found = dict(zip(values.tolist(), counts.tolist(), strict=True))
        return {p: int(found.get(p, 0)) for p in PATTERNS}


def _final_run(flags: np.ndarray) -> np.ndarray:
    """Length of the run of True at the end of each row."""
    return np.cumprod(flags[:, ::-1], axis=1).sum(axis=1)


def classify_patterns(
    hot: np.ndarray, cold: np.ndarray, trend_up: np.ndarray, trend_down: np.ndarray, *, share: float = 0.9
) -> np.ndarray:
    """Pattern per row from boolean (areas x months) hot and cold bins and the trend flags (see module notes)."""
    hot = np.asarray(hot, dtype=bool)
    cold = np.asarray(cold, dtype=bool)
    if hot.shape != cold.shape or hot.ndim != 2:
        raise ValueError("hot and cold must be (areas x months) arrays of the same shape")
    if (hot & cold).any():
        raise ValueError("a bin cannot be both hot and cold")
    areas, months = hot.shape
    if months == 0:
        return np.full(areas, NO_PATTERN, dtype=object)
    up = np.asarray(trend_up, dtype=bool)
    down = np.asarray(trend_down, dtype=bool)

    def side(
        mine: np.ndarray, other: np.ndarray, rising: np.ndarray, falling: np.ndarray, names: tuple[str, ...]
    ) -> tuple[np.ndarray, np.ndarray]:
        new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating, historical = names
        total = mine.sum(axis=1)
        final = mine[:, -1]
        run = _final_run(mine)
        earlier = total > run
        mostly = np.select(
            [total + 1e-9 < share * months, ~final, rising, falling],
            ["", historical, intensifying, diminishing],
            persistent,
        )
        recent = np.select(
            [~final, ~earlier & (run == 1), ~earlier, other.any(axis=1)],
            ["", new, consecutive, oscillating],
            sporadic,
        )
        return mostly, recent

    hot_mostly, hot_recent = side(hot, cold, up, down, HOT_PATTERNS)
    cold_mostly, cold_recent = side(cold, hot, down, up, COLD_PATTERNS)
    return np.select(
        [hot_mostly != "", cold_mostly != "", hot_recent != "", cold_recent != ""],
        [hot_mostly, cold_mostly, hot_recent, cold_recent],
        NO_PATTERN,
    ).astype(object)


def emerging_hotspots(
    counts: np.ndarray,
    weights: sp.csr_array | sp.csr_matrix,
    *,
    area_ids: np.ndarray | None = None,
    months: list[date] | None = None,
    alpha: float = 0.05,
    trend_alpha: float = 0.05,
    time_window: int = 1,
    global_window: str = "cube",
    fdr: bool = True,
    min_trend_months: int = MIN_TREND_MONTHS,
) -> Emerging:
    """Emerging hot spot patterns for an (areas x months) count cube aligned with ``weights``."""
    x = np.asarray(counts, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("counts must be an (areas x months) array")
    areas, t = x.shape
    w = sp.csr_array(weights, dtype=np.float64)
    if w.shape != (areas, areas):
        raise ValueError(f"weights are {w.shape} but there are {areas} areas")
    notes = [
        f"emerging hot spots: {areas:,} areas x {t} months; bin Gi* analytic, global window '{global_window}', "
        f"time window {time_window}; bins significant at "
        + (f"FDR q <= {alpha}" if fdr else f"p <= {alpha}")
        + f"; Mann-Kendall trend at p <= {trend_alpha}"
    ]
    z = space_time_gi_star(x, w, time_window=time_window, global_window=global_window)
    island = (np.diff(w.indptr) - (w.diagonal() != 0)) == 0
    p = 2.0 * norm.sf(np.abs(z))
    p[island, :] = 1.0
    if fdr and areas and t:
        tested = np.broadcast_to(~island[:, None], p.shape)
        q = np.ones_like(p)
        if tested.any():
            q[tested] = false_discovery_control(p[tested], method="bh")
        p = q
    hot = (p <= alpha) & (z > 0)
    cold = (p <= alpha) & (z < 0)
    trend = mann_kendall(z)
    tested_trend = t >= min_trend_months
    if not tested_trend:
        notes.append(f"only {t} months: no trend tested (needs {min_trend_months}; 12 or more advised)")
    elif t < 12:
        notes.append(f"{t} months: trends are weak evidence (12 or more months advised)")
    if t and t <= 9:
        notes.append(f"with {t} months, 'at least 90% of months' means every month")
    significant = tested_trend & (trend.p <= trend_alpha)
    up = significant & (trend.s > 0)
    down = significant & (trend.s < 0)
    patterns = classify_patterns(hot, cold, up, down)
    ids = np.asarray(area_ids if area_ids is not None else np.arange(areas).astype(str), dtype=object)
    return Emerging(ids, list(months or []), z, hot, cold, trend, tested_trend, patterns, trend_alpha, notes)


def month_positions(month_column: pl.Series) -> tuple[np.ndarray, list[date]]:
    """Each row's month as a position in the full run of months from first to last (gaps included)."""
    if month_column.len() == 0:
        return np.empty(0, dtype=np.int64), []
    first, last = month_column.min(), month_column.max()
    assert isinstance(first, date) and isinstance(last, date)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1) for k in range(span)]
    positions = (
        (month_column.dt.year().cast(pl.Int64) - first.year) * 12
        + month_column.dt.month().cast(pl.Int64)
        - (first.month)
    )
    return positions.to_numpy().astype(np.int64), months
