"""The whole profile pipeline and the files it writes, on Durham's real data and on generated files."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sochub.engine.hotspots import DataError, outputs
from sochub.engine.hotspots.profile import ProfileInputs, ProfileResult, build_profile

from .conftest import DATA, DURHAM, DURHAM_BOUNDARIES, IMD, POPULATION, need
from .police import row, write_street


@pytest.fixture(scope="module")
def durham_profile() -> ProfileResult:
    need(DURHAM, DURHAM_BOUNDARIES, IMD, POPULATION)
    return build_profile(
        ProfileInputs(
            crimes=[DURHAM],
            imd=IMD,
            population=POPULATION,
            boundaries=DURHAM_BOUNDARIES,
            area_name="Durham",
            permutations=199,
        )
    )


def test_durham_rows_are_all_accounted_for(durham_profile: ProfileResult) -> None:
    accounting = durham_profile.crimes.accounting
    assert accounting.rows_read == 37_753
    assert accounting.rows_read == accounting.rows_kept + sum(accounting.excluded.values())
    assert int(durham_profile.totals.count.sum()) == accounting.rows_kept
    assert int(durham_profile.trends["count"].sum()) == accounting.rows_kept
    assert durham_profile.period == "January 2021 to June 2021"


def test_durham_finds_hot_spots_and_ranked_areas_of_concern(durham_profile: ProfileResult) -> None:
    classes = durham_profile.on_count.counts()
    assert classes["hot 99"] > 0
    concerns = durham_profile.concerns
    assert concerns.height > 0
    assert concerns["rank"].to_list() == list(range(1, concerns.height + 1))
    assert concerns["score"].is_sorted(descending=True)
    top = concerns.row(0, named=True)
    assert top["reasons"] and "hot spot" in top["reasons"]
    assert top["place"].startswith(("Darlington", "County Durham"))
    # The hot spot classes and the table agree.
    table = durham_profile.hotspots
    assert table.height == durham_profile.grid.n
    assert (table["hotspot_class"] == "hot 99").sum() == classes["hot 99"]


def test_durham_findings_have_stable_keys_and_strands(durham_profile: ProfileResult) -> None:
    findings = durham_profile.findings
    keys = [f.key for f in findings]
    assert len(keys) == len(set(keys))
    assert {f.strand for f in findings} <= {"pursue", "prevent", "protect", "prepare"}
    assert any(f.kind == "area of concern" for f in findings)
    gaps = [f for f in findings if f.kind == "data gap"]
    assert any("318 outside the study area" in f.detail for f in gaps)
    assert any(f.key == "data:ocg" for f in gaps)  # no OCG addresses were given
    # The same data gives the same findings (a refresh keeps actions tied to them).
    again = build_profile(durham_profile.inputs)
    assert [f.key for f in again.findings] == keys


def test_durham_deprivation_and_rates(durham_profile: ProfileResult) -> None:
    areas = durham_profile.areas
    with_crime = areas.filter(pl.col("count") > 0)
    assert with_crime["imd_decile"].null_count() < with_crime.height * 0.05
    assert with_crime["rate_per_1000"].drop_nulls().len() > 0.9 * with_crime.height
    total_population = areas["population"].drop_nulls().sum()
    assert 500_000 < total_population < 700_000


def test_outputs_write_the_issue_columns_and_map_data(durham_profile: ProfileResult, tmp_path: Path) -> None:
    outputs.write_tables(durham_profile, tmp_path)
    hotspots = pl.read_csv(tmp_path / "hotspots.csv")
    assert hotspots.columns[:8] == list(outputs.HOTSPOT_COLUMNS)
    assert hotspots.height == durham_profile.grid.n
    assert (hotspots["count"] == 0).sum() > 0  # zero-count areas are listed
    assert set(hotspots["hotspot_class"].unique()) <= {
        "hot 99",
        "hot 95",
        "hot 90",
        "not significant",
        "cold 90",
        "cold 95",
        "cold 99",
    }
    left_out = pl.read_csv(tmp_path / "rows_left_out.csv")
    outside = left_out.filter((pl.col("reason") == "outside the study area") & pl.col("file").is_null())
    assert outside["rows"].to_list() == [318]
    examples = left_out.filter(pl.col("file").is_not_null())
    assert examples.height > 0 and examples["row"].min() >= 2  # type: ignore[operator]

    outputs.write_map_data(durham_profile, tmp_path)
    areas = json.loads((tmp_path / "areas.geojson").read_text())
    assert len(areas["features"]) == durham_profile.grid.n
    first = areas["features"][0]
    assert first["geometry"]["type"] == "MultiPolygon"
    assert {"area_id", "hotspot_class", "imd_decile", "concern_rank", "place"} <= set(first["properties"])
    summary = json.loads((tmp_path / "summary.json").read_text())
    south, west, north, east = summary["bounds"]
    assert 54 < south < north < 55.5 and -2.5 < west < east < -1
    assert summary["rows"]["read"] == 37_753


def test_figures_are_pngs(durham_profile: ProfileResult, tmp_path: Path) -> None:
    written = outputs.write_figures(durham_profile, tmp_path)
    assert set(written) == set(outputs.FIGURES)
    for path in written.values():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _generated(tmp_path: Path, seed: int = 3) -> Path:
    """Two months of generated crimes around a Durham street, with a dense cluster of drugs offences."""
    rng = np.random.default_rng(seed)
    rows = []
    for month in ("2021-01", "2021-02"):
        for k in range(300):
            lat, lon = 54.77 + rng.normal(0, 0.03), -1.57 + rng.normal(0, 0.05)
            rows.append(row(f"g{month}{k}", month, f"{lon:.6f}", f"{lat:.6f}", "E01020001", "Burglary"))
        for k in range(60):
            lat, lon = 54.776 + rng.normal(0, 0.002), -1.575 + rng.normal(0, 0.003)
            rows.append(row(f"d{month}{k}", month, f"{lon:.6f}", f"{lat:.6f}", "E01020001", "Drugs"))
    rows.append(row("x", "2021-02", "", "", "", "Robbery"))  # no coordinates: counted, not lost
    return write_street(tmp_path / "2021-02" / "gen-street.csv", rows)


def test_generated_files_without_optional_layers(tmp_path: Path) -> None:
    result = build_profile(ProfileInputs(crimes=[_generated(tmp_path)], permutations=99, resolution=8))
    assert result.crimes.accounting.excluded == {"no coordinates": 1}
    assert result.on_soc.counts()["hot 99"] + result.on_soc.counts()["hot 95"] > 0
    assert result.areas["imd_decile"].null_count() == result.grid.n
    gap_keys = {f.key for f in result.findings if f.kind == "data gap"}
    assert {"data:imd", "data:population", "data:ocg", "data:places", "data:months", "data:rows"} <= gap_keys
    top = result.concerns.row(0, named=True)
    assert "SOC-related crime hot spot" in top["reasons"]


def test_ocg_addresses_in_memory_count_as_the_ocg_footprint(tmp_path: Path) -> None:
    lat, lon = np.array([54.776, 54.7761]), np.array([-1.575, -1.5751])
    result = build_profile(
        ProfileInputs(crimes=[_generated(tmp_path)], permutations=99, extra_points={"ocg addresses": (lat, lon)})
    )
    assert int(result.areas["points_ocg addresses"].sum()) == 2
    assert "data:ocg" not in {f.key for f in result.findings}
    assert int(result.concerns["ocg_addresses"].sum()) == 2


def test_missing_inputs_are_refused_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="at least one"):
        build_profile(ProfileInputs(crimes=[]))
    with pytest.raises(DataError, match="boundaries"):
        build_profile(ProfileInputs(crimes=[_generated(tmp_path)], areas="lsoa"))
    with pytest.raises(DataError, match="nothing-here: no such file or folder"):
        build_profile(ProfileInputs(crimes=[tmp_path / "nothing-here"]))


def test_ocg_addresses_are_never_drawn_or_written_as_points(tmp_path: Path) -> None:
    lat, lon = np.array([54.776]), np.array([-1.575])
    schools = tmp_path / "schools.csv"
    schools.write_text("name,latitude,longitude\nDemo school,54.78,-1.58\n", encoding="utf-8")
    inputs = ProfileInputs(
        crimes=[_generated(tmp_path)], permutations=99, points={"schools": schools}, extra_points={"ocg": (lat, lon)}
    )
    result = build_profile(inputs)
    layers = {f["properties"]["layer"] for f in outputs.points_geojson(result)["features"]}
    assert layers == {"schools"}
    with_ocg = outputs.write_figures(result, tmp_path / "a")["map-soc.png"].read_bytes()
    without = outputs.write_figures(build_profile(replace(inputs, extra_points={})), tmp_path / "b")
    assert with_ocg == without["map-soc.png"].read_bytes()  # the OCG point is not drawn


def test_stop_and_search_is_shown_and_counted_but_not_scored(tmp_path: Path) -> None:
    city = DATA / "policeuk" / "city-of-london"
    need(city)
    searches = build_profile(ProfileInputs(crimes=[city / "2016-01"], stop_and_search=[city], permutations=99))
    layer = searches.context_layers["stop and search"]
    assert layer.accounting.rows_read == 1_638
    assert layer.accounting.rows_kept + layer.accounting.excluded["no coordinates"] <= 1_638
    assert int(searches.areas["points_stop and search"].sum()) + searches.point_outside["stop and search"] == len(
        layer.lat
    )
    assert "stop and search" not in searches.point_layers  # never a vulnerability point
    assert "score_vulnerability" not in searches.concerns.columns or searches.concerns["score_vulnerability"].sum() == 0
    assert {f["properties"]["layer"] for f in outputs.points_geojson(searches)["features"]} <= {"stop and search"}
