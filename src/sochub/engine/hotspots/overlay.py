"""Overlay layers on the study areas: population and rates, deprivation, point layers, areas of concern.

- Population by LSOA (e.g. IoD2019 File 6) gives rates per 1,000 residents. On an H3 grid each LSOA's
  population is split evenly over the cells whose centres fall inside it (an LSOA smaller than a cell goes
  to the cell holding its representative point), so the total is kept; say so beside any cell rate.
- Deprivation: the English IMD by LSOA (2019: 2011 codes; 2025: 2021 codes), joined through the ONS
  LSOA 2011 -> 2021 lookup when the codes differ. Unchanged and split LSOAs copy the decile (split ones
  flagged "inherited"); merged or irregular ones take the mean rank of their parts, re-decided with the
  index's own rank bands, flagged "approximate". Welsh and unknown LSOAs are kept and shown as "no
  deprivation data", never dropped. H3 cells take the LSOA holding their centre.
- Point layers (schools, care homes, exploitation locations, OCG addresses...) from CSV with latitude and
  longitude or OSGB36 easting and northing, converted with a pinned 7-parameter Helmert transformation
  (EPSG:1314 "OSGB36 to WGS 84 (6)", about 2 m; the OSTN15 grid is not shipped with pyproj, and the
  transformation is pinned so it can never fall back silently to PROJ's ballpark one).
- Areas of concern: an explainable weighted score (``reference/concern.yaml``) with the reasons in words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import shapely
from pyproj import Transformer

from .crimes import ENGLAND_AND_WALES, find_sources
from .errors import Accounting, DataError, RowProblem
from .grid import AreaGrid, Boundaries, cell_centres, point_cells
from .reference import ConcernSettings, load_concern, normalise_label
from .tables import Source, column_key, find_column, read_text_csv, whole_numbers

# EPSG:1314, "OSGB36 to WGS 84 (6)": British National Grid (EPSG:27700) to WGS84, as PROJ 9.5 defines it.
OSGB36_TO_WGS84 = (
    "+proj=pipeline +step +inv +proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 "
    "+ellps=airy +step +proj=push +v_3 +step +proj=cart +ellps=airy +step +proj=helmert +x=446.448 "
    "+y=-125.157 +z=542.06 +rx=0.15 +ry=0.247 +rz=0.842 +s=-20.489 +convention=position_vector +step +inv "
    "+proj=cart +ellps=WGS84 +step +proj=pop +v_3 +step +proj=unitconvert +xy_in=rad +xy_out=deg"
)
OSGB36_NOTE = "OSGB36 easting/northing converted with EPSG:1314 (7-parameter Helmert, about 2 m)"
# British National Grid extent (metres) used to reject impossible eastings and northings.
BNG_BOUNDS = (0.0, 700_000.0, 0.0, 1_300_000.0)

NO_DATA_WALES = "no deprivation data (Welsh LSOA: the English IMD does not cover Wales)"
NO_DATA_UNKNOWN = "no deprivation data (LSOA not in the index)"
NO_DATA_NO_LSOA = "no deprivation data (no LSOA for this area)"


# --- population and rates -------------------------------------------------------------------------------


def read_population(path: str | Path, *, column: str | None = None) -> pl.DataFrame:
    """LSOA code and population from a CSV (IoD2019 File 6 works as it is; thousands separators allowed).

    The code column is the first whose header names an LSOA code (or ``code``); the population column is
    ``column`` (a header, matched loosely) or the first header starting "total population" or "population".
    """
    label = str(path)
    frame = read_text_csv(path)
    code = _code_column(frame, label)
    wanted = None
    if column is not None:
        wanted = column_key(column)
        if wanted not in frame.columns:
            raise DataError(label, f"no column {column!r} (the header has {', '.join(frame.columns)})", row=1)
    value = wanted or find_column(frame, r"total_population.*", r"population.*", r"all_ages", r"usual_residents.*")
    if value is None:
        raise DataError(label, "no population column (a header starting 'Total population' or 'Population')", row=1)
    out = pl.DataFrame({"lsoa_code": _codes(frame, code, label), "population": whole_numbers(frame, value, label)})
    _no_repeats(out, label)
    return out


def rate_per_1000(count: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Count per 1,000 residents; NaN where the population is unknown or 0."""
    count = np.asarray(count, dtype=np.float64)
    population = np.asarray(population, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(population) & (population > 0), 1000.0 * count / population, np.nan)


