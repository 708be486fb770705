from __future__ import annotations

import json
from pathlib import Path

import h3ronpy
import numpy as np
import pytest
import shapely

from sochub.engine import hotspots as hs

from .conftest import DATA, DURHAM_BOUNDARIES, need

DURHAM_CELL = 0x8819465A55FFFFF  # resolution 8, in Durham city


def test_points_become_cells_vectorised() -> None:
    cells = hs.point_cells(np.array([54.77, 54.77]), np.array([-1.57, -1.57]), 8)
    assert cells.dtype == np.uint64 and cells[0] == cells[1] == DURHAM_CELL
    assert hs.cell_strings(cells)[0] == "8819465a55fffff"
    with pytest.raises(ValueError, match="impossible coordinates"):
        hs.point_cells(np.array([np.nan]), np.array([0.0]))


def test_ring_weights_include_self_and_stay_inside_the_grid() -> None:
    disk = np.sort(hs.ring_weights(np.array([DURHAM_CELL], dtype=np.uint64)).indices)
    assert disk.tolist() == [0]  # alone: only itself
    seven = np.sort(np.asarray(h3ronpy.grid_disk(np.array([DURHAM_CELL], dtype=np.uint64), 1, flatten=True)))
    w = hs.ring_weights(seven)
    assert w.shape == (7, 7) and (w.diagonal() == 1).all() and (w.toarray() == w.toarray().T).all()
    degree = np.diff(w.indptr) - 1
    centre = int(np.flatnonzero(seven == DURHAM_CELL)[0])
    assert degree[centre] == 6 and sorted(np.delete(degree, centre)) == [3] * 6


def test_islands_are_flagged() -> None:
    far = hs.point_cells(np.array([54.77, 52.0]), np.array([-1.57, -1.0]))
    grid = hs.AreaGrid("h3", np.sort(far), hs.cell_strings(np.sort(far)), hs.ring_weights(np.sort(far)), 8)
    assert grid.islands.tolist() == [True, True] and grid.neighbours.tolist() == [0, 0]


def test_the_grid_covers_the_area_with_zero_count_cells(durham) -> None:  # type: ignore[no-untyped-def]
    grid, totals = durham.grid, durham.totals
    assert grid.kind == "h3" and grid.resolution == 8
    assert 3_500 < grid.n < 4_500  # Durham and Darlington, about 2,400 km2, at 0.74 km2 a cell
    assert (totals.count == 0).sum() > grid.n / 2  # zero-count cells are in the study area
    assert totals.count.sum() == durham.crimes.frame.height == durham.crimes.accounting.rows_kept
    assert not grid.islands.any() and grid.neighbours.max() == 6
    assert np.all(np.diff(grid.keys.astype(np.int64)) > 0)  # sorted, unique
    covering = hs.cells_covering(durham.boundaries.union(), 8)
    assert np.isin(covering, grid.keys).all()


def test_without_an_area_the_grid_is_the_cells_near_the_crimes() -> None:
    # Two crimes in Durham and one recorded 400 km away: the grid is not stretched across the country.
    points = hs.point_cells(np.array([54.70, 54.80, 51.5]), np.array([-1.60, -1.60, -0.12]))
    grid = hs.h3_grid(points)
    assert np.isin(points, grid.keys).all()
    assert grid.n == 3 * 37  # three disks of radius 3 (1 + 6 + 12 + 18 cells), apart
    assert "within 3 rings of a crime" in grid.notes[0]
    assert hs.h3_grid(np.empty(0, dtype=np.uint64)).n == 0


def test_lsoa_queen_contiguity_matches_libpysal() -> None:
    need(DURHAM_BOUNDARIES)
    libpysal = pytest.importorskip("libpysal.weights")
    for name in ("durham_darlington", "dyfed_powys"):
        boundaries = hs.read_boundaries(DATA / "geo" / f"lsoa2011_bsc_{name}.geojson")
        grid = hs.lsoa_grid(boundaries)
        order = np.argsort(boundaries.codes.astype(str))
        queen = libpysal.Queen.from_iterable(list(boundaries.geometries[order]), ids=list(range(grid.n)))
        mine = {(i, int(j)) for i in range(grid.n) for j in grid.weights[[i]].indices if j != i}
        theirs = {(i, j) for i, near in queen.neighbors.items() for j in near}
        assert mine == theirs and not grid.islands.any()
    assert 5.0 < grid.neighbours.mean() < 5.3  # Dyfed-Powys: 5.1 neighbours on average


def test_crime_rows_are_placed_in_lsoas_by_code(durham) -> None:  # type: ignore[no-untyped-def]
    grid = hs.lsoa_grid(durham.boundaries)
    data = hs.read_crimes(DATA / "policeuk" / "durham-2021", lsoa_codes=set(durham.boundaries.codes))
    index = hs.assign_rows(grid, data.frame, data.accounting)
    assert (index >= 0).all() and hs.area_totals(index, grid.n).sum() == data.frame.height
    code_only = hs.code_grid(["E01000002", "E01000001"])
    assert code_only.area_ids.tolist() == ["E01000001", "E01000002"] and code_only.islands.all()


def test_rows_in_no_area_are_counted_not_lost(durham) -> None:  # type: ignore[no-untyped-def]
    grid = hs.lsoa_grid(durham.boundaries)
    data = hs.read_crimes(DATA / "policeuk" / "durham-2021")
    index = hs.assign_rows(grid, data.frame, data.accounting)
    assert data.accounting.excluded[hs.grid.NOT_IN_GRID] == int((index < 0).sum()) == 321
    assert data.accounting.rows_kept == data.frame.height - 321


def write_geojson(path: Path, features: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def square(code: str, x: float, y: float) -> dict:  # type: ignore[type-arg]
    return {
        "type": "Feature",
        "properties": {"LSOA21CD": code},
        "geometry": shapely.geometry.mapping(shapely.box(x, y, x + 0.01, y + 0.01)),
    }


def test_boundaries_are_checked_and_repaired(tmp_path: Path) -> None:
    bow = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    path = write_geojson(
        tmp_path / "b.geojson",
        [square("E1", -1.6, 54.7), square("E2", -1.59, 54.7), {"properties": {"LSOA21CD": "E3"}, "geometry": bow}],
    )
    b = hs.read_boundaries(path)
    assert b.code_field == "LSOA21CD" and b.repaired == 1 and shapely.is_valid(b.geometries).all()
    grid = hs.lsoa_grid(b)
    assert grid.neighbours.tolist() == [1, 1, 0] and grid.islands.tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid GeoJSON"),
        ('{"type": "FeatureCollection", "features": []}', "at least one feature"),
        ('{"features": [{"properties": {"name": "x"}, "geometry": null}]}', "no area code property"),
        (
            '{"features": [{"properties": {"code": "A"}, "geometry": {"type": "Point", "coordinates": [0, 0]}}]}',
            "feature 1 (A): expected a polygon",
        ),
        (
            '{"features": [{"properties": {"code": "A"}, "geometry": {"type": "Nonsense"}}]}',
            "feature 1 (A): unreadable geometry",
        ),
    ],
)
def test_bad_boundary_files_name_the_feature(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "b.geojson"
    path.write_text(content)
    with pytest.raises(hs.DataError) as caught:
        hs.read_boundaries(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)


def test_repeated_codes_are_refused(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "b.geojson", [square("E1", 0, 50), square("E1", 1, 50)])
    with pytest.raises(hs.DataError, match="feature 2: the code 'E1' appears more than once"):
        hs.read_boundaries(path)
