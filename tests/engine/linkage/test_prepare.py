from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sochub.engine.linkage import CANONICAL, prepare


def test_recognises_common_column_names_and_formats() -> None:
    raw = pd.DataFrame(
        {
            "Record ID": ["1", "2", "3", "4"],
            "Forename": ["Bill", "Zoë", "mary-jane", None],
            "Last_Name": ["O'Brien", "smith", "Jones", "Khan"],
            "Date of Birth": ["1980-03-04", "19800304", "04/03/1980", dt.date(1980, 3, 4)],
            "Post Code": ["sw1a1aa", "SW1A 1AA", "", None],
            "Address Line 1": ["1 High St", "Flat 2", None, ""],
            "address_line_2": ["Leeds", None, "York", ""],
            "NINO": ["ab 12 34 56 c", "bad", None, ""],
            "Sex": ["male", "F", "x", None],
            "Telephone": ["+44 7700 900123", "07700900123", "", None],
            "shoe_size": [9, 10, 11, 12],
        }
    )
    out = prepare(raw, source_dataset="police")
    assert list(out.columns[: len(CANONICAL)]) == CANONICAL
    assert "shoe_size" not in out.columns
    assert out["unique_id"].tolist() == ["1", "2", "3", "4"]
    assert out["source_dataset"].unique().tolist() == ["police"]
    assert out["given_name"].tolist()[:3] == ["BILL", "ZOE", "MARY JANE"]
    assert out["given_canon"][0] == "WILLIAM"
    assert out["surname"][0] == "OBRIEN"
    assert out["dob"].tolist() == ["1980-03-04"] * 4
    assert out["dob_day"].tolist() == [4] * 4 and out["dob_month"].tolist() == [3] * 4
    assert out["postcode"].tolist()[:2] == ["SW1A 1AA", "SW1A 1AA"]
    assert out["pc_sector"][0] == "SW1A 1" and out["pc_district"][0] == "SW1A"
    assert out["address"][0] == "1 HIGH ST LEEDS"
    assert out["ni_number"][0] == "AB123456C"
    assert out["gender"].tolist()[:2] == ["M", "F"]
    assert out["phone"][0] == out["phone"][1] == "07700900123"
    assert out.attrs["unreadable"] == {"ni_number": 1}


def test_bad_dates_keep_the_record_with_a_null_dob() -> None:
    raw = pd.DataFrame({"id": ["a", "b", "c"], "first_name": ["A", "B", "C"], "dob": ["31/02/1980", "soon", None]})
    out = prepare(raw)
    assert len(out) == 3
    assert out["dob"].isna().all()
    assert out.attrs["unreadable"]["dob"] == 2


def test_mapping_overrides_names_and_missing_ids_are_numbered() -> None:
    raw = pd.DataFrame({"nom": ["Anne"], "famille": ["Dupont"], "first_name": ["ignored"]})
    out = prepare(raw, mapping={"given_name": "nom", "surname": "famille"})
    assert out["given_name"][0] == "ANNE" and out["surname"][0] == "DUPONT"
    assert out["unique_id"][0] == "0"
    with pytest.raises(ValueError):
        prepare(raw, mapping={"given_name": "missing"})


def test_timestamp_column() -> None:
    raw = pd.DataFrame({"id": [1], "dob": pd.to_datetime(["1975-12-01"])})
    assert prepare(raw)["dob"][0] == "1975-12-01"