def area_population(
    grid: AreaGrid, population: pl.DataFrame, boundaries: Boundaries | None = None
) -> tuple[np.ndarray, list[str]]:
    """Population per area of the grid (NaN where unknown), and notes on how it was placed."""
    lookup = dict(zip(population["lsoa_code"].to_list(), population["population"].to_list(), strict=True))
    if grid.kind == "lsoa":
        values = np.array([lookup.get(code, np.nan) for code in grid.keys.astype(str)], dtype=np.float64)
        missing = int(np.isnan(values).sum())
        notes = [f"{missing} areas have no population figure"] if missing else []
        return values, notes
    if boundaries is None:
        return np.full(grid.n, np.nan), ["population per cell needs LSOA boundaries"]
    centre_lsoa = _cells_in_polygons(grid, boundaries)
    out = np.zeros(grid.n)
    placed = 0.0
    unplaced: list[str] = []
    per_lsoa = np.bincount(centre_lsoa[centre_lsoa >= 0], minlength=len(boundaries.codes))
    points = shapely.point_on_surface(boundaries.geometries)
    fallback = grid.locate(point_cells(shapely.get_y(points), shapely.get_x(points), grid.resolution or 8))
    for k, code in enumerate(boundaries.codes.astype(str)):
        people = lookup.get(code)
        if people is None:
            unplaced.append(code)
            continue
        if per_lsoa[k]:
            out[centre_lsoa == k] += people / per_lsoa[k]
        elif fallback[k] >= 0:
            out[fallback[k]] += people
        else:
            unplaced.append(code)
            continue
        placed += people
    covered = np.zeros(grid.n, dtype=bool)
    covered[centre_lsoa >= 0] = True
    covered[fallback[fallback >= 0]] = True
    out[~covered] = np.nan
    notes = [
        f"population {placed:,.0f} placed on cells: each LSOA's split evenly over the cells whose centres "
        "fall inside it (an approximation)"
    ]
    if unplaced:
        notes.append(f"{len(unplaced)} LSOAs without a population figure or a cell: {', '.join(unplaced[:10])}")
    return out, notes


def _cells_in_polygons(grid: AreaGrid, boundaries: Boundaries) -> np.ndarray:
    """Index into ``boundaries`` of the polygon holding each cell's centre (-1 for none)."""
    lat, lon = cell_centres(grid.keys)
    tree = shapely.STRtree(boundaries.geometries)
    which, poly = tree.query(shapely.points(lon, lat), predicate="intersects")
    out = np.full(grid.n, -1, dtype=np.int64)
    out[which[::-1]] = poly[::-1]  # first match wins
    return out


def area_lsoas(
    grid: AreaGrid,
    *,
    boundaries: Boundaries | None = None,
    crimes: pl.DataFrame | None = None,
    index: np.ndarray | None = None,
) -> np.ndarray:
    """The LSOA code of each area (None where unknown): the code itself for LSOA grids; for H3 cells the
    LSOA holding the cell's centre, or without boundaries the commonest LSOA code among its crime rows."""
    if grid.kind == "lsoa":
        return grid.keys.astype(object)
    out = np.full(grid.n, None, dtype=object)
    if boundaries is not None:
        which = _cells_in_polygons(grid, boundaries)
        out[which >= 0] = boundaries.codes[which[which >= 0]]
        return out
    if crimes is not None and index is not None:
        placed = (
            pl.DataFrame({"area": index, "lsoa": crimes["lsoa_code"]})
            .filter((pl.col("area") >= 0) & pl.col("lsoa").is_not_null())
            .group_by("area", "lsoa")
            .len()
            .sort(["area", "len", "lsoa"], descending=[False, True, False])
            .unique("area", keep="first")
        )
        out[placed["area"].to_numpy()] = placed["lsoa"].to_numpy()
    return out


