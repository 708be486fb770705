"""Study areas and their neighbours: an H3 hexagon grid (default) or LSOAs from boundaries.

The study area is every area in it, crime or not: a Gi* that sees only occupied cells cannot tell a
hotspot in a quiet place from one in a busy place, and the issue's ``hotspots.csv`` lists zero counts too.

- H3: the cells covering the area polygon (LSOA boundaries' union when given), else every cell within a few
  rings of a crime (a convex hull would be stretched across the country by the few crimes a force records
  elsewhere), always with every occupied cell. Neighbours: ring 1.
- LSOAs: the boundary polygons, neighbours by Queen contiguity (any shared boundary point).

Weights are binary with the area itself included (Gi*), as a scipy CSR matrix aligned with ``area_ids``.
Areas with no neighbour but themselves are *islands*: flagged, and given p = 1 by :mod:`.gistar` (esda
would give them p = 0.001, see the research notes).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import h3ronpy
import numpy as np
import polars as pl
import scipy.sparse as sp
import shapely
from h3ronpy.vector import (
    ContainmentMode,
    cells_to_coordinates,
    cells_to_wkb_polygons,
    coordinates_to_cells,
    wkb_to_cells,
)

from .errors import Accounting, DataError, RowProblem

DEFAULT_RESOLUTION = 8  # hexagons of about 0.74 km2 (edge about 0.53 km)
_CODE_FIELDS = ("LSOA21CD", "LSOA11CD", "lsoa21cd", "lsoa11cd", "LSOA code", "code")
_NAME_FIELDS = ("LSOA21NM", "LSOA11NM", "lsoa21nm", "lsoa11nm", "LSOA name", "name")
NOT_IN_GRID = "not in any area of the study grid"


@dataclass(frozen=True)
class Boundaries:
    """Area polygons (longitude/latitude) read from GeoJSON, one per code, in file order."""

    codes: np.ndarray  # str codes (object array)
    names: list[str]
    geometries: np.ndarray  # shapely geometries
    source: str
    code_field: str
    repaired: int = 0

    def union(self) -> shapely.Geometry:
        """The whole study area as one (multi)polygon."""
        return shapely.union_all(self.geometries)


def read_boundaries(path: str | Path, *, code_field: str | None = None) -> Boundaries:
    """Read a GeoJSON FeatureCollection of (multi)polygons in WGS84 longitude/latitude.

    The code property is ``code_field`` or the first of LSOA21CD, LSOA11CD, "LSOA code", "code" found.
    Invalid polygons are repaired with ``make_valid`` and counted; a missing code or geometry, a repeated
    code or a non-polygon raises ``DataError`` naming the feature (features count from 1).
    """
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise DataError(file, f"cannot read the file ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(file, f"not valid GeoJSON ({exc})") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise DataError(file, "expected a GeoJSON FeatureCollection with at least one feature")
    props0 = features[0].get("properties") or {}
    field_name = code_field or next((f for f in _CODE_FIELDS if f in props0), None)
    if field_name is None:
        raise DataError(file, f"no area code property (looked for {', '.join(_CODE_FIELDS)}); pass code_field")
    name_field = next((f for f in _NAME_FIELDS if f in props0), None)
    codes: list[str] = []
    names: list[str] = []
    geoms: list[Any] = []
    seen: set[str] = set()
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        code = str(props.get(field_name) or "").strip()
        if not code:
            raise DataError(file, f"feature {number}: no {field_name!r}")
        if code in seen:
            raise DataError(file, f"feature {number}: the code {code!r} appears more than once")
        seen.add(code)
        try:
            geom = shapely.geometry.shape(feature.get("geometry"))
        except (AttributeError, TypeError, ValueError, shapely.errors.ShapelyError) as exc:
            raise DataError(file, f"feature {number} ({code}): unreadable geometry ({exc})") from None
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            raise DataError(file, f"feature {number} ({code}): expected a polygon, found {geom.geom_type}")
        codes.append(code)
        names.append(str(props.get(name_field, "")) if name_field else "")
        geoms.append(geom)
    geometries = np.array(geoms, dtype=object)
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        geometries[invalid] = shapely.make_valid(geometries[invalid])
    return Boundaries(np.array(codes, dtype=object), names, geometries, str(file), field_name, int(invalid.sum()))


@dataclass(frozen=True)
class AreaGrid:
    """The study areas in a fixed order, with binary self-inclusive neighbour weights.

    ``keys``: sorted H3 cells (uint64) or sorted area codes; ``area_ids``: the ids written out (H3 cell
    strings or codes); ``weights``: n x n CSR, 1 for each neighbour and on the diagonal.
    """

    kind: Literal["h3", "lsoa"]
    keys: np.ndarray
    area_ids: np.ndarray
    weights: sp.csr_array
    resolution: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return int(self.keys.shape[0])

    @property
    def neighbours(self) -> np.ndarray:
        """Number of neighbours of each area, itself not counted."""
        return np.diff(self.weights.indptr) - 1

    @property
    def islands(self) -> np.ndarray:
        """Areas whose only neighbour is themselves (their Gi* says nothing about clustering)."""
        return self.neighbours == 0

    def locate(self, keys: np.ndarray) -> np.ndarray:
        """Position of each key in the grid, -1 when it is not in the study area."""
        keys = np.asarray(keys, dtype=self.keys.dtype)
        if self.n == 0:
            return np.full(keys.shape[0], -1, dtype=np.int64)
        pos = np.searchsorted(self.keys, keys)
        pos[pos >= self.n] = 0
        return np.where(self.keys[pos] == keys, pos, -1).astype(np.int64)


def point_cells(lat: np.ndarray, lon: np.ndarray, resolution: int = DEFAULT_RESOLUTION) -> np.ndarray:
    """H3 cells (uint64) of points, vectorised. Coordinates must be checked first (finite, in range)."""
    lat = np.ascontiguousarray(lat, dtype=np.float64)
    lon = np.ascontiguousarray(lon, dtype=np.float64)
    if lat.shape[0] == 0:
        return np.empty(0, dtype=np.uint64)
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if not ok.all():
        raise ValueError(f"{int((~ok).sum())} points have missing or impossible coordinates: check them first")
    return np.asarray(coordinates_to_cells(lat, lon, resolution), dtype=np.uint64)


def cell_strings(cells: np.ndarray) -> np.ndarray:
    """H3 cells as their usual 15-character hex strings."""
    if len(cells) == 0:
        return np.empty(0, dtype=object)
    return np.asarray(pl.Series(h3ronpy.cells_to_string(np.asarray(cells, dtype=np.uint64))).to_numpy(), dtype=object)


def cell_centres(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of cell centres."""
    if len(cells) == 0:
        return np.empty(0), np.empty(0)
    table = cells_to_coordinates(np.asarray(cells, dtype=np.uint64))
    return np.asarray(table.column("lat")), np.asarray(table.column("lng"))


