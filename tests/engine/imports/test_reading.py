from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from sochub.engine.imports import TableError, preview, read_table


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_csv_rows_are_numbered_as_the_user_sees_them(nominals_csv: Path) -> None:
    table = read_table(nominals_csv)
    assert table.format == "csv" and table.delimiter == "," and table.encoding == "utf-8-sig"
    assert table.headers[:4] == ["Record ID", "Forename", "Middle Names", "Surname"]
    rows = list(table.rows())
    assert [n for n, _ in rows] == [2, 3, 4, 5, 6, 8, 9]
    assert table.blank_rows == [7]
    assert rows[0][1]["Forename"] == "Zoë"
    assert rows[1][1]["Notes"] == 'Lives with partner, "Jo"'
    assert table.total_rows() == 7


def test_utf8_bom_and_cp1252_and_semicolons(tmp_path: Path) -> None:
    bom = _write(tmp_path, "bom.csv", "\ufeffRef,Surname\n1,Zoë\n".encode())
    table = read_table(bom)
    assert table.headers == ["Ref", "Surname"] and list(table.rows()) == [(2, {"Ref": "1", "Surname": "Zoë"})]

    legacy = _write(tmp_path, "legacy.csv", "Ref;Surname;Notes\r\n1;Zoë O’Brien;café; £5\r\n".encode("cp1252"))
    # the fourth cell has no header: the reader flags it instead of dropping it
    table = read_table(legacy)
    assert table.encoding == "cp1252" and table.delimiter == ";"
    rows = list(table.rows())
    assert rows[0][1] == {"Ref": "1", "Surname": "Zoë O’Brien", "Notes": "café"}
    assert "1 more filled cell" in table.row_problems[2]["row"]

    tabbed = _write(tmp_path, "tabbed.txt", b"Ref\tSurname\n1\tSmith, Jr\n")
    table = read_table(tabbed)
    assert table.delimiter == "\t" and next(iter(table.rows()))[1]["Surname"] == "Smith, Jr"

    utf16 = _write(tmp_path, "u16.csv", "Ref\tSurname\r\n1\tZoë\r\n".encode("utf-16"))
    assert next(iter(read_table(utf16).rows()))[1]["Surname"] == "Zoë"


def test_short_rows_are_padded_and_leading_blank_rows_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", b"\n;;\nRef;Surname;Notes\n1;Smith\n\n\n")
    table = read_table(path)
    assert table.header_row == 3
    assert list(table.rows()) == [(4, {"Ref": "1", "Surname": "Smith", "Notes": ""})]
    assert table.blank_rows == []  # trailing blank lines are not rows


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Ref,Surname,surname\n1,a,b\n", "columns B (‘Surname’) and C (‘surname’) have the same header"),
        (b"Ref,,Notes\n1,a,b\n", "column B of the header row (row 1) has no header"),
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"\xd0\xcf\x11\xe0rest", "old Excel (.xls)"),
        (b"PK\x03\x04garbage", "not a readable Excel"),
        (b"Re\x00f,Surname\n", "unreadable characters"),
        (b"A" * 300 + b",b\n", "is 300 characters long"),
    ],
)
def test_unusable_files_raise_table_error_naming_the_file(tmp_path: Path, data: bytes, message: str) -> None:
    path = _write(tmp_path, "partner-file.csv", data)
    with pytest.raises(TableError) as caught:
        read_table(path)
    assert message in str(caught.value) and "partner-file.csv" in str(caught.value)


def test_missing_file_is_a_table_error(tmp_path: Path) -> None:
    with pytest.raises(TableError, match=r"Cannot open nope\.csv"):
        read_table(tmp_path / "nope.csv")


def test_hostile_cells_are_passed_through_for_validation(tmp_path: Path) -> None:
    long = "x" * 200_000
    path = _write(tmp_path, "h.csv", f"Ref,Surname,Notes\n1,Sm\x00ith,{long}\n2,=HYPERLINK(\"x\"),ok\n".encode())
    rows = dict(read_table(path).rows())
    assert rows[2]["Surname"] == "Sm\x00ith" and len(rows[2]["Notes"]) == 200_000
    assert rows[3]["Surname"] == '=HYPERLINK("x")'


def test_xlsx_values_are_rendered_as_typed(nominals_xlsx: Path) -> None:
    table = read_table(nominals_xlsx)
    assert table.format == "xlsx" and table.sheet == "Nominals" and table.sheets == ["Nominals", "Other"]
    rows = dict(table.rows())
    assert rows[2] == {
        "Ref": "101", "First name": "Zoë", "Last name": "O’Brien", "Date of Birth": "1990-01-31",
        "Telephone": "7700900123", "PNC": "98/1234567A", "Notes": "Fine",
    }
    assert rows[3]["Notes"] == "42" and rows[3]["Date of Birth"] == "1985-07-04"
    assert rows[6]["Notes"].startswith("=HYPERLINK(")
    assert 4 not in rows and table.blank_rows == [4]
    assert table.total_rows() == 5
    assert read_table(nominals_xlsx, sheet="Other").headers == ["x"]


def test_xlsx_unknown_sheet_and_sheet_for_csv(nominals_xlsx: Path, nominals_csv: Path) -> None:
    with pytest.raises(TableError, match="no sheet called ‘Missing’; its sheets are: ‘Nominals’, ‘Other’"):
        read_table(nominals_xlsx, sheet="Missing")
    assert read_table(nominals_csv, sheet="Sheet1").sheet is None  # a CSV is one table: the sheet is ignored


def test_xlsx_datetime_with_time_and_floats(tmp_path: Path) -> None:
    from datetime import datetime

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["When", "Amount", "Flag"])
    ws.append([datetime(2024, 3, 1, 14, 30), 2.5, True])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    assert list(read_table(path).rows()) == [(2, {"When": "2024-03-01 14:30:00", "Amount": "2.5", "Flag": "TRUE"})]


def test_preview(nominals_csv: Path) -> None:
    headers, rows = preview(nominals_csv, rows=2)
    assert headers[0] == "Record ID" and [r["Record ID"] for r in rows] == ["GMP-0001", "GMP-0002"]


def test_delimiters_inside_quoted_headers_do_not_fool_the_sniffer(tmp_path: Path) -> None:
    path = _write(tmp_path, "q.csv", b'"Name, full";"Date, of birth";Ref\nSmith;1990-01-01;1\n')
    table = read_table(path)
    assert table.delimiter == ";" and table.headers == ["Name, full", "Date, of birth", "Ref"]