# --- deprivation ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deprivation:
    """An IMD file: ``frame`` (lsoa_code, rank, decile), the LSOA code year and a label ("IMD 2019")."""

    frame: pl.DataFrame
    code_year: int
    label: str
    source: str

    def decile_of_rank(self, rank: np.ndarray) -> np.ndarray:
        """Decile for a (mean) rank, using the file's own rank bands."""
        bands = self.frame.group_by("decile").agg(pl.col("rank").max()).sort("decile")
        tops = bands["rank"].to_numpy()
        return np.minimum(np.searchsorted(tops, np.asarray(rank, dtype=np.float64), side="left"), len(tops) - 1) + (
            int(bands["decile"][0])
        )


def read_imd(path: str | Path, *, code_year: int | None = None, label: str | None = None) -> Deprivation:
    """IMD rank and decile by LSOA (IoD2019 File 1 or File 2, or the 2025 equivalents).

    The LSOA code year comes from the header ("LSOA code (2011)") unless given; the label defaults to
    "IMD 2019" for 2011 codes and "IMD 2025" for 2021 codes.
    """
    source = str(path)
    frame = read_text_csv(path)
    code = _code_column(frame, source)
    rank = find_column(frame, r"index_of_multiple_deprivation.*rank.*", r"imd_rank.*", r".*imd.*rank.*")
    decile = find_column(frame, r"index_of_multiple_deprivation.*decile.*", r"imd_decile.*", r".*imd.*decile.*")
    if rank is None or decile is None:
        raise DataError(source, "no IMD rank and decile columns (headers naming 'IMD' with 'Rank' and 'Decile')", row=1)
    found = re.search(r"20(11|21)", code) or re.search(r"(11|21)cd", code)
    year = code_year or (2000 + int(found.group(1)) if found else None)
    if year is None:
        raise DataError(source, f"cannot tell the LSOA code year from the column {code!r}: pass code_year", row=1)
    deciles = whole_numbers(frame, decile, source)
    bad = ~deciles.is_between(1, 10)
    if bad.any():
        first = int(bad.arg_true()[0])
        raise DataError(source, f"decile {deciles[first]} is not 1 to 10", row=first + 2, column=decile)
    out = pl.DataFrame(
        {"lsoa_code": _codes(frame, code, source), "rank": whole_numbers(frame, rank, source), "decile": deciles}
    )
    _no_repeats(out, source)
    return Deprivation(out, year, label or ("IMD 2019" if year == 2011 else "IMD 2025"), source)


def read_lsoa_lookup(path: str | Path) -> pl.DataFrame:
    """The ONS LSOA (2011) to LSOA (2021) lookup: lsoa11, lsoa21, change (U, S, M or X)."""
    source = str(path)
    frame = read_text_csv(path)
    old = find_column(frame, r"lsoa11cd", r"lsoa_?2011_?cd", r"lsoa.*2011.*code.*", r"lsoa.*code.*2011.*")
    new = find_column(frame, r"lsoa21cd", r"lsoa_?2021_?cd", r"lsoa.*2021.*code.*", r"lsoa.*code.*2021.*")
    change = find_column(frame, r"chgind", r"change.*")
    if old is None or new is None:
        raise DataError(source, "expected columns LSOA11CD and LSOA21CD (and CHGIND)", row=1)
    return pl.DataFrame(
        {
            "lsoa11": _codes(frame, old, source),
            "lsoa21": _codes(frame, new, source),
            "change": frame[change].str.strip_chars().str.to_uppercase() if change else pl.lit("?", pl.String),
        }
    )


