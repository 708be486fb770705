from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sochub.engine import hotspots as hs
from sochub.engine.hotspots import overlay

from .conftest import CENTROIDS, DATA, IMD, POPULATION, need


@pytest.fixture(scope="module")
def imd() -> hs.Deprivation:
    need(IMD)
    return hs.read_imd(IMD)


def test_the_english_imd_2019_reads_as_published(imd: hs.Deprivation) -> None:
    assert imd.frame.height == 32_844 and imd.code_year == 2011 and imd.label == "IMD 2019"
    first = imd.frame.row(0, named=True)
    assert first == {"lsoa_code": "E01000001", "rank": 29_199, "decile": 9}  # "29,199" in the file
    assert imd.decile_of_rank(np.array([1, 3_284, 3_285, 16_000, 32_844])).tolist() == [1, 1, 2, 5, 10]
    domains = hs.read_imd(DATA / "imd" / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz")
    assert domains.frame.equals(imd.frame)  # the IMD columns, not a domain's


def test_welsh_and_unknown_lsoas_are_kept_and_said_to_have_no_data(imd: hs.Deprivation) -> None:
    folder = DATA / "policeuk" / "dyfed-powys-2021"
    need(folder)
    lsoas = hs.read_crimes(folder).frame["lsoa_code"].drop_nulls().unique().sort().to_list()
    table = hs.deprivation_for([*lsoas, None, "E99999999"], imd)
    assert table.height == len(lsoas) + 2  # nothing dropped
    welsh = table.filter(pl.col("lsoa_code").str.starts_with("W"))
    assert welsh.height >= 300 and welsh["imd_decile"].null_count() == welsh.height
    assert set(welsh["deprivation_status"]) == {overlay.NO_DATA_WALES}
    english = table.filter(pl.col("lsoa_code").str.starts_with("E01") & (pl.col("lsoa_code") != "E99999999"))
    assert english.height >= 1 and english["imd_decile"].null_count() == 0
    assert table["deprivation_status"].to_list()[-2:] == [overlay.NO_DATA_NO_LSOA, overlay.NO_DATA_UNKNOWN]


def test_2021_codes_join_through_the_ons_lookup(tmp_path: Path, imd: hs.Deprivation) -> None:
    lookup = tmp_path / "lookup.csv"
    lookup.write_text(
        "LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId\n"
        "E01000001,a,E01000001,a,U,E09000001,City,,1\n"
        "E01000002,b,E01035001,b1,S,E09000001,City,,2\n"
        "E01000002,b,E01035002,b2,S,E09000001,City,,3\n"
        "E01000003,c,E01035003,c,M,E09000001,City,,4\n"
        "E01000005,e,E01035003,c,M,E09000001,City,,5\n"
        "W01000001,w,W01000001,w,U,W06000001,Anglesey,Ynys Môn,6\n"
    )
    table = hs.deprivation_for(["E01000001", "E01035001", "E01035003", "W01000001"], imd, hs.read_lsoa_lookup(lookup))
    rows = {r["lsoa_code"]: r for r in table.to_dicts()}
    assert rows["E01000001"]["imd_decile"] == 9 and rows["E01000001"]["deprivation_status"] == "IMD 2019"
    assert (
        rows["E01035001"]["imd_decile"] == 10
        and "split: inherited, from E01000002" in rows["E01035001"]["deprivation_status"]
    )
    ranks = imd.frame.filter(pl.col("lsoa_code").is_in(["E01000003", "E01000005"]))["rank"].to_list()
    assert rows["E01035003"]["imd_rank"] == pytest.approx(sum(ranks) / 2)
    assert "approximate: mean rank of 2 LSOAs, change M" in rows["E01035003"]["deprivation_status"]
    assert rows["W01000001"]["deprivation_status"] == overlay.NO_DATA_WALES


def test_population_and_rates_per_thousand(durham) -> None:  # type: ignore[no-untyped-def]
    need(POPULATION)
    population = hs.read_population(POPULATION)
    assert population.height == 32_844 and population.row(0) == ("E01000001", 1_296)
    in_area = population.filter(pl.col("lsoa_code").is_in(list(durham.boundaries.codes)))["population"].sum()
    per_cell, notes = hs.area_population(durham.grid, population, durham.boundaries)
    assert np.nansum(per_cell) == pytest.approx(in_area) and "approximation" in notes[0]
    lsoas = hs.lsoa_grid(durham.boundaries)
    per_lsoa, _ = hs.area_population(lsoas, population)
    assert np.nansum(per_lsoa) == in_area and not np.isnan(per_lsoa).any()
    rates = hs.rate_per_1000(np.array([5, 5, 5]), np.array([1000.0, 0.0, np.nan]))
    assert rates[0] == 5 and np.isnan(rates[1:]).all()


def test_h3_cells_take_the_lsoa_at_their_centre_or_the_commonest_in_their_crimes(durham) -> None:  # type: ignore[no-untyped-def]
    by_polygon = hs.area_lsoas(durham.grid, boundaries=durham.boundaries)
    by_crimes = hs.area_lsoas(durham.grid, crimes=durham.crimes.frame, index=durham.totals.index)
    busy = durham.totals.count >= 20
    assert all(code is not None for code in by_crimes[busy])
    same = np.mean([a == b for a, b in zip(by_polygon[busy], by_crimes[busy], strict=True)])
    assert same > 0.6  # crime locations snap to streets, cell centres do not: mostly the same LSOA
    assert (by_polygon == None).sum() < 0.1 * durham.grid.n  # noqa: E711 - edge cells whose centre is outside


def test_easting_northing_becomes_latitude_longitude_within_a_few_metres(tmp_path: Path) -> None:
    need(CENTROIDS)
    sample = pl.read_csv(CENTROIDS).sample(300, seed=1)
    path = tmp_path / "schools.csv"
    sample.select(
        pl.col("LSOA11NM").alias("Name"), pl.col("BNG_E").alias("Easting"), pl.col("BNG_N").alias("Northing")
    ).write_csv(path)
    layer = hs.read_points(path)
    assert layer.name == "schools" and layer.coordinates == overlay.OSGB36_NOTE and len(layer.lat) == 300
    north = (layer.lat - sample["LAT"].to_numpy()) * 111_320
    east = (layer.lon - sample["LONG"].to_numpy()) * 111_320 * np.cos(np.radians(layer.lat))
    error = np.hypot(north, east)
    assert np.median(error) < 3 and error.max() < 8  # EPSG:1314 is a 2 m transformation; file rounds to 1e-5


def test_the_transformation_is_the_pinned_helmert() -> None:
    from pyproj.transformer import TransformerGroup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "best transformation is not available" (no OSTN15 grid)
        group = TransformerGroup("EPSG:27700", "EPSG:4326", always_xy=True)
    helmert = next(t for t in group.transformers if "OSGB36 to WGS 84 (6)" in t.description)
    assert helmert.definition.replace(" ", "") == overlay.OSGB36_TO_WGS84.replace("+", "").replace(" ", "")
    lon, lat = hs.osgb36_to_wgs84(np.array([532_129.0]), np.array([181_625.0]))
    assert lon[0] == pytest.approx(-0.09706, abs=5e-5) and lat[0] == pytest.approx(51.5181, abs=5e-5)  # ~2 m


def test_bad_point_rows_are_counted_with_their_row(tmp_path: Path) -> None:
    path = tmp_path / "care homes.csv"
    path.write_bytes(
        "name,latitude,longitude\nA,54.77,-1.57\nB,,\nC,north,-1.5\nD,95,-1.5\nE,0,0\nCafé,54.7,-1.6\n".encode("cp1252")
    )
    layer = hs.read_points(path, "care homes")
    acc = layer.accounting
    assert acc.rows_read == 6 and acc.rows_kept == 2 and layer.rows.tolist() == [2, 7]
    assert acc.excluded == {
        "no coordinates": 1,
        "malformed coordinates": 2,
        "coordinates outside the bounds (England and Wales by default)": 1,
    }
    assert [(e.row, e.reason) for e in acc.examples][:2] == [(3, "no coordinates"), (4, "malformed coordinates")]
    assert any("Windows-1252" in m for m in acc.messages)
    en = tmp_path / "en.csv"
    en.write_text("x,y\n429793,514320\n-5,10\n800000,10\n")
    assert hs.read_points(en).accounting.excluded == {"malformed coordinates": 2}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("name,postcode\nA,DH1 1AA\n", "row 1: needs latitude and longitude columns, or easting and northing"),
    ],
)
def test_unusable_point_files_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text(text)
    with pytest.raises(hs.DataError) as caught:
        hs.read_points(path)
    assert message in str(caught.value)


