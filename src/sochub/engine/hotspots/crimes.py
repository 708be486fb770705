"""Read police.uk street-level crime files, fast and honestly.

Accepts CSV files, folders (every ``*-street.csv`` below them, as in police.uk's ``YYYY-MM/`` layout),
several of either, and zip files (``*-street.csv`` members streamed with :mod:`zipfile`, nothing unpacked to
disk). Everything is read as text first and cast afterwards, so a bad cell costs one counted row, never the
whole file. Headers are matched loosely ("Crime ID", "crime_id" and "CRIME ID" are the same column), so the
benchmark generator's files read too.

Every row read is either kept or counted against one reason (checked in this order): blank row, no
coordinates, malformed coordinates, coordinates outside the bounds (England and Wales by default), month
not ``YYYY-MM``, no crime type, outside the study area (a polygon, or a set of LSOA codes). The first few
rows of each reason are listed with file and row number (the header is row 1; a quoted field spanning
lines would shift later numbers, which police.uk files never have). Anti-social behaviour rows (which have
no Crime ID) are kept and marked ``is_asb``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import shapely

from .errors import Accounting, DataError, RowProblem
from .reference import ASB, canonical_category
from .tables import Source, read_text_csv, require

# (lat min, lat max, lon min, lon max): England and Wales with a margin (Isles of Scilly to Berwick, and
# Anglesey to Lowestoft). Rows outside are counted, not used; pass ``bounds=None`` to skip the check.
ENGLAND_AND_WALES = (49.8, 55.9, -6.5, 2.0)

# The columns of a police.uk street-level file, as published.
STREET_COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
REQUIRED = ("month", "longitude", "latitude", "crime_type")
OPTIONAL = ("crime_id", "lsoa_code", "context", "falls_within")
OUTCOME_COLUMNS = ("crime_id", "month", "outcome_type")

NO_COORDINATES = "no coordinates"
MALFORMED_COORDINATES = "malformed coordinates (not a number, or not a latitude/longitude)"
OUTSIDE_BOUNDS = "coordinates outside the bounds (England and Wales by default)"
MALFORMED_MONTH = "month missing or not YYYY-MM"
NO_CRIME_TYPE = "no crime type"
BLANK_ROW = "blank row"
OUTSIDE_AREA = "outside the study area"
REASONS = (BLANK_ROW, NO_COORDINATES, MALFORMED_COORDINATES, OUTSIDE_BOUNDS, MALFORMED_MONTH, NO_CRIME_TYPE)


@dataclass
class CrimeData:
    """Usable rows, one per crime or ASB report, and the account of every row read.

    ``frame`` columns: month (Date, first of the month), crime_type (the police.uk category name when
    recognised, else the text as written), is_asb, lon, lat (Float64, WGS84), lsoa_code, crime_id,
    context, falls_within (String, null when empty), source_file, row (the row in that file), and
    ``outcome`` when outcomes were joined.
    """

    frame: pl.DataFrame
    accounting: Accounting
    months: list[date] = field(default_factory=list)


def _zip_members(path: Path, suffix: str) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(path, f"not a readable zip file ({exc})") from None
    return sorted(n for n in names if n.lower().endswith(suffix) and not n.endswith("/"))


def find_sources(paths: Sequence[str | Path], suffix: str = "-street.csv") -> list[Source]:
    """Files to read, in a stable order, each once (a file named twice, or inside a named folder, counts once)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    sources: list[Source] = []
    seen: set[tuple[Path, str | None]] = set()

    def add(source: Source) -> None:
        key = (source.path.resolve(), source.member)
        if key not in seen:
            seen.add(key)
            sources.append(source)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob(f"*{suffix}") if p.is_file())
            for p in found:
                add(Source(str(p), p))
        elif path.is_file() and path.suffix.lower() == ".zip":
            for member in _zip_members(path, suffix):
                add(Source(f"{path}!{member}", path, member))
        elif path.is_file():
            add(Source(str(path), path))
        else:
            raise DataError(path, "no such file or folder")
    return sources


def _tidy(frame: pl.DataFrame, label: str) -> pl.DataFrame:
    """Keep the columns we use, trimmed, empty text as null, with the file and row number of each row."""
    columns = [*REQUIRED, *OPTIONAL]
    blank = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in frame.columns]).alias(
        "_blank"
    )
    return frame.select(
        *[
            (pl.col(c).str.strip_chars().replace("", None) if c in frame.columns else pl.lit(None, pl.String)).alias(c)
            for c in columns
        ],
        blank,
        pl.lit(label).alias("source_file"),
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("row"),
    )