def deprivation_for(codes: Sequence[str | None], imd: Deprivation, lookup: pl.DataFrame | None = None) -> pl.DataFrame:
    """Decile, rank and a status per code, in order; nothing is dropped.

    ``status`` says where the value came from: the index directly, through the lookup (unchanged, split:
    inherited, merged or irregular: approximate), or why there is none (Welsh LSOA, unknown, no LSOA).
    """
    ranks = dict(zip(imd.frame["lsoa_code"].to_list(), imd.frame["rank"].to_list(), strict=True))
    deciles = dict(zip(imd.frame["lsoa_code"].to_list(), imd.frame["decile"].to_list(), strict=True))
    mapping: dict[str, list[tuple[str, str]]] = {}
    if lookup is not None:
        here, there = ("lsoa21", "lsoa11") if imd.code_year == 2011 else ("lsoa11", "lsoa21")
        for a, b, change in lookup.select(here, there, "change").iter_rows():
            mapping.setdefault(a, []).append((b, change or "?"))
    rows: list[tuple[float | None, int | None, str]] = []
    for code in codes:
        rows.append(_deprivation_of(code, ranks, deciles, mapping, imd))
    out_rank = [r for r, _, _ in rows]
    out_decile = [d for _, d, _ in rows]
    status = [s for _, _, s in rows]
    return pl.DataFrame(
        {
            "lsoa_code": pl.Series(list(codes), dtype=pl.String),
            "imd_rank": pl.Series(out_rank, dtype=pl.Float64),
            "imd_decile": pl.Series(out_decile, dtype=pl.Int8),
            "deprivation_status": pl.Series(status, dtype=pl.String),
        }
    )


def _deprivation_of(
    code: str | None,
    ranks: dict[str, int],
    deciles: dict[str, int],
    mapping: dict[str, list[tuple[str, str]]],
    imd: Deprivation,
) -> tuple[float | None, int | None, str]:
    if not code:
        return None, None, NO_DATA_NO_LSOA
    if code in ranks:
        return float(ranks[code]), int(deciles[code]), imd.label
    parts = [(other, change) for other, change in mapping.get(code, []) if other in ranks]
    if len(parts) == 1:
        other, change = parts[0]
        kind = {"S": "split: inherited", "U": "unchanged"}.get(change, "approximate")
        return float(ranks[other]), int(deciles[other]), f"{imd.label} via the ONS lookup ({kind}, from {other})"
    if parts:
        mean_rank = float(np.mean([ranks[other] for other, _ in parts]))
        changes = "/".join(sorted({change for _, change in parts}))
        return (
            mean_rank,
            int(imd.decile_of_rank(np.array([mean_rank]))[0]),
            f"{imd.label} via the ONS lookup (approximate: mean rank of {len(parts)} LSOAs, change {changes})",
        )
    return None, None, NO_DATA_WALES if code.startswith("W") else NO_DATA_UNKNOWN


def _code_column(frame: pl.DataFrame, label: str) -> str:
    code = find_column(frame, r"lsoa\d\dcd", r"lsoa_code.*", r"lsoa.*code.*", r"code", r"geography_code", r"area_code")
    if code is None:
        raise DataError(label, "no LSOA code column (a header such as 'LSOA code (2011)' or 'LSOA11CD')", row=1)
    return code


def _codes(frame: pl.DataFrame, column: str, label: str) -> pl.Series:
    codes = frame[column].str.strip_chars()
    empty = codes.is_null() | (codes == "")
    if empty.any():
        first = int(empty.arg_true()[0])
        raise DataError(label, "empty LSOA code", row=first + 2, column=column)
    return codes


def _no_repeats(frame: pl.DataFrame, label: str) -> None:
    repeat = ~frame["lsoa_code"].is_first_distinct()
    if repeat.any():
        first = int(repeat.arg_true()[0])
        raise DataError(label, f"the LSOA {frame['lsoa_code'][first]!r} appears more than once", row=first + 2)


