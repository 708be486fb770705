"""Files a profile writes: the tables, the map layer, the figures and a summary the web pages read back.

The report itself (HTML and PDF) is rendered by the ``profiles`` app from the same result, so the CLI and
the web job give the same report.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import shapely

from . import figures
from .gistar import CLASSES
from .profile import ProfileResult, ocg_layers

HOTSPOT_COLUMNS = ("area_id", "count", "harm", "gi_z", "gi_z_harm", "p_value", "p_fdr", "hotspot_class")
FIGURES = {
    "map-hotspots.png": "Hot spots of all crime and anti-social behaviour (Gi*, FDR-adjusted)",
    "map-harm.png": "Hot spots of harm-weighted crime",
    "map-soc.png": "Hot spots of SOC-related crime",
    "map-deprivation.png": "Deprivation decile (1 = most deprived 10%)",
    "map-concern.png": "Areas of concern (score)",
    "chart-trends.png": "Crimes per month by type",
    "chart-soc.png": "SOC-related crime per month",
    "chart-categories.png": "Crimes by type over the period",
}


def write_tables(result: ProfileResult, out: Path) -> list[Path]:
    """hotspots.csv (the issue's columns first), areas_of_concern.csv, areas.csv, trends.csv and
    rows_left_out.csv (each reason's count and the first rows, with file and row, to fix and re-run)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    hotspots = result.hotspots.select(*HOTSPOT_COLUMNS, pl.exclude(*HOTSPOT_COLUMNS))
    for name, frame in (
        ("hotspots.csv", hotspots),
        ("areas_of_concern.csv", result.concerns),
        ("areas.csv", result.areas),
        ("trends.csv", result.trends),
        ("rows_left_out.csv", rows_left_out(result)),
    ):
        path = out / name
        frame.write_csv(path, float_precision=6)
        written.append(path)
    return written


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/;,()'\"]+/)+([^\s/;,()'\"]+)")


def file_label(name: str) -> str:
    """A file's base name only (no server path); for a zip member ``archive.zip!dir/file.csv``, both
    base names (``archive.zip: file.csv``)."""
    parts = [re.split(r"[\\/]", part)[-1] for part in str(name).split("!")]
    return ": ".join(p for p in parts if p) or str(name)


def without_paths(text: str) -> str:
    """Absolute server paths in a note replaced by the file's base name."""
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1), str(text))


