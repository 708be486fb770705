"""One SOC local profile, from files to findings: the pipeline the CLI, the web job and a notebook share.

``build_profile`` reads every layer, places crimes on the study grid, runs Gi* (counts, harm and
SOC-related counts), emerging hot spots over months, the overlay and the areas of concern, and turns the
results into plain-English findings, each with a stable key so a 4P action stays tied to it when the
profile is refreshed with a new month. Nothing here writes files (see :mod:`.outputs`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from .aggregate import AreaTotals, aggregate
from .crimes import CrimeData, read_crimes
from .emerging import Emerging, emerging_hotspots
from .errors import Accounting, DataError
from .gistar import DEFAULT_PERMUTATIONS, DEFAULT_SEED, GiStar, gi_star, hotspot_table
from .grid import DEFAULT_RESOLUTION, AreaGrid, Boundaries, h3_grid, lsoa_grid, point_cells, read_boundaries
from .overlay import (
    STOP_AND_SEARCH,
    Deprivation,
    PointLayer,
    area_lsoas,
    area_population,
    areas_of_concern,
    deprivation_for,
    points_per_area,
    rate_per_1000,
    read_imd,
    read_lsoa_lookup,
    read_points,
    read_population,
    read_stop_and_search,
)
from .reference import (
    ConcernSettings,
    HarmWeights,
    SocCategories,
    load_concern,
    load_harm,
    load_soc,
    normalise_label,
)

Progress = Callable[[str, int, int], None]
STAGES = ("Reading crime files", "Reading layers", "Building areas", "Hot spots", "Trends", "Overlay", "Findings")
TOP_CONCERNS = 10


@dataclass(frozen=True)
class ProfileInputs:
    """Where the layers are and how to analyse them. ``extra_points`` are point layers already in memory
    (name -> (lat, lon)), such as OCG members' addresses taken from the intelligence picture."""

    crimes: Sequence[str | Path]
    imd: str | Path | None = None
    lsoa_lookup: str | Path | None = None
    population: str | Path | None = None
    boundaries: str | Path | None = None
    points: Mapping[str, str | Path] = field(default_factory=dict)
    stop_and_search: Sequence[str | Path] = ()
    extra_points: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    area_name: str = ""
    areas: Literal["h3", "lsoa"] = "h3"
    resolution: int = DEFAULT_RESOLUTION
    permutations: int = DEFAULT_PERMUTATIONS
    seed: int = DEFAULT_SEED
    outcomes: bool = False


@dataclass(frozen=True)
class Finding:
    """Something the profile found that an action can answer. ``key`` stays the same across refreshes
    when the same thing is found again (same area, same category), so actions follow it."""

    key: str
    kind: str  # "area of concern", "emerging hot spot", "rising crime", "intelligence gap", "data gap"
    title: str
    detail: str
    strand: str  # suggested 4P strand: pursue, prevent, protect or prepare
    area_id: str = ""
    rank: int = 0


@dataclass(frozen=True)
class Source:
    """A data source as the report lists it: what, which file(s), and the period or date it covers."""

    layer: str
    files: list[str]
    covers: str
    rows: int | None = None
    note: str = ""


@dataclass
class ProfileResult:
    inputs: ProfileInputs
    crimes: CrimeData
    grid: AreaGrid
    boundaries: Boundaries | None
    totals: AreaTotals
    hotspots: pl.DataFrame  # the hotspots.csv table, grid order
    on_count: GiStar
    on_harm: GiStar
    on_soc: GiStar
    emerging: Emerging
    areas: pl.DataFrame  # one row per area: everything the map and the table show
    concerns: pl.DataFrame  # areas_of_concern.csv
    trends: pl.DataFrame  # month, crime_type, count (zero-filled)
    categories: pl.DataFrame  # crime_type, count, harm, soc (bool), first and last month counts
    point_layers: dict[str, PointLayer]  # scored: vulnerable places and OCG addresses
    context_layers: dict[str, PointLayer]  # shown and counted, not scored (stop and search)
    point_outside: dict[str, int]
    deprivation: Deprivation | None
    findings: list[Finding]
    sources: list[Source]
    notes: list[str]
    timings: dict[str, float]
    harm_reference: HarmWeights
    soc_reference: SocCategories
    concern_reference: ConcernSettings

    @property
    def months(self) -> list[date]:
        return self.totals.months

    @property
    def period(self) -> str:
        return period_of(self.months)


