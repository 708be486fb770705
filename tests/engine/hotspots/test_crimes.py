from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import shapely

from sochub.engine import hotspots as hs
from sochub.engine.hotspots import crimes as c

from .conftest import DATA, DURHAM, need
from .police import HEADER, row, write_street


def test_durham_six_months_are_read_with_every_row_accounted_for() -> None:
    need(DURHAM)
    data = hs.read_crimes(DURHAM)
    acc = data.accounting
    assert acc.rows_read == 37_753 and len(acc.files) == 6
    assert acc.excluded == {c.NO_COORDINATES: 8}
    assert acc.rows_kept == data.frame.height == 37_745
    assert data.months == [date(2021, m, 1) for m in range(1, 7)]
    asb = data.frame.filter(pl.col("is_asb"))
    assert asb.height == acc.notes["anti-social behaviour rows (kept, marked is_asb)"] > 10_000
    assert asb["crime_id"].null_count() == asb.height  # ASB rows have no Crime ID and are kept
    assert set(data.frame["crime_type"].unique()) <= set(hs.CATEGORIES)
    first = next(e for e in acc.examples if e.reason == c.NO_COORDINATES)
    assert first.file.endswith("2021-01-durham-street.csv") and first.row == 5208


def test_rows_outside_the_study_area_are_counted_and_listed(durham) -> None:  # type: ignore[no-untyped-def]
    acc = durham.crimes.accounting
    assert acc.excluded[c.OUTSIDE_AREA] == 318  # Sunderland, Stockton, Gateshead, even Basildon
    outside = [e for e in acc.examples if e.reason == c.OUTSIDE_AREA]
    assert len(outside) == 10 and all("Longitude=" in e.detail and e.row >= 2 for e in outside)
    by_code = hs.read_crimes(DURHAM, lsoa_codes=set(durham.boundaries.codes))
    assert by_code.accounting.excluded[c.OUTSIDE_AREA] == 321  # by the LSOA code column instead of the polygon


def test_city_of_london_with_outcomes_joined_on_crime_id() -> None:
    folder = DATA / "policeuk" / "city-of-london"
    need(folder)
    data = hs.read_crimes(folder, outcomes=True)
    assert data.accounting.rows_read == 10_118 and data.accounting.excluded[c.NO_COORDINATES] == 465
    assert "outcome" in data.frame.columns
    with_outcome = data.frame.filter(pl.col("outcome").is_not_null()).height
    assert 0.8 * data.frame["crime_id"].drop_nulls().len() < with_outcome
    assert any(m.startswith("outcomes: 18 file(s)") for m in data.accounting.messages)


def test_several_folders_and_a_zip_give_the_same_rows_as_the_files(tmp_path: Path) -> None:
    need(DURHAM)
    months = sorted(p for p in DURHAM.iterdir() if p.is_dir())
    archive = tmp_path / "durham.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for folder in months[:3]:
            for f in folder.glob("*.csv"):
                z.write(f, f"{folder.name}/{f.name}")
    mixed = hs.read_crimes([archive, *months[3:]])
    whole = hs.read_crimes(DURHAM)
    assert mixed.frame.height == whole.frame.height and len(mixed.accounting.files) == 6
    assert mixed.accounting.files[0].startswith(f"{archive}!2021-01/")
    again = hs.read_crimes([DURHAM, months[0], months[0] / "2021-01-durham-street.csv"])
    assert again.accounting.rows_read == whole.accounting.rows_read  # each file read once