def test_points_are_counted_per_area(durham, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    frame = durham.crimes.frame.head(50)
    path = tmp_path / "p.csv"
    pl.concat(
        [frame.select("lat", "lon"), pl.DataFrame({"lat": [51.5], "lon": [-0.1]})]  # London: outside the area
    ).write_csv(path)
    layer = hs.read_points(path)
    counts, outside = hs.points_per_area(layer, durham.grid)
    assert counts.sum() == 50 and outside == 1
    lsoas = hs.lsoa_grid(durham.boundaries)
    by_lsoa, outside_lsoa = hs.points_per_area(layer, lsoas, durham.boundaries)
    assert by_lsoa.sum() + outside_lsoa == 51 and outside_lsoa >= 1


def test_areas_of_concern_are_ranked_with_reasons() -> None:
    ids = np.array(["a", "b", "c", "d", "e"])
    table = hs.areas_of_concern(
        ids,
        soc_class=np.array(["hot 99", "hot 95", "not significant", "not significant", "cold 99"]),
        harm_class=np.array(["hot 99", "not significant", "hot 90", "not significant", "not significant"]),
        soc_count=np.array([40, 12, 1, 0, 0]),
        harm=np.array([9000.0, 800.0, 3000.0, 0.0, 0.0]),
        imd_decile=np.array([1.0, np.nan, 9.0, 1.0, 1.0]),
        deprivation_status=np.array(["IMD 2019", overlay.NO_DATA_WALES, "IMD 2019", "IMD 2019", "IMD 2019"]),
        points={"schools": np.array([2, 0, 0, 5, 0]), "OCG addresses": np.array([0, 0, 1, 0, 0])},
        imd_label="IMD 2019",
    )
    assert table["area_id"].to_list() == ["a", "b", "c"]  # d is deprived with schools, but no trigger
    assert table["rank"].to_list() == [1, 2, 3]
    a, b, c = table.to_dicts()
    assert a["score"] == pytest.approx(0.35 + 0.20 + 0.20 + 0.15 * 2 / 5)
    assert a["reasons"] == (
        "SOC-related crime hot spot (99% confidence; 40 crimes); harm hot spot (99% confidence; harm 9,000); "
        "IMD 2019 decile 1 (among the 10% most deprived LSOAs); 2 vulnerability points (2 schools)"
    )
    assert overlay.NO_DATA_WALES in b["reasons"] and b["imd_decile"] is None
    assert "1 OCG address" in c["reasons"] and c["ocg_addresses"] == 1
    assert sum(v for k, v in a.items() if k.startswith("score_")) == pytest.approx(a["score"])


def test_components_without_data_drop_out_and_the_weights_rescale() -> None:
    table = hs.areas_of_concern(
        np.array(["a"]),
        soc_class=np.array(["hot 99"]),
        harm_class=np.array(["not significant"]),
        soc_count=np.array([3]),
        harm=np.array([10.0]),
    )
    assert table["score"][0] == pytest.approx(0.35 / 0.55)
    assert table["score_deprivation"][0] == 0 and table["imd_decile"][0] is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('LSOA code (2011),Total population: mid 2015\nE01000001,"1,296"\nE01000002,many\n', "row 3, column"),
        ("LSOA code (2011),Total population: mid 2015\nE01000001,5\nE01000001,6\n", "row 3: the LSOA 'E01000001'"),
        ("LSOA code (2011),Total population: mid 2015\n,5\n", "row 2, column 'lsoa_code_2011': empty LSOA code"),
        ("LSOA code (2011),Households\nE01000001,5\n", "row 1: no population column"),
        ("Name,Total population\nx,5\n", "row 1: no LSOA code column"),
    ],
)
def test_bad_population_files_name_the_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "population.csv"
    path.write_text(text)
    with pytest.raises(hs.DataError) as caught:
        hs.read_population(path)
    assert message in str(caught.value)


def test_imd_deciles_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "imd.csv"
    path.write_text("LSOA code (2021),IMD Rank,IMD Decile\nE01000001,5,11\n")
    with pytest.raises(hs.DataError, match=r"row 2, column 'imd_decile': decile 11 is not 1 to 10"):
        hs.read_imd(path)
    path.write_text("LSOA code (2021),IMD Rank,IMD Decile\nE01000001,5,1\n")
    assert hs.read_imd(path).code_year == 2021 and hs.read_imd(path).label == "IMD 2025"