def period_of(months: Sequence[date]) -> str:
    if not months:
        return "no months"
    first, last = months[0].strftime("%B %Y"), months[-1].strftime("%B %Y")
    return first if first == last else f"{first} to {last}"


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def build_profile(inputs: ProfileInputs, *, progress: Progress | None = None) -> ProfileResult:
    """Run the whole profile. Bad input raises :class:`DataError` naming the file, row and column."""
    report = progress or _quiet
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    if not inputs.crimes:
        raise DataError("--crimes", "give at least one police.uk street-level file, folder or zip")
    if inputs.areas == "lsoa" and inputs.boundaries is None:
        raise DataError("--areas", "LSOA areas need LSOA boundaries (--boundaries FILE.geojson)")
    total = len(STAGES)
    report(STAGES[0], 0, total)
    boundaries = read_boundaries(inputs.boundaries) if inputs.boundaries else None
    study_area = boundaries.union() if boundaries is not None else None
    crimes = read_crimes(list(inputs.crimes), area=study_area, outcomes=inputs.outcomes)
    step("read crimes")

    report(STAGES[1], 1, total)
    deprivation = read_imd(inputs.imd) if inputs.imd else None
    lookup = read_lsoa_lookup(inputs.lsoa_lookup) if inputs.lsoa_lookup else None
    population = read_population(inputs.population) if inputs.population else None
    layers = {name: read_points(path, name) for name, path in inputs.points.items()}
    for name, (lat, lon) in inputs.extra_points.items():
        lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        accounting = Accounting(rows_read=len(lat), rows_kept=len(lat), files=[name])
        layers[name] = PointLayer(name, lat, lon, accounting, "latitude/longitude")
    context = {STOP_AND_SEARCH: read_stop_and_search(inputs.stop_and_search)} if inputs.stop_and_search else {}
    step("read layers")

    report(STAGES[2], 2, total)
    harm, soc, concern = load_harm(), load_soc(), load_concern()
    frame = crimes.frame
    cells = None
    if inputs.areas == "lsoa":
        assert boundaries is not None
        grid = lsoa_grid(boundaries)
    else:
        cells = point_cells(frame["lat"].to_numpy(), frame["lon"].to_numpy(), inputs.resolution)
        grid = h3_grid(cells, resolution=inputs.resolution, area=study_area)
    totals = aggregate(crimes, grid, harm, soc, cells=cells)
    step("areas and totals")

    report(STAGES[3], 3, total)
    table, on_count, on_harm = hotspot_table(
        grid, totals.count, totals.harm, permutations=inputs.permutations, seed=inputs.seed
    )
    on_soc = gi_star(
        totals.soc_count, grid.weights, permutations=inputs.permutations, seed=inputs.seed, what="SOC-related counts"
    )
    step("hot spots")

    report(STAGES[4], 4, total)
    emerging = emerging_hotspots(totals.by_month, grid.weights, area_ids=grid.area_ids, months=totals.months)
    trends, categories = _trends(crimes, totals, harm, soc)
    step("trends")

    report(STAGES[5], 5, total)
    lsoas = area_lsoas(grid, boundaries=boundaries, crimes=frame, index=totals.index)
    notes: list[str] = [*grid.notes, *totals.notes, *on_count.notes, *on_harm.notes, *on_soc.notes, *emerging.notes]
    people = np.full(grid.n, np.nan)
    if population is not None:
        people, more = area_population(grid, population, boundaries)
        notes += more
    decile = np.full(grid.n, np.nan)
    status = np.full(grid.n, "no deprivation index given", dtype=object)
    if deprivation is not None:
        dep = deprivation_for(list(lsoas), deprivation, lookup)
        decile = dep["imd_decile"].cast(pl.Float64).fill_null(np.nan).to_numpy()
        status = dep["deprivation_status"].to_numpy().astype(object)
    counts: dict[str, np.ndarray] = {}
    outside: dict[str, int] = {}
    for name, layer in layers.items():
        counts[name], outside[name] = points_per_area(layer, grid, boundaries)
    context_counts = {}
    for name, layer in context.items():
        context_counts[name], outside[name] = points_per_area(layer, grid, boundaries)
    concerns = areas_of_concern(
        grid.area_ids,
        soc_class=on_soc.classes,
        harm_class=on_harm.classes,
        soc_count=totals.soc_count,
        harm=totals.harm,
        imd_decile=decile if deprivation is not None else None,
        deprivation_status=status,
        points=counts,
        settings=concern,
        imd_label=deprivation.label if deprivation else "IMD",
    )
    names = dict(zip(boundaries.codes.astype(str), boundaries.names, strict=True)) if boundaries else {}
    places = [names.get(str(code), "") or (code or "") for code in lsoas]
    areas = _area_table(
        grid, table, totals, on_soc, emerging, lsoas, people, decile, status, {**counts, **context_counts}
    )
    areas = areas.insert_column(1, pl.Series("place", places, dtype=pl.String))
    concerns = concerns.join(areas.select("area_id", "place"), on="area_id", how="left").select(
        "rank", "area_id", "place", pl.exclude("rank", "area_id", "place")
    )
    step("overlay")

    report(STAGES[6], 6, total)
    sources = _sources(inputs, crimes, deprivation, population, boundaries, {**layers, **context})
    result = ProfileResult(
        inputs=inputs,
        crimes=crimes,
        grid=grid,
        boundaries=boundaries,
        totals=totals,
        hotspots=table,
        on_count=on_count,
        on_harm=on_harm,
        on_soc=on_soc,
        emerging=emerging,
        areas=areas,
        concerns=concerns,
        trends=trends,
        categories=categories,
        point_layers=layers,
        context_layers=context,
        point_outside=outside,
        deprivation=deprivation,
        findings=[],
        sources=sources,
        notes=notes,
        timings=timings,
        harm_reference=harm,
        soc_reference=soc,
        concern_reference=concern,
    )
    result.findings = findings_of(result)
    step("findings")
    report("Finished", total, total)
    return result


