from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp

from sochub.engine import hotspots as hs
from sochub.engine.hotspots.emerging import COLD_PATTERNS, HOT_PATTERNS, NO_PATTERN

from .test_gistar import disk_grid, rings


def test_mann_kendall_matches_pymannkendall_including_ties() -> None:
    mk = pytest.importorskip("pymannkendall")
    rng = np.random.default_rng(0)
    series = rng.normal(size=(60, 12))
    series[:20] = np.round(series[:20])  # ties
    series[20] = 1.0  # all tied: no variance
    series[21] = np.arange(12)  # a perfect trend
    series[22, :6] = 0.0
    ours = hs.mann_kendall(series, chunk=7)  # several chunks
    for i, x in enumerate(series):
        ref = mk.original_test(x)
        assert ours.s[i] == ref.s and ours.var_s[i] == pytest.approx(ref.var_s)
        assert ours.z[i] == pytest.approx(ref.z, abs=1e-12) and ours.p[i] == pytest.approx(ref.p, abs=1e-12)
        assert ours.tau[i] == pytest.approx(ref.Tau)
    assert ours.p[21] < 1e-4 and ours.p[20] == 1.0


def pattern(hot: str, cold: str = "", up: bool = False, down: bool = False) -> str:
    """Pattern of one area from month strings: 'H' hot, 'C' cold, '.' neither."""
    h = np.array([[m == "H" for m in hot]])
    c = np.array([[m == "C" for m in (cold or hot)]])
    return str(hs.classify_patterns(h, c, np.array([up]), np.array([down]))[0])


@pytest.mark.parametrize(
    ("months", "up", "down", "expected"),
    [
        ("..........H", False, False, "new hot spot"),
        ("C.........H", False, False, "new hot spot"),  # earlier cold months do not stop "new" (documented)
        (".......HHHH", False, False, "consecutive hot spot"),
        ("HHHHHHHHHHH", True, False, "intensifying hot spot"),
        ("HHHHHHHHHHH", False, False, "persistent hot spot"),
        ("HHHHHHHHHHH", False, True, "diminishing hot spot"),
        ("HH.HHHHHHHH", False, False, "persistent hot spot"),  # 10 of 11 months is >= 90%
        ("H..H.....HH", False, False, "sporadic hot spot"),
        ("H..C.....HH", False, False, "oscillating hot spot"),
        ("HHHHHHHHHH.", False, False, "historical hot spot"),
        ("HHHHHHHHHHC", False, False, "historical hot spot"),  # final month cold, but 90% hot
        ("H.........C", False, False, "new cold spot"),
        ("CCCCCCCCCCC", False, True, "intensifying cold spot"),  # z falling: colder
        ("CCCCCCCCCCC", True, False, "diminishing cold spot"),
        ("C.C.......C", False, False, "sporadic cold spot"),
        ("H.C.......C", False, False, "oscillating cold spot"),
        ("CCCCCCCCCC.", False, False, "historical cold spot"),
        (".....CC....", False, False, NO_PATTERN),
        ("H.........", False, False, NO_PATTERN),
        ("HHHH.", False, False, NO_PATTERN),  # 4 of 5 is under 90%, and the final month is not hot
    ],
)
def test_patterns_follow_the_documented_rules(months: str, up: bool, down: bool, expected: str) -> None:
    assert pattern(months, up=up, down=down) == expected


def test_every_pattern_is_named_and_mirrored() -> None:
    assert len(hs.PATTERNS) == 17 and len(HOT_PATTERNS) == len(COLD_PATTERNS) == 8
    assert all(h.replace("hot", "cold") == c for h, c in zip(HOT_PATTERNS, COLD_PATTERNS, strict=True))
    with pytest.raises(ValueError, match="both hot and cold"):
        hs.classify_patterns(np.ones((1, 2), bool), np.ones((1, 2), bool), np.zeros(1, bool), np.zeros(1, bool))