def cell_polygons(cells: np.ndarray) -> np.ndarray:
    """Shapely polygons (longitude/latitude) of cells, for maps and overlays."""
    if len(cells) == 0:
        return np.empty(0, dtype=object)
    wkb = pl.Series(cells_to_wkb_polygons(np.asarray(cells, dtype=np.uint64))).to_numpy()
    return shapely.from_wkb(wkb)


def cells_covering(geometry: shapely.Geometry, resolution: int) -> np.ndarray:
    """Every cell that covers part of the geometry (H3 'Covers' mode), sorted and unique."""
    parts = shapely.get_parts(geometry)
    if len(parts) == 0:
        return np.empty(0, dtype=np.uint64)
    wkb = np.array([shapely.to_wkb(p) for p in parts], dtype=object)
    cells = wkb_to_cells(wkb, resolution, containment_mode=ContainmentMode.Covers, flatten=True)
    return np.unique(np.asarray(cells, dtype=np.uint64))


def _disk(cells: np.ndarray, k: int) -> np.ndarray:
    if k <= 0 or len(cells) == 0:
        return cells
    return np.unique(np.asarray(h3ronpy.grid_disk(cells, k, flatten=True), dtype=np.uint64))


def h3_grid(
    occupied: np.ndarray,
    *,
    resolution: int = DEFAULT_RESOLUTION,
    area: shapely.Geometry | None = None,
    ring: int = 3,
) -> AreaGrid:
    """The H3 study grid: cells covering ``area`` (or, without one, the cells within ``ring`` rings of an
    occupied cell), always with every occupied cell; ring-1 neighbours within the grid, self included."""
    occupied = np.unique(np.asarray(occupied, dtype=np.uint64))
    notes: list[str] = []
    if area is not None:
        cells = np.union1d(cells_covering(area, resolution), occupied)
        outside = len(np.setdiff1d(occupied, cells_covering(area, resolution)))
        if outside:
            notes.append(f"{outside} occupied cells lie outside the area polygon and were added to the grid")
        how = "cells covering the area polygon"
    elif len(occupied):
        cells = _disk(occupied, ring)
        how = f"no area polygon: the cells within {ring} rings of a crime; give LSOA boundaries to set the area"
    else:
        cells = occupied
        how = "no occupied cells"
    weights = ring_weights(cells)
    notes.insert(0, f"H3 resolution {resolution}: {len(cells):,} cells ({how}); {len(occupied):,} occupied")
    grid = AreaGrid("h3", cells, cell_strings(cells), weights, resolution, notes)
    if grid.islands.any():
        notes.append(f"{int(grid.islands.sum())} cells have no neighbour in the grid (islands: p = 1)")
    return grid