def rows_left_out(result: ProfileResult) -> pl.DataFrame:
    """One row per reason with its count (``rows``), then the example rows the reader kept, each with its
    file, row number and values, so they can be fixed and the profile re-run."""
    rows: list[dict[str, Any]] = []
    shown = {**result.point_layers, **result.context_layers}
    layers = [("crimes", result.crimes.accounting)] + [(n, p.accounting) for n, p in shown.items()]
    for layer, accounting in layers:
        for reason, count in accounting.excluded.items():
            rows.append({"layer": layer, "reason": reason, "rows": count, "file": None, "row": None, "detail": None})
        for problem in accounting.examples:
            rows.append(
                {
                    "layer": layer,
                    "reason": problem.reason,
                    "rows": None,
                    "file": problem.file,
                    "row": problem.row,
                    "detail": problem.detail,
                }
            )
    schema = {
        "layer": pl.String,
        "reason": pl.String,
        "rows": pl.Int64,
        "file": pl.String,
        "row": pl.Int64,
        "detail": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def area_geojson(result: ProfileResult) -> dict[str, Any]:
    """The study areas as a GeoJSON FeatureCollection with the table's values, for the interactive map.
    Coordinates are rounded to 5 decimals (about 1 m)."""
    polygons = figures.area_polygons(result.grid, result.boundaries)
    concern = dict(zip(result.concerns["area_id"].to_list(), result.concerns["rank"].to_list(), strict=True))
    features = []
    for ring, row in zip(polygons, result.areas.iter_rows(named=True), strict=True):
        properties = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        properties["concern_rank"] = concern.get(row["area_id"])
        parts = ring if isinstance(ring, list) else [ring]
        coordinates = [[np.round(np.asarray(part), 5).tolist()] for part in parts if len(part)]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def points_geojson(result: ProfileResult) -> dict[str, Any]:
    """Point layers as GeoJSON (layer name in ``properties.layer``), except OCG addresses (counts only)."""
    hidden = set(ocg_layers(result))
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(x), 5), round(float(y), 5)]},
            "properties": {"layer": name},
        }
        for name, layer in {**result.point_layers, **result.context_layers}.items()
        if name not in hidden
        for y, x in zip(layer.lat, layer.lon, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def study_bounds(result: ProfileResult) -> list[float]:
    """[south, west, north, east] of the study areas (for fitting the map)."""
    if result.boundaries is not None:
        west, south, east, north = shapely.total_bounds(result.boundaries.geometries)
    elif result.crimes.frame.height:
        frame = result.crimes.frame
        south, north = float(frame["lat"].min()), float(frame["lat"].max())  # type: ignore[arg-type]
        west, east = float(frame["lon"].min()), float(frame["lon"].max())  # type: ignore[arg-type]
    else:
        return [49.8, -6.5, 55.9, 2.0]
    return [round(float(v), 5) for v in (south, west, north, east)]


def write_figures(result: ProfileResult, out: Path) -> dict[str, Path]:
    """The static maps and charts as PNG (for the report and for slides)."""
    out.mkdir(parents=True, exist_ok=True)
    grid, boundaries = result.grid, result.boundaries
    caption = "Contains public sector information licensed under the Open Government Licence v3.0."
    # OCG addresses are personal data: maps show them only as counts per area, never as points.
    hidden = set(ocg_layers(result))
    points = {name: (p.lat, p.lon) for name, p in result.point_layers.items() if name not in hidden}
    areas = result.areas
    decile = areas["imd_decile"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    score = np.full(grid.n, np.nan)
    position = {a: i for i, a in enumerate(areas["area_id"].to_list())}
    for area, value in zip(result.concerns["area_id"].to_list(), result.concerns["score"].to_list(), strict=True):
        score[position[area]] = value
    months = result.months
    by_type = {
        t: result.trends.filter(pl.col("crime_type") == t)["count"].to_numpy()
        for t in result.categories["crime_type"].to_list()
    }
    soc = {t: by_type[t] for t in result.categories.filter(pl.col("soc"))["crime_type"].to_list()}
    images = {
        "map-hotspots.png": figures.hotspot_map(
            grid,
            result.on_count.classes,
            title=FIGURES["map-hotspots.png"],
            boundaries=boundaries,
            points=points,
            caption=caption,
        ),
        "map-harm.png": figures.hotspot_map(
            grid, result.on_harm.classes, title=FIGURES["map-harm.png"], boundaries=boundaries, caption=caption
        ),
        "map-soc.png": figures.hotspot_map(
            grid,
            result.on_soc.classes,
            title=FIGURES["map-soc.png"],
            boundaries=boundaries,
            points=points,
            caption=caption,
        ),
        "map-concern.png": figures.value_map(
            grid,
            score,
            title=FIGURES["map-concern.png"],
            legend="concern score (0 to 1)",
            boundaries=boundaries,
            cmap="magma_r",
            missing_label="not an area of concern",
            caption=caption,
        ),
        "chart-trends.png": figures.trend_chart(months, by_type, title=FIGURES["chart-trends.png"]),
        "chart-soc.png": figures.trend_chart(months, soc, title=FIGURES["chart-soc.png"]),
        "chart-categories.png": figures.bar_chart(
            result.categories["crime_type"].to_list(),
            result.categories["count"].to_list(),
            title=FIGURES["chart-categories.png"],
            xlabel="crimes and ASB incidents",
        ),
    }
    if result.deprivation is not None:
        images["map-deprivation.png"] = figures.value_map(
            grid,
            decile,
            title=FIGURES["map-deprivation.png"],
            legend=f"{result.deprivation.label} decile",
            boundaries=boundaries,
            cmap="RdYlBu",
            missing_label="no deprivation data",
            caption=caption,
        )
    written = {}
    for name, data in images.items():
        path = out / name
        path.write_bytes(data)
        written[name] = path
    return written


def summary(result: ProfileResult) -> dict[str, Any]:
    """What the web pages show without re-running the profile: counts, notes, findings, sources, timings."""
    accounting = result.crimes.accounting
    return {
        "area_name": result.inputs.area_name,
        "period": result.period,
        "months": [m.isoformat() for m in result.months],
        "grid": {"kind": result.grid.kind, "resolution": result.grid.resolution, "areas": result.grid.n},
        "rows": {
            "read": accounting.rows_read,
            "used": accounting.rows_kept,
            "left_out": accounting.excluded,
            "notes": accounting.notes,
            "lines": [without_paths(line) for line in accounting.summary()],
        },
        "classes": {
            "counts": result.on_count.counts(),
            "harm": result.on_harm.counts(),
            "soc": result.on_soc.counts(),
        },
        "class_order": list(CLASSES),
        "emerging": {k: v for k, v in result.emerging.counts().items() if v},
        "categories": result.categories.to_dicts(),
        "concerns": result.concerns.head(50).to_dicts(),
        "findings": [asdict(f) for f in result.findings],
        "sources": [{**asdict(s), "files": [file_label(f) for f in s.files]} for s in result.sources],
        "notes": [without_paths(note) for note in result.notes],
        "timings": result.timings,
        "bounds": study_bounds(result),
        "point_layers": {n: len(p.lat) for n, p in {**result.point_layers, **result.context_layers}.items()},
        "references": {
            "harm": f"{result.harm_reference.name} {result.harm_reference.version}",
            "soc": f"{result.soc_reference.name} {result.soc_reference.version}",
            "concern": f"{result.concern_reference.name} {result.concern_reference.version}",
        },
    }


def write_map_data(result: ProfileResult, out: Path) -> list[Path]:
    """areas.geojson, points.geojson and summary.json for the web map and pages."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "areas.geojson": area_geojson(result),
        "points.geojson": points_geojson(result),
        "summary.json": summary(result),
    }
    written = []
    for name, data in files.items():
        path = out / name
        path.write_text(json.dumps(data, default=str, separators=(",", ":")), encoding="utf-8")
        written.append(path)
    return written