def test_space_time_z_per_month_equals_gi_star_per_month() -> None:
    grid = disk_grid(4)
    cube = np.random.default_rng(1).poisson(4, (grid.n, 5)).astype(float)
    z = hs.space_time_gi_star(cube, grid.weights, global_window="month")
    for t in range(5):
        assert np.allclose(z[:, t], hs.gi_star_z(cube[:, t], grid.weights))


def test_space_time_z_over_the_cube_with_a_time_window_by_hand() -> None:
    w = sp.csr_array(np.array([[1, 1], [1, 1]], dtype=float))
    cube = np.array([[1.0, 4.0, 2.0], [3.0, 0.0, 5.0]])
    z = hs.space_time_gi_star(cube, w, time_window=2)
    n, mean, sd = 6, cube.mean(), cube.std()
    # bin (0, 2): both areas in months 1 and 2 -> 4 neighbours, sum 4 + 0 + 2 + 5
    sw = 4.0
    expected = (11 - mean * sw) / (sd * np.sqrt((n * sw - sw * sw) / (n - 1)))
    assert z[0, 2] == pytest.approx(expected)
    with pytest.raises(ValueError, match="per-month global window needs time_window=1"):
        hs.space_time_gi_star(cube, w, time_window=2, global_window="month")


def test_a_growing_cluster_is_intensifying_and_a_new_one_is_new() -> None:
    grid = disk_grid(8)
    distance = rings(grid, 8)
    rng = np.random.default_rng(3)
    months = 12
    cube = rng.poisson(2, (grid.n, months)).astype(float)
    cube[distance <= 1] += np.linspace(20, 80, months)  # hot all year and rising
    other = np.flatnonzero(distance == 7)[0]
    ring = grid.weights[[other]].indices
    cube[ring, -1] += 60  # appears in the final month only
    result = hs.emerging_hotspots(cube, grid.weights, area_ids=grid.area_ids)
    assert result.patterns[distance == 0][0] == "intensifying hot spot"
    assert result.patterns[other] == "new hot spot"
    counts = result.counts()
    assert sum(counts.values()) == grid.n and counts[NO_PATTERN] > grid.n * 0.8
    table = result.table()
    assert table.columns == [
        "area_id",
        "pattern",
        "months_hot",
        "months_cold",
        "final_month",
        "trend",
        "trend_tau",
        "trend_p",
    ]
    centre = table.filter(pl.col("area_id") == grid.area_ids[distance == 0][0]).row(0, named=True)
    assert centre["months_hot"] == 12 and centre["trend"] == "rising" and centre["final_month"] == "hot"


def test_too_few_months_for_a_trend_are_said_so() -> None:
    grid = disk_grid(3)
    cube = np.random.default_rng(0).poisson(3, (grid.n, 3)).astype(float)
    result = hs.emerging_hotspots(cube, grid.weights)
    assert not result.trend_tested and any("no trend tested" in n for n in result.notes)
    assert set(result.table()["trend"]) == {"insufficient months for trend"}
    assert not any(p.startswith(("intensifying", "diminishing")) for p in result.patterns)


def test_durham_six_months(durham) -> None:  # type: ignore[no-untyped-def]
    totals = durham.totals
    assert totals.months == [date(2021, m, 1) for m in range(1, 7)]
    assert totals.by_month.shape == (durham.grid.n, 6) and totals.by_month.sum() == totals.count.sum()
    result = hs.emerging_hotspots(totals.by_month, durham.grid.weights, area_ids=durham.grid.area_ids)
    counts = result.counts()
    assert counts["persistent hot spot"] + counts["intensifying hot spot"] > 50
    assert counts[NO_PATTERN] > 0.9 * durham.grid.n
    assert any("every month" in n for n in result.notes)


def test_month_positions_include_empty_months() -> None:
    months = pl.Series([date(2021, 11, 1), date(2022, 2, 1), date(2021, 11, 1)])
    positions, span = hs.month_positions(months)
    assert positions.tolist() == [0, 3, 0] and span == [
        date(2021, 11, 1),
        date(2021, 12, 1),
        date(2022, 1, 1),
        date(2022, 2, 1),
    ]