def _examples(frame: pl.DataFrame, reason: str, limit: int, detail: pl.Expr) -> list[RowProblem]:
    rows = frame.filter(pl.col("_reason") == reason).head(limit).select("source_file", "row", detail.alias("d"))
    return [RowProblem(f, int(r), reason, d or "") for f, r, d in rows.iter_rows()]


def _quoted(column: str, label: str) -> pl.Expr:
    return pl.format(f"{label}='{{}}'", pl.col(column).fill_null(""))


_DETAIL: dict[str, pl.Expr] = {
    BLANK_ROW: pl.lit(""),
    NO_COORDINATES: pl.concat_str([_quoted("longitude", "Longitude"), _quoted("latitude", "Latitude")], separator=", "),
    MALFORMED_COORDINATES: pl.concat_str(
        [_quoted("longitude", "Longitude"), _quoted("latitude", "Latitude")], separator=", "
    ),
    OUTSIDE_BOUNDS: pl.concat_str([_quoted("longitude", "Longitude"), _quoted("latitude", "Latitude")], separator=", "),
    MALFORMED_MONTH: _quoted("month", "Month"),
    NO_CRIME_TYPE: _quoted("crime_type", "Crime type"),
}


def read_crimes(
    paths: str | Path | Sequence[str | Path],
    *,
    area: shapely.Geometry | None = None,
    lsoa_codes: Collection[str] | None = None,
    bounds: tuple[float, float, float, float] | None = ENGLAND_AND_WALES,
    examples: int = 10,
    outcomes: bool = False,
) -> CrimeData:
    """Read police.uk street-level files into one frame of usable rows, with the account of the rest.

    ``area`` (a shapely polygon in longitude/latitude) or ``lsoa_codes`` (the study area's LSOAs, matched
    against the ``LSOA code`` column) sets the study area; rows outside it are counted and listed. With
    ``outcomes``, ``*-outcomes.csv`` files found the same way are joined on Crime ID (latest outcome).
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    accounting = Accounting()
    sources = find_sources(paths)
    if not sources:
        raise DataError(", ".join(str(p) for p in paths), "no *-street.csv files found")
    parts = []
    for source in sources:
        table = read_text_csv(source, accounting.messages)
        require(table, source.label, REQUIRED)
        parts.append(_tidy(table, source.label))
        accounting.files.append(source.label)
    raw = pl.concat(parts, how="vertical")
    accounting.rows_read = raw.height
    checked = _check(raw, bounds)
    for reason in REASONS:
        count = int((checked["_reason"] == reason).sum())
        accounting.exclude(reason, count, _examples(checked, reason, examples, _DETAIL[reason]))
    kept = checked.filter(pl.col("_reason").is_null())
    kept = _apply_area(kept, area, lsoa_codes, accounting, examples)
    frame = _finish(kept, accounting, examples)
    if outcomes:
        frame = _join_outcomes(frame, paths, accounting)
    accounting.rows_kept = frame.height
    accounting.check()
    months = sorted(frame["month"].unique().to_list())
    return CrimeData(frame=frame, accounting=accounting, months=months)


def _check(raw: pl.DataFrame, bounds: tuple[float, float, float, float] | None) -> pl.DataFrame:
    lon = pl.col("longitude").cast(pl.Float64, strict=False)
    lat = pl.col("latitude").cast(pl.Float64, strict=False)
    frame = raw.with_columns(
        lon.alias("lon"),
        lat.alias("lat"),
        pl.col("month").str.to_date("%Y-%m", strict=False).alias("_month"),
    )
    lon, lat = pl.col("lon"), pl.col("lat")
    bad_number = (
        lon.is_null() | lat.is_null() | ~lon.is_finite() | ~lat.is_finite() | (lat.abs() > 90) | (lon.abs() > 180)
    )
    outside = pl.lit(False)
    if bounds is not None:
        lat0, lat1, lon0, lon1 = bounds
        outside = ~(lat.is_between(lat0, lat1) & lon.is_between(lon0, lon1))
    reason = (
        pl.when(pl.col("_blank"))
        .then(pl.lit(BLANK_ROW))
        .when(pl.col("longitude").is_null() | pl.col("latitude").is_null())
        .then(pl.lit(NO_COORDINATES))
        .when(bad_number)
        .then(pl.lit(MALFORMED_COORDINATES))
        .when(outside)
        .then(pl.lit(OUTSIDE_BOUNDS))
        .when(pl.col("_month").is_null())
        .then(pl.lit(MALFORMED_MONTH))
        .when(pl.col("crime_type").is_null())
        .then(pl.lit(NO_CRIME_TYPE))
        .otherwise(pl.lit(None, pl.String))
    )
    return frame.with_columns(reason.alias("_reason"))


def _apply_area(
    kept: pl.DataFrame,
    area: shapely.Geometry | None,
    lsoa_codes: Collection[str] | None,
    accounting: Accounting,
    examples: int,
) -> pl.DataFrame:
    if area is None and lsoa_codes is None:
        return kept
    inside = np.ones(kept.height, dtype=bool)
    if area is not None:
        shapely.prepare(area)
        inside &= shapely.intersects_xy(area, kept["lon"].to_numpy(), kept["lat"].to_numpy())
    if lsoa_codes is not None:
        codes = pl.Series(list(lsoa_codes), dtype=pl.String)
        inside &= kept["lsoa_code"].is_in(codes.implode()).fill_null(False).to_numpy()
    marked = kept.with_columns(
        pl.when(pl.Series(inside)).then(pl.lit(None, pl.String)).otherwise(pl.lit(OUTSIDE_AREA)).alias("_reason")
    )
    detail = pl.format(
        "Longitude={}, Latitude={}, LSOA code='{}'",
        pl.col("longitude"),
        pl.col("latitude"),
        pl.col("lsoa_code").fill_null(""),
    )
    accounting.exclude(OUTSIDE_AREA, int((~inside).sum()), _examples(marked, OUTSIDE_AREA, examples, detail))
    return kept.filter(pl.Series(inside))


def _finish(kept: pl.DataFrame, accounting: Accounting, examples: int) -> pl.DataFrame:
    types = kept["crime_type"].unique().to_list()
    mapping = {t: canonical_category(t) or t for t in types}
    unrecognised = [t for t in types if canonical_category(t) is None]
    frame = kept.select(
        pl.col("_month").alias("month"),
        pl.col("crime_type").replace_strict(mapping, return_dtype=pl.String),
        "lon",
        "lat",
        "lsoa_code",
        "crime_id",
        "context",
        "falls_within",
        pl.col("source_file").cast(pl.Categorical),
        "row",
    ).with_columns((pl.col("crime_type") == ASB).alias("is_asb"))
    accounting.note("anti-social behaviour rows (kept, marked is_asb)", int(frame["is_asb"].sum()))
    accounting.note(
        "rows without a Crime ID that are not anti-social behaviour (kept)",
        int((frame["crime_id"].is_null() & ~frame["is_asb"]).sum()),
    )
    if unrecognised:
        odd = frame.filter(pl.col("crime_type").is_in(unrecognised))
        accounting.note("rows whose crime type is not a police.uk category (kept)", odd.height)
        accounting.messages.append(
            "crime types not among the 14 police.uk categories: "
            + ", ".join(repr(t) for t in sorted(unrecognised)[:examples])
        )
    ids = frame["crime_id"].drop_nulls()
    accounting.note("rows repeating a Crime ID already seen (kept)", ids.len() - ids.n_unique())
    return frame


def _join_outcomes(frame: pl.DataFrame, paths: Sequence[str | Path], accounting: Accounting) -> pl.DataFrame:
    """Latest outcome per Crime ID from ``*-outcomes.csv`` files beside the street files."""
    sources = [s for s in find_sources([p for p in paths if not _is_plain_csv(p)], "-outcomes.csv")]
    if not sources:
        accounting.messages.append("outcomes asked for, but no *-outcomes.csv files were found")
        return frame.with_columns(pl.lit(None, pl.String).alias("outcome"))
    parts = []
    for source in sources:
        table = read_text_csv(source, accounting.messages)
        require(table, source.label, OUTCOME_COLUMNS)
        parts.append(table.select([pl.col(c).str.strip_chars().replace("", None) for c in OUTCOME_COLUMNS]))
    latest = (
        pl.concat(parts)
        .drop_nulls("crime_id")
        .sort("month", nulls_last=False)
        .group_by("crime_id")
        .agg(pl.col("outcome_type").last().alias("outcome"))
    )
    joined = frame.join(latest, on="crime_id", how="left", maintain_order="left")
    with_id = joined.filter(pl.col("crime_id").is_not_null())
    matched = int(with_id["outcome"].is_not_null().sum())
    accounting.messages.append(
        f"outcomes: {len(sources)} file(s); {matched:,} of {with_id.height:,} crimes with a Crime ID have an outcome"
    )
    return joined


def _is_plain_csv(path: str | Path) -> bool:
    p = Path(path)
    return p.is_file() and p.suffix.lower() != ".zip"