def ring_weights(cells: np.ndarray) -> sp.csr_array:
    """Binary ring-1 weights among sorted unique cells, self included; neighbours outside are ignored."""
    n = len(cells)
    if n == 0:
        return sp.csr_array((0, 0), dtype=np.float64)
    disk = pl.Series(h3ronpy.grid_disk(cells, 1, flatten=False))
    lens = disk.list.len().to_numpy()
    flat = disk.explode().to_numpy().astype(np.uint64)
    rows = np.repeat(np.arange(n), lens)
    pos = np.searchsorted(cells, flat)
    pos[pos >= n] = 0
    ok = cells[pos] == flat
    weights = sp.csr_array((np.ones(int(ok.sum())), (rows[ok], pos[ok])), shape=(n, n))
    weights.sum_duplicates()
    weights.sort_indices()
    return weights


def queen_weights(geometries: np.ndarray, *, tolerance: float = 0.0) -> sp.csr_array:
    """Queen contiguity: areas sharing any boundary point are neighbours; self included.

    ``tolerance`` (in the geometries' units) also joins areas separated by less, for generalised
    boundaries that leave slivers between neighbours.
    """
    n = len(geometries)
    if n == 0:
        return sp.csr_array((0, 0), dtype=np.float64)
    tree = shapely.STRtree(geometries)
    if tolerance > 0:
        left, right = tree.query(geometries, predicate="dwithin", distance=tolerance)
    else:
        left, right = tree.query(geometries, predicate="intersects")
    rows = np.concatenate([left, right, np.arange(n)])
    cols = np.concatenate([right, left, np.arange(n)])
    weights = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    weights.data[:] = 1.0  # duplicates summed above; binary
    weights.sort_indices()
    return weights


def lsoa_grid(boundaries: Boundaries, *, tolerance: float = 0.0) -> AreaGrid:
    """LSOAs as the study areas, in code order, with Queen contiguity (self included)."""
    order = np.argsort(boundaries.codes.astype(str), kind="stable")
    codes = boundaries.codes[order].astype(str)
    weights = queen_weights(boundaries.geometries[order], tolerance=tolerance)
    notes = [f"{len(codes):,} areas from {boundaries.source} ({boundaries.code_field}); Queen contiguity"]
    if boundaries.repaired:
        notes.append(f"{boundaries.repaired} invalid polygons repaired with make_valid")
    grid = AreaGrid("lsoa", codes, codes.astype(object), weights, None, notes)
    if grid.islands.any():
        notes.append(f"{int(grid.islands.sum())} areas have no contiguous neighbour (islands: p = 1)")
    return grid


def code_grid(codes: Sequence[str]) -> AreaGrid:
    """Areas known only by code (no boundaries): no neighbours, so every area is an island.

    Counts and rates work; Gi* needs neighbours and will call every area 'not significant'.
    """
    keys = np.unique(np.asarray(list(codes), dtype=str))
    weights = sp.csr_array(sp.identity(len(keys), format="csr"))
    return AreaGrid("lsoa", keys, keys.astype(object), weights, None, ["areas by code only: no contiguity"])


def assign_rows(
    grid: AreaGrid,
    frame: pl.DataFrame,
    accounting: Accounting | None = None,
    *,
    examples: int = 10,
    cells: np.ndarray | None = None,
) -> np.ndarray:
    """Area position of each crime row (-1 when in no area). Rows in no area are counted, not lost:
    with ``accounting`` they are excluded there, with examples, and ``rows_kept`` goes down to match.
    ``cells``: each row's H3 cell at the grid's resolution, when the caller has them already."""
    if grid.kind == "h3":
        if grid.resolution is None:
            raise ValueError("an H3 grid needs its resolution")
        if cells is None:
            cells = point_cells(frame["lat"].to_numpy(), frame["lon"].to_numpy(), grid.resolution)
        index = grid.locate(cells)
    else:
        index = grid.locate(frame["lsoa_code"].fill_null("").to_numpy().astype(str))
    missing = index < 0
    if accounting is not None and missing.any():
        sample = frame.filter(pl.Series(missing)).head(examples)
        problems = [
            RowProblem(str(f), int(r), NOT_IN_GRID, f"Longitude={x}, Latitude={y}, LSOA code='{c or ''}'")
            for f, r, x, y, c in sample.select("source_file", "row", "lon", "lat", "lsoa_code").iter_rows()
        ]
        accounting.exclude(NOT_IN_GRID, int(missing.sum()), problems)
        accounting.rows_kept -= int(missing.sum())
        accounting.check()
    return index


def area_totals(index: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Sum per area (count, or the sum of ``weights``) of rows placed by :func:`assign_rows`."""
    ok = index >= 0
    w = None if weights is None else np.asarray(weights, dtype=np.float64)[ok]
    totals = np.bincount(index[ok], weights=w, minlength=n)
    return totals if weights is not None else totals.astype(np.int64)


def area_month_totals(index: np.ndarray, month_index: np.ndarray, n: int, months: int) -> np.ndarray:
    """Counts as an (areas x months) matrix, for emerging hot spot analysis."""
    ok = (index >= 0) & (month_index >= 0)
    flat = index[ok] * months + month_index[ok]
    return np.bincount(flat, minlength=n * months).reshape(n, months).astype(np.int64)