def test_hostile_rows_are_counted_per_reason_with_file_and_row(tmp_path: Path) -> None:
    path = write_street(
        tmp_path / "2021-01-x-street.csv",
        [
            row("a"),
            row("b", lon="", lat=""),
            row("c", lon="one", lat="54.7"),
            row("d", lat="95"),
            row("e", lon="0", lat="0"),  # "null island": a real coordinate, but not in England and Wales
            row("f", month="2021/01"),
            row("g", crime_type=""),
            ["", "", "", "", "", "", "", "", "", "", "", ""],
            row("", crime_type="anti-social-behaviour"),
            row("h", lon="inf"),
            row("i", crime_type="Violent crime"),
            row("j", crime_type="Public disorder and weapons"),
        ],
    )
    data = hs.read_crimes(path)
    acc = data.accounting
    assert acc.rows_read == 12 and acc.rows_kept == 4
    assert acc.excluded == {
        c.BLANK_ROW: 1,
        c.NO_COORDINATES: 1,
        c.MALFORMED_COORDINATES: 3,
        c.OUTSIDE_BOUNDS: 1,
        c.MALFORMED_MONTH: 1,
        c.NO_CRIME_TYPE: 1,
    }
    rows = {e.reason: e.row for e in acc.examples}
    assert rows[c.NO_COORDINATES] == 3 and rows[c.MALFORMED_MONTH] == 7 and rows[c.BLANK_ROW] == 9
    assert "Longitude='one'" in next(e.detail for e in acc.examples if e.reason == c.MALFORMED_COORDINATES)
    frame = data.frame.sort("row")
    assert frame["crime_type"].to_list() == [
        "Burglary",
        "Anti-social behaviour",
        "Violence and sexual offences",
        "Public disorder and weapons",
    ]
    assert frame["is_asb"].to_list() == [False, True, False, False]
    assert acc.notes["rows whose crime type is not a police.uk category (kept)"] == 1
    assert any("Public disorder and weapons" in m for m in acc.messages)
    assert hs.read_crimes(path, bounds=None).accounting.rows_kept == 5  # null island allowed without bounds


def test_the_benchmark_generators_columns_read_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "gen.csv"
    path.write_text("crime_id,month,longitude,latitude,crime_type\n0,2023-05,-1.5,54.7,violent-crime\n")
    data = hs.read_crimes(path)
    assert data.frame["crime_type"].to_list() == ["Violence and sexual offences"]
    assert data.frame["lsoa_code"].to_list() == [None]


def test_a_latin1_file_is_read_and_the_fallback_is_reported(tmp_path: Path) -> None:
    rows = [row("a"), [*row("b")[:6], "On or near Café Street", *row("b")[7:]]]
    path = write_street(tmp_path / "x-street.csv", rows, encoding="latin-1")
    data = hs.read_crimes(path)
    assert data.frame.height == 2
    assert any("not UTF-8; read as Windows-1252" in m for m in data.accounting.messages)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("\n\n", "the file is empty"),
        ("Crime ID,Month,Longitude\n", "row 1: missing columns 'latitude', 'crime_type'"),
        ("Month,Month,Longitude,Latitude,Crime type\n", "row 1: the column 'month' appears more than once"),
        ("Month,Longitude,Latitude,Crime type\n2021-01,1,2,Drugs,extra,cells\n", "not readable as CSV"),
    ],
)
def test_unusable_files_raise_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad-street.csv"
    path.write_text(text)
    with pytest.raises(hs.DataError) as caught:
        hs.read_crimes(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)


def test_a_header_only_file_reads_as_no_rows(tmp_path: Path) -> None:
    data = hs.read_crimes(write_street(tmp_path / "x-street.csv", []))
    assert data.frame.height == 0 and data.accounting.rows_read == 0 and data.months == []


def test_missing_paths_and_empty_folders_are_named(tmp_path: Path) -> None:
    with pytest.raises(hs.DataError, match="nope: no such file or folder"):
        hs.read_crimes(tmp_path / "nope")
    with pytest.raises(hs.DataError, match=r"no \*-street.csv files found"):
        hs.read_crimes(tmp_path)
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    with pytest.raises(hs.DataError, match="not a readable zip file"):
        hs.read_crimes(tmp_path / "bad.zip")


def test_an_area_polygon_keeps_only_points_inside(tmp_path: Path) -> None:
    path = write_street(
        tmp_path / "x-street.csv", [row("in", lon="-1.55", lat="54.75"), row("out", lon="-1.2", lat="54.75")]
    )
    area = shapely.box(-1.6, 54.7, -1.5, 54.8)
    data = hs.read_crimes(path, area=area)
    assert data.frame["crime_id"].to_list() == ["in"]
    assert data.accounting.excluded == {c.OUTSIDE_AREA: 1}
    assert HEADER[0] == "Crime ID"