def _trends(
    crimes: CrimeData, totals: AreaTotals, harm: HarmWeights, soc: SocCategories
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows per crime type per month (every month of the run, zeros included), and per type overall.
    Only rows placed in a study area count, so the charts agree with the map."""
    placed = crimes.frame.filter(pl.Series(totals.index >= 0))
    months = pl.DataFrame({"month": totals.months}, schema={"month": pl.Date})
    types = placed.select(pl.col("crime_type").unique().sort())
    grid = months.join(types, how="cross")
    counted = placed.group_by("month", "crime_type").len("count")
    trends = (
        grid.join(counted, on=["month", "crime_type"], how="left")
        .with_columns(pl.col("count").fill_null(0).cast(pl.Int64))
        .sort("crime_type", "month")
    )
    first = totals.months[0] if totals.months else None
    last = totals.months[-1] if totals.months else None
    weight = {}
    for crime_type in types["crime_type"].to_list():
        known = harm.weight_of(crime_type)
        weight[crime_type] = harm.unrecognised_weight if known is None else known
    categories = (
        trends.group_by("crime_type")
        .agg(
            pl.col("count").sum().alias("count"),
            pl.col("count").filter(pl.col("month") == first).sum().alias("first_month"),
            pl.col("count").filter(pl.col("month") == last).sum().alias("last_month"),
        )
        .with_columns(
            (pl.col("count") * pl.col("crime_type").replace_strict(weight, return_dtype=pl.Float64)).alias("harm"),
            pl.col("crime_type").is_in(pl.Series(soc.categories, dtype=pl.String).implode()).alias("soc"),
        )
        .sort(["count", "crime_type"], descending=[True, False])
    )
    return trends, categories


def _area_table(
    grid: AreaGrid,
    hotspots: pl.DataFrame,
    totals: AreaTotals,
    on_soc: GiStar,
    emerging: Emerging,
    lsoas: np.ndarray,
    people: np.ndarray,
    decile: np.ndarray,
    status: np.ndarray,
    points: Mapping[str, np.ndarray],
) -> pl.DataFrame:
    trend = emerging.table()
    columns: dict[str, pl.Series | np.ndarray] = {
        "soc_count": totals.soc_count,
        "gi_z_soc": on_soc.z,
        "hotspot_class_soc": pl.Series(on_soc.classes.astype(str), dtype=pl.String),
        "pattern": trend["pattern"],
        "trend": trend["trend"],
        "lsoa_code": pl.Series([None if c is None else str(c) for c in lsoas], dtype=pl.String),
        "population": pl.Series(_none_nan(np.round(people, 1)), dtype=pl.Float64),
        "rate_per_1000": pl.Series(_none_nan(np.round(rate_per_1000(totals.count, people), 2)), dtype=pl.Float64),
        "imd_decile": pl.Series([None if np.isnan(d) else int(d) for d in decile], dtype=pl.Int8),
        "deprivation_status": pl.Series([str(s) for s in status], dtype=pl.String),
    }
    for name, values in points.items():
        columns[f"points_{name}"] = np.asarray(values, dtype=np.int64)
    return hotspots.select(
        "area_id", "count", "harm", "gi_z", "gi_z_harm", "p_fdr", "hotspot_class", "hotspot_class_harm"
    ).with_columns(**columns)


def _none_nan(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else float(v) for v in values]


def _sources(
    inputs: ProfileInputs,
    crimes: CrimeData,
    deprivation: Deprivation | None,
    population: pl.DataFrame | None,
    boundaries: Boundaries | None,
    layers: Mapping[str, PointLayer],
) -> list[Source]:
    out = [
        Source(
            "police.uk street-level crime and anti-social behaviour",
            list(crimes.accounting.files),
            period_of(crimes.months),
            crimes.accounting.rows_read,
            "Contains public sector information licensed under the Open Government Licence v3.0",
        )
    ]
    if deprivation is not None:
        out.append(
            Source(
                f"English Indices of Deprivation ({deprivation.label})",
                [deprivation.source],
                f"LSOA {deprivation.code_year} codes",
                deprivation.frame.height,
            )
        )
    if inputs.lsoa_lookup:
        out.append(Source("ONS LSOA 2011 to 2021 lookup", [str(inputs.lsoa_lookup)], "LSOA 2011 and 2021"))
    if population is not None:
        out.append(Source("Population by LSOA", [str(inputs.population)], "as given in the file", population.height))
    if boundaries is not None:
        out.append(Source("LSOA boundaries", [boundaries.source], boundaries.code_field, len(boundaries.codes)))
    for name, layer in layers.items():
        out.append(
            Source(f"Points: {name}", list(layer.accounting.files), layer.coordinates, layer.accounting.rows_read)
        )
    return out


STRAND_OF_KIND = {
    "area of concern": "pursue",
    "emerging hot spot": "prevent",
    "rising crime": "prevent",
    "vulnerable place": "protect",
    "intelligence gap": "pursue",
    "data gap": "prepare",
}


def findings_of(result: ProfileResult) -> list[Finding]:
    """Plain-English findings in the order the report gives them, each with a suggested 4P strand."""
    out: list[Finding] = []
    areas = result.areas
    has_ocg = bool(ocg_layers(result))
    for row in result.concerns.head(TOP_CONCERNS).iter_rows(named=True):
        area = row["area_id"]
        where = _where(area, row["place"])
        out.append(
            Finding(
                key=f"concern:{area}",
                kind="area of concern",
                title=f"Area of concern {row['rank']}: {where}",
                detail=str(row["reasons"]),
                strand="pursue",
                area_id=area,
                rank=int(row["rank"]),
            )
        )
        if row["vulnerability_points"]:
            out.append(
                Finding(
                    key=f"vulnerable:{area}",
                    kind="vulnerable place",
                    title=f"Vulnerable places in area of concern {row['rank']}: {where}",
                    detail=f"{row['vulnerability_points']} vulnerability points (schools, care homes or similar) "
                    "in an area ranked for SOC-related crime: consider target hardening and safeguarding visits",
                    strand="protect",
                    area_id=area,
                    rank=int(row["rank"]),
                )
            )
        if has_ocg and not row["ocg_addresses"] and row["soc_hotspot_class"].startswith("hot"):
            out.append(
                Finding(
                    key=f"gap:{area}",
                    kind="intelligence gap",
                    title=f"SOC hot spot with no known OCG footprint: {where}",
                    detail="SOC-related crime clusters here but no OCG member's address is recorded in the area: "
                    "who supplies or controls this market?",
                    strand="pursue",
                    area_id=area,
                    rank=int(row["rank"]),
                )
            )
    emerging = areas.filter(pl.col("pattern").str.starts_with("new") | pl.col("pattern").str.starts_with("intens"))
    for row in emerging.sort("count", descending=True).head(TOP_CONCERNS).iter_rows(named=True):
        out.append(
            Finding(
                key=f"emerging:{row['area_id']}",
                kind="emerging hot spot",
                title=f"{row['pattern'].capitalize()}: {_where(row['area_id'], row['place'])}",
                detail=f"{row['count']} crimes and ASB incidents over the period; trend {row['trend']}",
                strand="prevent",
                area_id=str(row["area_id"]),
            )
        )
    cats = result.categories
    if len(result.months) >= 2:
        for row in cats.filter(pl.col("soc")).iter_rows(named=True):
            before, after = row["first_month"], row["last_month"]
            if after >= max(10, 1.25 * before):
                out.append(
                    Finding(
                        key=f"rising:{row['crime_type']}",
                        kind="rising crime",
                        title=f"{row['crime_type']} rising",
                        detail=f"{before} in {result.months[0]:%B %Y}, {after} in {result.months[-1]:%B %Y}",
                        strand="prevent",
                    )
                )
    for gap in data_gaps(result):
        out.append(Finding(key=f"data:{gap[0]}", kind="data gap", title=gap[1], detail=gap[2], strand="prepare"))
    return out


def ocg_layers(result: ProfileResult) -> list[str]:
    """Names of the point layers that hold OCG addresses (see ``ocg_layers`` in concern.yaml)."""
    return [k for k in result.point_layers if normalise_label(k) in result.concern_reference.ocg_layers]


def _where(area_id: str, place: str | None) -> str:
    return f"{place} ({area_id})" if place and place != area_id else area_id


def data_gaps(result: ProfileResult) -> list[tuple[str, str, str]]:
    """What the profile could not see, for the 'intelligence gaps' section: (key, title, detail)."""
    gaps: list[tuple[str, str, str]] = []
    inputs, accounting = result.inputs, result.crimes.accounting
    left_out = sum(accounting.excluded.values())
    if left_out:
        reasons = "; ".join(f"{n:,} {r}" for r, n in accounting.excluded.items())
        gaps.append(("rows", f"{left_out:,} crime rows could not be mapped", reasons))
    if inputs.imd is None:
        gaps.append(("imd", "No deprivation index", "Add the Indices of Deprivation to weigh vulnerability"))
    else:
        missing = result.areas.filter(pl.col("imd_decile").is_null() & (pl.col("count") > 0))
        if missing.height:
            why = missing["deprivation_status"].value_counts(sort=True).row(0)[0]
            gaps.append(("imd-missing", f"{missing.height:,} areas with crime have no deprivation data", str(why)))
    if inputs.population is None:
        gaps.append(("population", "No population figures", "Rates per 1,000 residents need population by LSOA"))
    ocg = ocg_layers(result)
    if not ocg:
        gaps.append(("ocg", "No OCG addresses", "The OCG footprint is unknown: add OCG members' addresses"))
    if not [k for k in result.point_layers if k not in ocg]:
        gaps.append(("places", "No vulnerable places", "Add schools, care homes or other places as point layers"))
    if len(result.months) < 12:
        gaps.append(
            (
                "months",
                f"Only {len(result.months)} months of crime data",
                "Trends and emerging hot spots are weak evidence with fewer than 12 months",
            )
        )
    return gaps
