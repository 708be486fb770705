"""Maps and charts as PNG: real H3 and LSOA grids from the engine, images decoded and their pixels counted."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from datetime import date
from typing import Any

import numpy as np
import pytest
import shapely
from matplotlib import colormaps
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from sochub.engine import hotspots as hs
from sochub.engine.hotspots import figures as fg

from .conftest import DURHAM_BOUNDARIES, need

PNG = b"\x89PNG\r\n\x1a\n"
WIDTH_PX = int(fg.WIDTH * fg.DPI)


def decode(png: bytes) -> np.ndarray:
    assert png.startswith(PNG)
    image = imread(io.BytesIO(png), format="png")
    assert image.ndim == 3 and image.shape[1] == WIDTH_PX
    return image[:, :, :3]


def pixels(image: np.ndarray, colour: Any, tolerance: float = 1.5 / 255) -> int:
    """Pixels of exactly this colour (8-bit rounding allowed)."""
    return int((np.abs(image - np.array(to_rgb(colour))) <= tolerance).all(axis=2).sum())


@pytest.fixture(scope="module")
def durham_points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    lat = np.concatenate([54.77 + rng.normal(0, 0.012, 300), 54.775 + rng.normal(0, 0.002, 100)])
    lon = np.concatenate([-1.57 + rng.normal(0, 0.02, 300), -1.575 + rng.normal(0, 0.003, 100)])
    return lat, lon


@pytest.fixture(scope="module")
def grid(durham_points: tuple[np.ndarray, np.ndarray]) -> hs.AreaGrid:
    lat, lon = durham_points
    return hs.h3_grid(hs.point_cells(lat, lon, 8))


@pytest.fixture(scope="module")
def gi(grid: hs.AreaGrid, durham_points: tuple[np.ndarray, np.ndarray]) -> hs.GiStar:
    lat, lon = durham_points
    counts = hs.area_totals(grid.locate(hs.point_cells(lat, lon, 8)), grid.n)
    return hs.gi_star(counts, grid.weights, permutations=499)


def square(x: float, y: float, size: float) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


X0, Y0, SIDE = -1.60, 54.76, 0.02


def boundaries(
    first: shapely.Geometry, second: shapely.Geometry, codes: tuple[str, str] = ("E2", "E1")
) -> hs.Boundaries:
    """Two areas, given in reverse code order (the grid sorts them)."""
    geoms = np.array([second, first], dtype=object)
    return hs.Boundaries(np.array(codes, dtype=object), ["second", "first"], geoms, "test", "code")


# --- polygons -------------------------------------------------------------------------------------------


def test_area_polygons_h3_one_closed_hexagon_per_cell(grid: hs.AreaGrid) -> None:
    rings = fg.area_polygons(grid)
    assert len(rings) == grid.n > 20
    lat, lon = hs.cell_centres(grid.keys)
    for ring, clat, clon in zip(rings, lat, lon, strict=True):
        assert ring.shape == (7, 2) and (ring[0] == ring[-1]).all()  # six corners, closed
        assert (np.abs(ring[:, 0] + 1.57) < 0.2).all() and (np.abs(ring[:, 1] - 54.77) < 0.1).all()
        assert abs(ring[:-1, 0].mean() - clon) < 1e-3 and abs(ring[:-1, 1].mean() - clat) < 1e-3
    assert [len(r) for r in fg.area_rings(grid)] == [1] * grid.n


def test_area_polygons_lsoa_match_codes_and_keep_every_part() -> None:
    holed = shapely.Polygon(
        square(X0, Y0, SIDE).exterior.coords, [square(X0 + 0.005, Y0 + 0.005, 0.01).exterior.coords]
    )
    two = shapely.MultiPolygon([square(X0 + 0.03, Y0, 0.01), square(X0 + 0.03, Y0 + 0.012, 0.008)])
    grid = hs.lsoa_grid(boundaries(holed, two))
    assert grid.keys.tolist() == ["E1", "E2"]
    outlines = fg.area_polygons(grid, boundaries(holed, two))
    assert len(outlines) == 2
    assert shapely.Polygon(outlines[0]).area == pytest.approx(SIDE**2)  # the outline, not the hole
    assert shapely.Polygon(outlines[1]).area == pytest.approx(0.01**2)  # the largest part
    rings = fg.area_rings(grid, boundaries(holed, two))
    assert [len(r) for r in rings] == [2, 2]  # exterior + hole; two parts
    assert shapely.LinearRing(rings[0][0]).is_ccw and not shapely.LinearRing(rings[0][1]).is_ccw
    with pytest.raises(ValueError, match="needs its boundaries"):
        fg.area_polygons(grid)


def test_lsoa_without_a_boundary_gets_an_empty_outline() -> None:
    grid = hs.code_grid(["E1", "E9"])
    b = boundaries(square(X0, Y0, SIDE), square(X0 + 0.03, Y0, SIDE))
    outlines = fg.area_polygons(grid, b)
    assert outlines[0].shape == (5, 2) and outlines[1].shape == (0, 2)
    image = decode(fg.hotspot_map(grid, np.array(["hot 99", "hot 99"]), title="Partly drawn", boundaries=b))
    assert pixels(image, fg.CLASS_COLOURS["hot 99"]) > 1000


# --- hot spot maps --------------------------------------------------------------------------------------


def test_hotspot_map_is_a_png_of_the_expected_size_and_deterministic(grid: hs.AreaGrid, gi: hs.GiStar) -> None:
    png = fg.hotspot_map(grid, gi.classes, title="Hot spots", caption="Contains public sector information (OGL v3.0)")
    image = decode(png)
    assert 4.0 * fg.DPI <= image.shape[0] <= 10.5 * fg.DPI
    assert (image[0, 0] == 1.0).all()  # white background
    assert png == fg.hotspot_map(
        grid, gi.classes, title="Hot spots", caption="Contains public sector information (OGL v3.0)"
    )


def test_hot_cells_render_red_and_cold_cells_blue(grid: hs.AreaGrid, gi: hs.GiStar) -> None:
    assert gi.counts()["hot 99"] > 0  # the dense cluster is a real Gi* hot spot
    plain = np.full(grid.n, "not significant", dtype=object)
    quiet = decode(fg.hotspot_map(grid, plain, title="Nothing"))
    hot = decode(fg.hotspot_map(grid, gi.classes, title="Gi*"))
    red = fg.CLASS_COLOURS["hot 99"]
    # The legend patch is drawn in both; the map adds the hot cells (each about 20 x 20 pixels or more).
    assert pixels(hot, red) - pixels(quiet, red) > 200 * gi.counts()["hot 99"]
    assert pixels(quiet, fg.CLASS_COLOURS["not significant"]) > pixels(hot, fg.CLASS_COLOURS["not significant"])
    cold = plain.copy()
    cold[:5] = "cold 99"
    blue = fg.CLASS_COLOURS["cold 99"]
    assert pixels(decode(fg.hotspot_map(grid, cold, title="Cold")), blue) - pixels(quiet, blue) > 1000
    assert fg.hotspot_map(grid, cold, title="Cold") != fg.hotspot_map(grid, plain, title="Cold")


def test_hotspot_map_draws_point_layers(grid: hs.AreaGrid, durham_points: tuple[np.ndarray, np.ndarray]) -> None:
    lat, lon = durham_points
    plain = np.full(grid.n, "not significant", dtype=object)
    bare = decode(fg.hotspot_map(grid, plain, title="Points"))
    layers = {"Schools": (lat[:30], lon[:30]), "Care homes": (lat[30:40], lon[30:40])}
    with_points = decode(fg.hotspot_map(grid, plain, title="Points", points=layers))
    orange = fg.POINT_STYLES[1][1]
    assert pixels(with_points, orange) > pixels(bare, orange) + 50
    assert pixels(with_points, "#000000") > pixels(bare, "#000000") + 200
    with pytest.raises(ValueError, match="latitudes"):
        fg.hotspot_map(grid, plain, title="Points", points={"bad": (lat[:3], lon[:2])})


def test_hotspot_map_rejects_wrong_inputs(grid: hs.AreaGrid) -> None:
    with pytest.raises(ValueError, match="classes for"):
        fg.hotspot_map(grid, np.array(["hot 99"]), title="x")
    with pytest.raises(ValueError, match="unknown hot spot classes: warm"):
        fg.hotspot_map(grid, np.full(grid.n, "warm", dtype=object), title="x")


def test_empty_grid_draws_an_empty_map() -> None:
    empty = hs.h3_grid(np.empty(0, dtype=np.uint64))
    assert empty.n == 0 and fg.area_polygons(empty) == []
    decode(fg.hotspot_map(empty, np.empty(0, dtype=object), title="Nothing here"))
    decode(fg.value_map(empty, np.empty(0), title="Nothing here", legend="rate"))


def test_lsoa_map_fills_every_part_and_leaves_holes_open() -> None:
    solid = square(X0, Y0, SIDE)
    holed = shapely.Polygon(solid.exterior.coords, [square(X0 + 0.005, Y0 + 0.005, 0.01).exterior.coords])
    parts = shapely.MultiPolygon([square(X0, Y0, SIDE / 2), square(X0 + SIDE / 2, Y0 + SIDE / 2, SIDE / 2)])
    other = square(X0 + 0.03, Y0, SIDE)  # fixes the map extent
    red = fg.CLASS_COLOURS["hot 99"]

    def red_pixels(first: shapely.Geometry) -> int:
        b = boundaries(first, other)
        grid = hs.lsoa_grid(b)
        return pixels(decode(fg.hotspot_map(grid, np.array(["hot 99", "cold 99"]), title="LSOAs", boundaries=b)), red)

    full, with_hole, two_parts = red_pixels(solid), red_pixels(holed), red_pixels(parts)
    assert with_hole / full == pytest.approx(0.75, abs=0.05)  # the hole is a quarter of the square
    assert two_parts / full == pytest.approx(0.5, abs=0.05)  # both halves drawn, not just the largest part


def test_h3_map_with_boundaries_outlines_the_study_area(grid: hs.AreaGrid) -> None:
    lat, lon = hs.cell_centres(grid.keys)
    area = shapely.box(lon.min(), lat.min(), lon.max(), lat.max())
    b = hs.Boundaries(np.array(["E1"], dtype=object), [""], np.array([area], dtype=object), "test", "code")
    plain = np.full(grid.n, "not significant", dtype=object)
    assert fg.hotspot_map(grid, plain, title="x", boundaries=b) != fg.hotspot_map(grid, plain, title="x")


# --- value maps -----------------------------------------------------------------------------------------


def test_value_map_greys_out_missing_values(grid: hs.AreaGrid) -> None:
    values = np.linspace(0.0, 12.5, grid.n)
    complete = decode(fg.value_map(grid, values, title="Rate", legend="crimes per 1,000 residents"))
    values[: grid.n // 2] = np.nan
    partial = decode(
        fg.value_map(grid, values, title="Rate", legend="crimes per 1,000 residents", missing_label="no population")
    )
    assert pixels(complete, fg.MISSING_COLOUR) < 50
    assert pixels(partial, fg.MISSING_COLOUR) > 2000
    nothing = decode(fg.value_map(grid, np.full(grid.n, np.nan), title="Rate", legend="rate"))
    assert pixels(nothing, fg.MISSING_COLOUR) > pixels(partial, fg.MISSING_COLOUR)


def test_value_map_colours_follow_the_values(grid: hs.AreaGrid) -> None:
    deciles = (np.arange(grid.n) % 10 + 1).astype(float)
    image = decode(fg.value_map(grid, deciles, title="IMD", legend="IMD decile (1 = most deprived)"))
    viridis = colormaps["viridis"]
    lowest, highest = viridis(0.0), viridis(1.0)
    assert pixels(image, lowest, 3 / 255) > 500 and pixels(image, highest, 3 / 255) > 500
    same = decode(fg.value_map(grid, np.full(grid.n, 4.0), title="IMD", legend="decile"))  # one value
    assert pixels(same, fg.MISSING_COLOUR) < 50
    with pytest.raises(ValueError, match="values for"):
        fg.value_map(grid, np.ones(3), title="x", legend="y")


# --- charts ---------------------------------------------------------------------------------------------


MONTHS = [date(2021, m, 1) for m in range(1, 7)]


def test_trend_chart_six_months_and_one() -> None:
    rng = np.random.default_rng(3)
    series = {f"Crime type {i}": rng.poisson(20, 6).astype(float) for i in range(14)}
    six = decode(fg.trend_chart(MONTHS, series, title="Trend", caption="Source: police.uk"))
    assert pixels(six, fg.OKABE_ITO[0]) > 100 and pixels(six, fg.OKABE_ITO[1]) > 100
    one = fg.trend_chart(MONTHS[:1], {"Drugs": np.array([4.0])}, title="One month")
    decode(one)
    assert fg.trend_chart(MONTHS, series, title="Trend") != fg.trend_chart(
        MONTHS, dict(list(series.items())[:3]), title="Trend"
    )
    assert fg._month_label(date(2021, 1, 1)) == "Jan 2021"


def test_trend_chart_edge_cases() -> None:
    decode(fg.trend_chart([], {}, title="Nothing"))
    decode(fg.trend_chart(MONTHS, {"Drugs": np.full(6, np.nan)}, title="All missing"))
    with pytest.raises(ValueError, match="has 2 values for 6 months"):
        fg.trend_chart(MONTHS, {"Drugs": np.ones(2)}, title="x")


def test_bar_chart_puts_the_largest_bar_on_top() -> None:
    labels = ["Drugs", "Violence and sexual offences", "Possession of weapons", "Robbery"]
    image = decode(fg.bar_chart(labels, [30, 120, 5, 60], title="Crimes by SOC category", xlabel="crimes"))
    bar = (np.abs(image - np.array(to_rgb(fg.BAR_COLOUR))) <= 1.5 / 255).all(axis=2)
    widths = bar.sum(axis=1)
    rows = np.flatnonzero(widths > 0)
    runs = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    lengths = [int(widths[r].max()) for r in runs]
    assert len(lengths) == 4 and lengths == sorted(lengths, reverse=True)
    assert lengths[0] / lengths[1] == pytest.approx(2.0, rel=0.05)  # 120 vs 60
    decode(fg.bar_chart([], [], title="Nothing"))
    with pytest.raises(ValueError, match="2 labels but 1 values"):
        fg.bar_chart(["a", "b"], [1.0], title="x")


def test_figures_import_no_django_and_no_pyplot() -> None:
    code = (
        "import sys, sochub.engine.hotspots.figures; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules), 'matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# --- real boundaries ------------------------------------------------------------------------------------


def test_real_durham_lsoa_and_h3_maps() -> None:
    need(DURHAM_BOUNDARIES)
    b = hs.read_boundaries(DURHAM_BOUNDARIES)
    lsoas = hs.lsoa_grid(b)
    outlines = fg.area_polygons(lsoas, b)
    assert len(outlines) == lsoas.n > 100 and all(len(o) >= 4 for o in outlines)
    xy = np.concatenate(outlines)
    assert (np.abs(xy[:, 0] + 1.7) < 0.7).all() and (np.abs(xy[:, 1] - 54.65) < 0.35).all()
    rng = np.random.default_rng(11)
    deciles = rng.integers(1, 11, lsoas.n).astype(float)
    deciles[:7] = np.nan
    decode(fg.value_map(lsoas, deciles, title="IMD 2019 decile", legend="decile", boundaries=b, cmap="cividis"))
    # Counts rising towards one corner: Gi* finds hot and cold spots.
    centroids = shapely.centroid(b.geometries[np.argsort(b.codes.astype(str), kind="stable")])
    counts = np.round(20 * (shapely.get_x(centroids) - shapely.get_x(centroids).min()))
    classes = hs.gi_star(counts, lsoas.weights, permutations=0).classes
    image = decode(fg.hotspot_map(lsoas, classes, title="Durham LSOAs", boundaries=b, caption="OGL v3.0"))
    assert pixels(image, fg.CLASS_COLOURS["hot 99"]) > 1000 and pixels(image, fg.CLASS_COLOURS["cold 99"]) > 1000

    cells = hs.h3_grid(np.empty(0, dtype=np.uint64), area=b.union())
    assert cells.n > 2500
    z = np.arange(cells.n) % 7
    classes = np.array(hs.CLASSES, dtype=object)[z]
    start = time.perf_counter()
    png = fg.hotspot_map(cells, classes, title="Durham H3", boundaries=b)
    elapsed = time.perf_counter() - start
    decode(png)
    assert elapsed < 30, f"{cells.n} hexagons took {elapsed:.1f} s"
