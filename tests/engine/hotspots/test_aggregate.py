from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sochub.engine import hotspots as hs

from .police import row, write_street


def test_totals_per_area_count_harm_soc_and_months(tmp_path: Path) -> None:
    path = write_street(
        tmp_path / "x-street.csv",
        [
            row("a", crime_type="Robbery", month="2021-01"),
            row("b", crime_type="Drugs", month="2021-03"),
            row("", crime_type="Anti-social behaviour", month="2021-03"),
            row("c", crime_type="Fraud", month="2021-03"),  # not a police.uk category
            row("d", crime_type="Burglary", lon="-1.40", lat="54.60", month="2021-03"),
        ],
    )
    crimes = hs.read_crimes(path)
    grid = hs.h3_grid(hs.point_cells(crimes.frame["lat"].to_numpy(), crimes.frame["lon"].to_numpy()))
    harm = hs.load_harm()
    totals = hs.aggregate(crimes, grid, harm, hs.load_soc())
    here = grid.locate(hs.point_cells(np.array([54.77]), np.array([-1.57])))[0]
    there = grid.locate(hs.point_cells(np.array([54.60]), np.array([-1.40])))[0]
    assert totals.count[here] == 4 and totals.count[there] == 1 and totals.count.sum() == 5
    assert totals.harm[here] == 800 + 64 + 0 + harm.unrecognised_weight and totals.harm[there] == 280
    assert totals.soc_count[here] == 2 and totals.soc_count.sum() == 2
    assert [m.month for m in totals.months] == [1, 2, 3]  # February is empty but kept
    assert totals.by_month[here].tolist() == [1, 0, 3] and totals.by_month.sum() == 5
    assert any("1 rows of unrecognised crime types weighted 50" in n for n in totals.notes)


def test_harm_per_row_uses_any_spelling() -> None:
    values, unknown = hs.harm_per_row(pl.Series(["robbery", "Anti-social behaviour", "Fraud"]), hs.load_harm())
    assert values.tolist() == [800.0, 0.0, 50.0] and unknown == 1
    with pytest.raises(ValueError, match="impossible coordinates"):
        hs.point_cells(np.array([91.0]), np.array([0.0]))