# --- point layers ---------------------------------------------------------------------------------------


@cache
def _osgb36() -> Transformer:
    return Transformer.from_pipeline(OSGB36_TO_WGS84)


def osgb36_to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) from British National Grid metres with the pinned EPSG:1314 Helmert (about 2 m)."""
    lon, lat = _osgb36().transform(np.asarray(easting, dtype=np.float64), np.asarray(northing, dtype=np.float64))
    return np.asarray(lon), np.asarray(lat)


@dataclass
class PointLayer:
    """Usable points of one layer (WGS84) with the account of the rows left out."""

    name: str
    lat: np.ndarray
    lon: np.ndarray
    accounting: Accounting
    coordinates: str  # "latitude/longitude" or OSGB36_NOTE
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


def read_points(
    path: str | Path | Source,
    name: str | None = None,
    *,
    bounds: tuple[float, float, float, float] | None = ENGLAND_AND_WALES,
    examples: int = 10,
) -> PointLayer:
    """A point layer from CSV: latitude/longitude columns (lat, lon, long, lng...) or, failing those,
    easting/northing (OSGB36). Rows without coordinates, with malformed ones or outside the bounds are
    counted with examples, never dropped silently."""
    label = path.label if isinstance(path, Source) else str(path)
    accounting = Accounting(files=[label])
    frame = read_text_csv(path, accounting.messages)
    lat_col = find_column(frame, r"latitude", r"lat", r"y_lat", r"lat_wgs84")
    lon_col = find_column(frame, r"longitude", r"lon", r"long", r"lng", r"x_lon", r"lon_wgs84")
    east_col = find_column(frame, r"easting", r"eastings", r"bng_e", r"east", r"x")
    north_col = find_column(frame, r"northing", r"northings", r"bng_n", r"north", r"y")
    if lat_col and lon_col:
        a, b, how = lat_col, lon_col, "latitude/longitude"
    elif east_col and north_col:
        a, b, how = east_col, north_col, OSGB36_NOTE
    else:
        raise DataError(label, "needs latitude and longitude columns, or easting and northing (OSGB36) columns", row=1)
    first = frame[a].str.strip_chars().replace("", None)
    second = frame[b].str.strip_chars().replace("", None)
    x1 = first.cast(pl.Float64, strict=False).to_numpy()
    x2 = second.cast(pl.Float64, strict=False).to_numpy()
    missing = (first.is_null() | second.is_null()).to_numpy()
    malformed = ~missing & ~(np.isfinite(x1) & np.isfinite(x2))
    if how == OSGB36_NOTE:
        e0, e1, n0, n1 = BNG_BOUNDS
        malformed |= ~missing & ~malformed & ~((x1 >= e0) & (x1 <= e1) & (x2 >= n0) & (x2 <= n1))
        lon, lat = np.full(len(x1), np.nan), np.full(len(x1), np.nan)
        ok = ~missing & ~malformed
        lon[ok], lat[ok] = osgb36_to_wgs84(x1[ok], x2[ok])
    else:
        lat, lon = x1, x2
        malformed |= ~missing & ~malformed & ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    outside = np.zeros(len(x1), dtype=bool)
    if bounds is not None:
        lat0, lat1, lon0, lon1 = bounds
        checked = ~missing & ~malformed
        la, lo = lat[checked], lon[checked]
        outside[checked] = ~((la >= lat0) & (la <= lat1) & (lo >= lon0) & (lo <= lon1))
    rows = np.arange(2, len(x1) + 2)
    raw1, raw2 = first.fill_null("").to_list(), second.fill_null("").to_list()
    for reason, mask in (
        ("no coordinates", missing),
        ("malformed coordinates", malformed),
        ("coordinates outside the bounds (England and Wales by default)", outside),
    ):
        where = np.flatnonzero(mask)
        accounting.exclude(
            reason,
            len(where),
            [RowProblem(label, int(rows[i]), reason, f"{a}='{raw1[i]}', {b}='{raw2[i]}'") for i in where[:examples]],
        )
    keep = ~missing & ~malformed & ~outside
    accounting.rows_read = len(x1)
    accounting.rows_kept = int(keep.sum())
    accounting.check()
    stem = Path(path.member or path.path).stem if isinstance(path, Source) else Path(path).stem
    return PointLayer(name or stem, lat[keep], lon[keep], accounting, how, rows[keep])


STOP_AND_SEARCH = "stop and search"


def read_stop_and_search(paths: Sequence[str | Path], *, examples: int = 10) -> PointLayer:
    """police.uk stop-and-search files (files, folders or zips, found like the street files) as one point
    layer. Many searches are published without a location: they are counted as "no coordinates"."""
    sources = find_sources(paths, suffix="-stop-and-search.csv")
    if not sources:
        raise DataError(", ".join(str(p) for p in paths), "no *-stop-and-search.csv files found")
    parts = [read_points(source, STOP_AND_SEARCH, examples=examples) for source in sources]
    accounting = Accounting(files=[f for p in parts for f in p.accounting.files])
    for part in parts:
        accounting.rows_read += part.accounting.rows_read
        accounting.rows_kept += part.accounting.rows_kept
        accounting.messages += part.accounting.messages
        for reason, count in part.accounting.excluded.items():
            accounting.exclude(reason, count, [e for e in part.accounting.examples if e.reason == reason])
    accounting.check()
    return PointLayer(
        STOP_AND_SEARCH,
        np.concatenate([p.lat for p in parts]),
        np.concatenate([p.lon for p in parts]),
        accounting,
        "latitude/longitude",
        np.concatenate([p.rows for p in parts]),
    )


def points_per_area(layer: PointLayer, grid: AreaGrid, boundaries: Boundaries | None = None) -> tuple[np.ndarray, int]:
    """Points of the layer in each area, and how many fell in no area (outside the study area)."""
    if grid.kind == "h3":
        index = grid.locate(point_cells(layer.lat, layer.lon, grid.resolution or 8))
    else:
        if boundaries is None:
            raise ValueError("counting points in LSOAs needs their boundaries")
        tree = shapely.STRtree(boundaries.geometries)
        which, poly = tree.query(shapely.points(layer.lon, layer.lat), predicate="intersects")
        polygon = np.full(len(layer.lat), -1, dtype=np.int64)
        polygon[which[::-1]] = poly[::-1]
        index = np.full(len(layer.lat), -1, dtype=np.int64)
        found = polygon >= 0
        index[found] = grid.locate(boundaries.codes[polygon[found]].astype(str))
    inside = index >= 0
    return np.bincount(index[inside], minlength=grid.n).astype(np.int64), int((~inside).sum())


# --- areas of concern -----------------------------------------------------------------------------------


def _class_text(name: str) -> str:
    return f"{name.split()[1]}% confidence"


def areas_of_concern(
    area_ids: np.ndarray,
    *,
    soc_class: np.ndarray,
    harm_class: np.ndarray,
    soc_count: np.ndarray,
    harm: np.ndarray,
    imd_decile: np.ndarray | None = None,
    deprivation_status: np.ndarray | None = None,
    points: Mapping[str, np.ndarray] | None = None,
    settings: ConcernSettings | None = None,
    imd_label: str = "IMD",
) -> pl.DataFrame:
    """Rank areas by an explainable score; list only areas with a trigger (a SOC or harm hot spot, or an
    OCG address), each with its reasons in words.

    All arrays are aligned with ``area_ids`` (grid order). ``imd_decile`` uses NaN (or a masked value) for
    no data; ``points`` maps a layer name to its count per area; layers named in ``settings.ocg_layers``
    count as OCG addresses, the rest as vulnerability points. Components without data (no IMD, no layers
    of a kind) drop out and the weights are rescaled over the rest.
    """
    settings = settings or load_concern()
    n = len(area_ids)
    points = dict(points or {})
    ocg_names = [k for k in points if normalise_label(k) in settings.ocg_layers]
    vulnerable_names = [k for k in points if k not in ocg_names]
    vulnerability = sum((np.asarray(points[k]) for k in vulnerable_names), np.zeros(n))
    ocg = sum((np.asarray(points[k]) for k in ocg_names), np.zeros(n))
    decile = None if imd_decile is None else np.asarray(imd_decile, dtype=np.float64)
    scores = {
        "soc_hotspot": np.array([settings.class_scores.get(c, 0.0) for c in soc_class]),
        "harm_hotspot": np.array([settings.class_scores.get(c, 0.0) for c in harm_class]),
        "deprivation": np.zeros(n) if decile is None else np.nan_to_num((10.0 - decile) / 9.0, nan=0.0),
        "vulnerability": np.minimum(1.0, vulnerability / settings.vulnerability_full_at),
        "ocg": np.minimum(1.0, ocg / settings.ocg_full_at),
    }
    available = {
        "soc_hotspot": True,
        "harm_hotspot": True,
        "deprivation": decile is not None,
        "vulnerability": bool(vulnerable_names),
        "ocg": bool(ocg_names),
    }
    weights = {k: (w if available[k] else 0.0) for k, w in settings.weights.items()}
    total = sum(weights.values()) or 1.0
    score = sum((weights[k] / total) * scores[k] for k in weights)
    trigger = (scores["soc_hotspot"] > 0) | (scores["harm_hotspot"] > 0) | (ocg > 0)
    reasons: list[str] = []
    for i in range(n):
        if not trigger[i]:
            reasons.append("")
            continue
        why = []
        if scores["soc_hotspot"][i] > 0:
            why.append(f"SOC-related crime hot spot ({_class_text(soc_class[i])}; {int(soc_count[i])} crimes)")
        if scores["harm_hotspot"][i] > 0:
            why.append(f"harm hot spot ({_class_text(harm_class[i])}; harm {harm[i]:,.0f})")
        if decile is not None:
            if np.isnan(decile[i]):
                status = None if deprivation_status is None else deprivation_status[i]
                why.append(str(status or "no deprivation data"))
            elif decile[i] <= settings.most_deprived_deciles:
                d = int(decile[i])
                why.append(f"{imd_label} decile {d} (among the {10 * d}% most deprived LSOAs)")
        if vulnerability[i] > 0:
            parts = ", ".join(f"{int(points[k][i])} {k}" for k in vulnerable_names if points[k][i] > 0)
            why.append(f"{int(vulnerability[i])} vulnerability points ({parts})")
        if ocg[i] > 0:
            why.append(f"{int(ocg[i])} OCG address{'es' if ocg[i] != 1 else ''}")
        reasons.append("; ".join(why))
    table = pl.DataFrame(
        {
            "area_id": pl.Series(np.asarray(area_ids).astype(str), dtype=pl.String),
            "score": np.round(score, 6),
            "soc_hotspot_class": pl.Series(np.asarray(soc_class).astype(str), dtype=pl.String),
            "harm_hotspot_class": pl.Series(np.asarray(harm_class).astype(str), dtype=pl.String),
            "soc_count": np.asarray(soc_count, dtype=np.int64),
            "harm": np.asarray(harm, dtype=np.float64),
            "imd_decile": pl.Series(
                None if decile is None else [None if np.isnan(d) else int(d) for d in decile], dtype=pl.Int8
            )
            if decile is not None
            else pl.Series([None] * n, dtype=pl.Int8),
            "vulnerability_points": vulnerability.astype(np.int64),
            "ocg_addresses": ocg.astype(np.int64),
            **{f"score_{k}": np.round((weights[k] / total) * scores[k], 6) for k in weights},
            "reasons": reasons,
            "_trigger": trigger,
        }
    )
    ranked = (
        table.filter(pl.col("_trigger"))
        .drop("_trigger")
        .sort(["score", "soc_count", "area_id"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
    )
    return ranked
