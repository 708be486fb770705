from __future__ import annotations

from pathlib import Path

import pytest

from sochub.engine.prioritise import InputError, inputs, read_edges, read_nodes, read_offences

from .graphs import write_csv


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ids_are_kept_exactly_as_written(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ["Source", "TARGET"], [["007", "Smith, J"], ["NA", "0012"]])
    edges, notes = read_edges(path)
    assert edges["source"].tolist() == ["007", "NA"] and edges["target"].tolist() == ["Smith, J", "0012"]
    assert edges["weight"].tolist() == [1.0, 1.0] and notes["edge rows read"] == 2


def test_self_loops_and_blank_rows_are_counted_not_dropped_silently(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", "source,target,weight\na,b,2\n\nc,c,1\nb,c,\n")
    edges, notes = read_edges(path)
    assert len(edges) == 2
    assert notes == {
        "edge rows read": 3,
        "blank edge rows ignored": 1,
        "blank weights taken as 1": 1,
        "self-loops ignored": 1,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "e.csv: the file is empty"),
        ("source,target\n", "e.csv: no data rows under the header"),
        ("from,to\na,b\n", "e.csv, row 1: missing columns 'source', 'target' (the header has 'from', 'to')"),
        ("source,weight\na,1\n", "e.csv, row 1: missing column 'target'"),
        ("source,target,weight\na,b,1\nb,c,lots\n", "e.csv, row 3, column 'weight': 'lots' is not a number"),
        ("source,target,weight\na,b,0\n", "e.csv, row 2, column 'weight': '0' must be above 0"),
        ("source,target,weight\na,b,-2\n", "must be above 0"),
        ("source,target,weight\na,b,inf\n", "row 2, column 'weight'"),
        ("source,target\na,b\n,c\n", "e.csv, row 3, column 'source': empty"),
        ("source,target\na,b\nc,d,e\n", "e.csv: not readable as CSV: Expected 2 fields in line 3, saw 3"),
        ("source,target,source\na,b,c\n", "e.csv, row 1: the column 'source' appears more than once"),
    ],
)
def test_bad_edge_files_name_the_file_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_edges(write(tmp_path, "e.csv", text))
    assert message in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv: no such file"):
        read_edges(tmp_path / "nope.csv")


def test_nodes_split_markers_and_refuse_repeated_ids(tmp_path: Path) -> None:
    path = write(tmp_path, "n.csv", 'id,markers,role\n007,"Firearms; violence ;",suspect\nB,,victim\n')
    nodes, has_markers, _ = read_nodes(path)
    assert has_markers and nodes["markers"].tolist() == [("firearms", "violence"), ()]
    assert nodes["role"].tolist() == ["suspect", "victim"]
    with pytest.raises(InputError, match=r"n2.csv, row 3, column 'id': the id 'A' is on rows 2, 3"):
        read_nodes(write(tmp_path, "n2.csv", "id\nA\nA\n"))
    nodes, has_markers, _ = read_nodes(write(tmp_path, "n3.csv", "id\nA\n"))
    assert not has_markers and nodes["role"].tolist() == [""]


def test_offence_dates_iso_or_uk_and_bad_ones_named(tmp_path: Path) -> None:
    path = write(tmp_path, "o.csv", "id,date,offence_type\na,2024-03-01,robbery\nb,02/03/2024,fraud\n")
    offences, notes = read_offences(path)
    assert [str(d)[:10] for d in offences["date"]] == ["2024-03-01", "2024-03-02"]
    assert notes["offence rows read"] == 2
    for text, message in [
        ("id,date,offence_type\na,2024-02-30,robbery\n", "o2.csv, row 2, column 'date': '2024-02-30' is not a date"),
        ("id,date,offence_type\na,2024-02-01,robbery\nb,,fraud\n", "o2.csv, row 3, column 'date': empty"),
        ("id,date,offence_type\na,2024-02-01,\n", "o2.csv, row 2, column 'offence_type': empty"),
        ("id,when,offence_type\na,2024-02-01,x\n", "o2.csv, row 1: missing column 'date'"),
    ]:
        with pytest.raises(InputError) as caught:
            read_offences(write(tmp_path, "o2.csv", text))
        assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "fast"),
    [
        ('\ufeffsource,Target,weight\n007,NA,2\n\n,,\n"Smith, J","say ""hi""", 3 \nx,y,\n', True),
        ("source,target\r\na,b\r\nb,a\r\n", True),
        ('source,target,weight,notes\na,b,1.5,\nc,d,1e1,"two\nlines"\n', True),
        ("source,target,weight\na,b,1\nc,d\n", False),  # a short row: pandas reads it, pyarrow leaves it to pandas
        ('"source",target\na,b\n', False),  # a quoted header
    ],
)
def test_the_fast_reader_and_pandas_agree(
    tmp_path: Path, text: str, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "e.csv", text)
    assert (inputs._read_arrow(path, ("weight",)) is not None) == fast
    edges, notes = read_edges(path)
    monkeypatch.setattr(inputs, "_read_arrow", lambda *_args: None)
    slow_edges, slow_notes = read_edges(path)
    assert notes == slow_notes
    assert edges.astype(object).to_dict("list") == slow_edges.astype(object).to_dict("list")


def test_repetitive_columns_are_categorical_and_values_kept(tmp_path: Path) -> None:
    nodes, _, _ = read_nodes(write(tmp_path, "n.csv", "id,markers,role\na,drugs,victim\nb,,\nc,drugs,\n"))
    offences, _ = read_offences(write(tmp_path, "o.csv", "id,date,offence_type\na,2024-01-01,Robbery\n"))
    assert nodes["role"].dtype == "category" and nodes["role"].tolist() == ["victim", "", ""]
    assert nodes["markers"].tolist() == [("drugs",), (), ("drugs",)]
    assert offences["offence_type"].tolist() == ["Robbery"] and str(offences["id"].dtype) == "string"


def test_text_that_is_not_utf8_is_still_named(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"source,target\na,b\n\xff,c\n")
    with pytest.raises(InputError, match=r"e\.csv: not UTF-8 text"):
        read_edges(path)
