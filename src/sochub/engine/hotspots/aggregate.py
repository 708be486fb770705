"""From usable crime rows to per-area totals: counts, harm, SOC-related counts and the month cube.

The glue between :mod:`.crimes`, :mod:`.grid` and the statistics, kept pure so the CLI, the web job and
the benchmark run the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from .crimes import CrimeData
from .emerging import month_positions
from .grid import AreaGrid, area_month_totals, area_totals, assign_rows
from .reference import HarmWeights, SocCategories


@dataclass
class AreaTotals:
    """Per area of ``grid`` (grid order): crime and ASB rows, harm, SOC-related rows, and rows per month."""

    grid: AreaGrid
    count: np.ndarray
    harm: np.ndarray
    soc_count: np.ndarray
    by_month: np.ndarray
    months: list[date]
    index: np.ndarray  # area position of each usable crime row (-1: in no area)
    notes: list[str] = field(default_factory=list)


def harm_per_row(crime_type: pl.Series, harm: HarmWeights) -> tuple[np.ndarray, int]:
    """Each row's harm weight, and how many rows took ``unrecognised_weight`` (type not a police.uk category)."""
    types = crime_type.unique().to_list()
    weights = {t: harm.weight_of(t) for t in types}
    unknown = {t for t, w in weights.items() if w is None}
    mapping = {t: (harm.unrecognised_weight if w is None else w) for t, w in weights.items()}
    values = crime_type.replace_strict(mapping, return_dtype=pl.Float64).to_numpy()
    return values, int(crime_type.is_in(pl.Series(sorted(unknown), dtype=pl.String).implode()).sum())


def aggregate(
    crimes: CrimeData,
    grid: AreaGrid,
    harm: HarmWeights,
    soc: SocCategories,
    *,
    examples: int = 10,
    cells: np.ndarray | None = None,
) -> AreaTotals:
    """Place every usable row in its area (rows in no area are counted in ``crimes.accounting``) and total.
    ``cells``: each row's H3 cell, when already computed to build the grid (saves doing it twice)."""
    frame = crimes.frame
    index = assign_rows(grid, frame, crimes.accounting, examples=examples, cells=cells)
    weights, unrecognised = harm_per_row(frame["crime_type"], harm)
    is_soc = frame["crime_type"].is_in(pl.Series(soc.categories, dtype=pl.String).implode()).to_numpy()
    month_index, months = month_positions(frame["month"])
    notes = [f"harm weights {harm.version}; SOC categories {soc.version}: {', '.join(soc.categories)}"]
    if unrecognised:
        notes.append(f"{unrecognised:,} rows of unrecognised crime types weighted {harm.unrecognised_weight:g}")
    return AreaTotals(
        grid=grid,
        count=area_totals(index, grid.n),
        harm=area_totals(index, grid.n, weights),
        soc_count=area_totals(np.where(is_soc, index, -1), grid.n),
        by_month=area_month_totals(index, month_index, grid.n, len(months)),
        months=months,
        index=index,
        notes=notes,
    )
