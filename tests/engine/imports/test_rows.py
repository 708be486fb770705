from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sochub.engine.imports import (
    Mapping,
    MappingError,
    RejectedRow,
    ValidRow,
    guess_mapping,
    load_mapping,
    read_table,
    validate_row,
    validate_table,
)

from .conftest import TODAY


def _nominals_mapping(headers: list[str]) -> Mapping:
    guessed = guess_mapping("nominals", headers)
    return Mapping.model_validate(guessed.model_dump())


def _split(results: list[ValidRow | RejectedRow]) -> tuple[dict[int, ValidRow], dict[int, RejectedRow]]:
    valid = {r.row_number: r for r in results if isinstance(r, ValidRow)}
    rejected = {r.row_number: r for r in results if isinstance(r, RejectedRow)}
    return valid, rejected


def test_nominals_csv_splits_valid_and_rejected_with_reasons(nominals_csv: Path) -> None:
    table = read_table(nominals_csv)
    mapping = _nominals_mapping(table.headers)
    assert mapping.columns["alias"] == "AKA" and mapping.columns["warning_markers"] == "Warnings"
    valid, rejected = _split(list(validate_table(mapping, table, today=TODAY)))
    assert sorted(valid) == [2, 3, 8]
    assert sorted(rejected) == [4, 5, 6, 9]

    zoe = valid[2].values
    assert valid[2].source_key == "GMP-0001"
    assert zoe["given_name"] == "Zoë" and zoe["given_name_key"] == "ZOE"
    assert zoe["surname"] == "O’Brien" and zoe["surname_key"] == "OBRIEN"
    assert zoe["dob"] == date(1990, 1, 31) and zoe["gender"] == "F"
    assert zoe["alias"] == ["Zee", "ZoZo"] and zoe["alias_key"] == ["ZEE", "ZOZO"]
    assert zoe["postcode"] == "SW1A 1AA" and zoe["postcode_key"] == "SW1A1AA"
    assert zoe["pnc_id"] == "98/1234567A" and zoe["ni_number"] == "AB123456C"
    assert zoe["phone"] == "07700 900123" and zoe["phone_key"] == "07700900123"
    assert zoe["email"] == "zoe@example.com" and zoe["vrm"] == "AB12CDE"
    assert zoe["warning_markers"] == ["firearms", "drugs"]
    john = valid[3].values
    assert john["pnc_id"] == "01/0000123A" and john["phone_key"] == "07700900456" and john["email"] is None
    assert john["alias"] == [] and john["middle_names"] is None
    assert valid[8].values["gender"] == "U" and valid[8].values["dob"] == date(1975, 2, 1)

    priya = rejected[4].reasons
    assert set(priya) == {"dob", "postcode", "pnc_id", "ni_number", "phone", "email", "vrm", "warning_markers"}
    assert priya["dob"] == "‘31/02/1990’ is not a real date (column ‘DOB’)"
    assert priya["pnc_id"] == "‘12345’ is not a PNC ID: expected YY/NNNNNNNL, e.g. 98/1234567A (column ‘PNC ID’)"
    assert "‘XX1’ is not a UK postcode" in priya["postcode"]
    assert "‘bogus’ is not an allowed warning marker: use one of firearms" in priya["warning_markers"]
    assert rejected[4].source_key == "GMP-0003"
    assert rejected[5].reasons == {"surname": "Surname is required: the cell is empty (column ‘Surname’)"}
    assert rejected[6].reasons == {
        "dob": "‘01/01/2099’ is in the future: the date of birth must be today or earlier (column ‘DOB’)"
    }
    assert rejected[9].reasons == {
        "source_key": "the record ID ‘GMP-0002’ is already used by row 3 of this file (column ‘Record ID’)"
    }
    assert table.blank_rows == [7]


def test_xlsx_with_deliberate_errors(nominals_xlsx: Path) -> None:
    table = read_table(nominals_xlsx)
    mapping = _nominals_mapping(table.headers)
    assert mapping.key_columns() == ["Ref"]
    valid, rejected = _split(list(validate_table(mapping, table, today=TODAY)))
    assert sorted(valid) == [2, 3] and sorted(rejected) == [5, 6]
    assert valid[2].source_key == "101" and valid[2].values["phone_key"] == "07700900123"
    assert valid[2].values["dob"] == date(1990, 1, 31)
    assert set(rejected[5].reasons) == {"dob", "pnc_id"}
    assert "looks like a spreadsheet formula" in rejected[6].reasons["notes"]


def test_same_file_twice_gives_identical_keys_and_fingerprints(nominals_csv: Path, nominals_xlsx: Path) -> None:
    for path in (nominals_csv, nominals_xlsx):
        mapping = _nominals_mapping(read_table(path).headers)
        first = [(r.source_key, r.fingerprint) for r in validate_table(mapping, read_table(path), today=TODAY)
                 if isinstance(r, ValidRow)]
        second = [(r.source_key, r.fingerprint) for r in validate_table(mapping, read_table(path), today=TODAY)
                  if isinstance(r, ValidRow)]
        assert first == second and len(first) >= 2


def test_fingerprint_changes_with_values_but_not_with_formatting() -> None:
    mapping = Mapping(kind="nominals", columns={"source_key": "Ref", "surname": "Surname", "dob": "DOB"})
    a = validate_row(mapping, 2, {"Ref": "1", "Surname": "Smith", "DOB": "31/01/1990"}, today=TODAY)
    b = validate_row(mapping, 9, {"Ref": "1", "Surname": " Smith ", "DOB": "1990-01-31"}, today=TODAY)
    c = validate_row(mapping, 2, {"Ref": "1", "Surname": "Smyth", "DOB": "1990-01-31"}, today=TODAY)
    assert isinstance(a, ValidRow) and isinstance(b, ValidRow) and isinstance(c, ValidRow)
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert a.source_key == c.source_key == "1"
    assert len(a.fingerprint) == 64


def test_hash_source_key_when_no_key_column(tmp_path: Path) -> None:
    path = tmp_path / "nokey.csv"
    path.write_text("Surname,DOB\nSmith,31/01/1990\nJones,1980-05-05\nSmith,1990-01-31\n", encoding="utf-8")
    mapping = Mapping(kind="nominals", columns={"surname": "Surname", "dob": "DOB"})
    results = list(validate_table(mapping, read_table(path), today=TODAY))
    valid, rejected = _split(results)
    assert valid[2].source_key.startswith("sha256:") and len(valid[2].source_key) == 71
    assert valid[2].source_key != valid[3].source_key
    assert rejected[4].reasons == {"row": "this row repeats row 2 of this file"}
    again = list(validate_table(mapping, read_table(path), today=TODAY))
    assert [getattr(r, "source_key", None) for r in again] == [getattr(r, "source_key", None) for r in results]


def test_hash_key_of_a_membership_is_its_ocg_and_person() -> None:
    """Without a record ID, a changed role must update the membership, not add a second one."""
    mapping = Mapping(kind="ocg-members", columns={"ocg": "OCG", "nominal": "Who", "role": "Role"})
    a = validate_row(mapping, 2, {"OCG": "OCG-0001", "Who": "98/1234567A", "Role": "peripheral"}, today=TODAY)
    b = validate_row(mapping, 2, {"OCG": "OCG-0001", "Who": "98/1234567a", "Role": "Principal"}, today=TODAY)
    assert isinstance(a, ValidRow) and isinstance(b, ValidRow)
    assert a.source_key == b.source_key and a.fingerprint != b.fingerprint


def test_composite_key_and_empty_key() -> None:
    mapping = Mapping(kind="nominals", columns={"surname": "Surname"}, source_key=["System", "Id"])
    row = validate_row(mapping, 2, {"System": "NICHE", "Id": "77", "Surname": "Smith"}, today=TODAY)
    assert isinstance(row, ValidRow) and row.source_key == "NICHE | 77"
    bad = validate_row(mapping, 3, {"System": "NICHE", "Id": " ", "Surname": "Smith"}, today=TODAY)
    assert isinstance(bad, RejectedRow) and "the record ID is empty" in bad.reasons["source_key"]


def test_all_problems_of_a_row_are_reported_at_once() -> None:
    mapping = Mapping(kind="nominals", columns={"surname": "S", "dob": "D", "ni_number": "NI", "given_name": "G"})
    row = validate_row(mapping, 5, {"S": "", "D": "soon", "NI": "X", "G": "J0hn"}, today=TODAY)
    assert isinstance(row, RejectedRow)
    assert set(row.reasons) == {"surname", "dob", "ni_number", "given_name"}
    assert row.reasons["dob"] == "‘soon’ is not a date we can read: write it like 31/01/1990 or 1990-01-31 (column ‘D’)"
    assert "characters not used in names: ‘0’" in row.reasons["given_name"]
    # reasons follow the order of the kind's fields, each led by the column header
    assert row.summary().startswith("G: ‘J0hn’ contains characters not used in names: ‘0’; S: Surname is required")


def test_value_maps_defaults_and_date_formats() -> None:
    mapping = load_mapping(
        "kind: nominals\ncolumns: {surname: S, gender: G, dob: D}\n"
        "date_formats: ['%m/%d/%Y']\nvalue_maps: {gender: {'1': M, '2': F}}\ndefaults: {gender: U}"
    )
    row = validate_row(mapping, 2, {"S": "Smith", "G": "2", "D": "12/31/1990"}, today=TODAY)
    assert isinstance(row, ValidRow) and row.values["gender"] == "F" and row.values["dob"] == date(1990, 12, 31)
    row = validate_row(mapping, 3, {"S": "Smith", "G": "", "D": ""}, today=TODAY)
    assert isinstance(row, ValidRow) and row.values["gender"] == "U" and row.values["dob"] is None
    row = validate_row(mapping, 4, {"S": "Smith", "G": "7", "D": "1899-12-31"}, today=TODAY)
    assert isinstance(row, RejectedRow)
    assert row.reasons["gender"] == "‘7’ is not an allowed gender: use one of M, F, X, U (column ‘G’)"
    assert row.reasons["dob"] == "‘1899-12-31’ is before 1900: check the year (column ‘D’)"


def test_nul_bytes_control_characters_and_overlong_cells_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    long_text = "x" * 25_000
    path.write_bytes(
        b"Ref,Surname,Notes\n"
        b"1,Sm\x00ith,ok\n"
        + f"2,Smith,{long_text}\n".encode()
        + b"3,Smith,bell\x07\n"
        + f"4,{'A' * 101},ok\n".encode()
        + b"5,Smith,ok\n"
    )
    mapping = Mapping(kind="nominals", columns={"source_key": "Ref", "surname": "Surname", "notes": "Notes"})
    valid, rejected = _split(list(validate_table(mapping, read_table(path), today=TODAY)))
    assert sorted(valid) == [6]
    assert "contains a NUL byte" in rejected[2].reasons["surname"]
    assert "Sm\\x00ith" in rejected[2].reasons["surname"]
    assert rejected[3].reasons["notes"] == "Notes is 25,000 characters long; the most allowed is 5,000 (column ‘Notes’)"
    assert "control characters" in rejected[4].reasons["notes"]
    assert rejected[5].reasons["surname"].startswith("Surname is 101 characters long; the most allowed is 100")


def test_unreadable_characters_are_rejected_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Ref,Surname\n1,Sm\x81th\n")  # 0x81 is undefined in Windows-1252
    mapping = Mapping(kind="nominals", columns={"source_key": "Ref", "surname": "Surname"})
    (row,) = validate_table(mapping, read_table(path), today=TODAY)
    assert isinstance(row, RejectedRow) and "could not be read" in row.reasons["surname"]


def test_extra_cells_reject_the_row(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("Ref,Surname,Address\n1,Smith,1 High St, Leeds\n2,Jones,2 Low St\n", encoding="utf-8")
    mapping = Mapping(kind="nominals", columns={"source_key": "Ref", "surname": "Surname", "address": "Address"})
    valid, rejected = _split(list(validate_table(mapping, read_table(path), today=TODAY)))
    assert sorted(valid) == [3]
    assert "1 more filled cell(s) than there are headers (‘ Leeds’)" in rejected[2].reasons["row"]
    assert rejected[2].summary().startswith("Row: this row has 1 more")


def test_a_mapped_column_missing_from_the_file_stops_before_any_row(nominals_csv: Path) -> None:
    mapping = Mapping(kind="nominals", columns={"surname": "Family"})
    with pytest.raises(MappingError, match=r"does not fit gmp-nominals\.csv: the column ‘Family’ for surname"):
        list(validate_table(mapping, read_table(nominals_csv)))


def test_headers_match_forgivingly() -> None:
    mapping = Mapping(kind="nominals", columns={"surname": "Last Name"})
    row = validate_row(mapping, 2, {"last_name": "Smith"}, today=TODAY)
    assert isinstance(row, ValidRow) and row.values["surname"] == "Smith"


# ----------------------------------------------------------------- each kind: a good row and a bad row

ASSOCIATIONS = Mapping(
    kind="associations",
    columns={"source_key": "Ref", "nominal_a": "A", "nominal_b": "B", "type": "Type", "strength": "Strength",
             "since": "Since", "note": "Note"},
)
OCG_MEMBERS = Mapping(
    kind="ocg-members",
    columns={"source_key": "Ref", "ocg": "OCG", "nominal": "Who", "role": "Role", "date_from": "From",
             "date_to": "To", "activities": "Activities"},
)
INTEL = Mapping(
    kind="intel",
    columns={"source_key": "URN", "title": "Title", "text": "Text", "date_of_intelligence": "Date",
             "source_evaluation": "Eval", "intelligence_assessment": "Assess", "handling_code": "Handling",
             "handling_conditions": "Conditions", "classification": "Class", "subjects": "Subjects"},
)


def test_association_good_and_bad() -> None:
    good = validate_row(ASSOCIATIONS, 2, {"Ref": "L1", "A": "GMP-0001", "B": "98/1234567a", "Type": "Co-accused",
                                          "Strength": "strong", "Since": "2020-03-01", "Note": "Charged together"},
                        today=TODAY)
    assert isinstance(good, ValidRow)
    assert good.values["nominal_a"] == "GMP-0001" and good.values["nominal_a_ref"] == "source_key"
    assert good.values["nominal_b"] == "98/1234567A" and good.values["nominal_b_ref"] == "pnc_id"
    assert good.values["type"] == "co_accused" and good.values["strength"] == 3
    bad = validate_row(ASSOCIATIONS, 3, {"Ref": "L2", "A": "", "B": "X", "Type": "enemy", "Strength": "5",
                                         "Since": "2030-01-01", "Note": ""}, today=TODAY)
    assert isinstance(bad, RejectedRow)
    assert set(bad.reasons) == {"nominal_a", "type", "strength", "since"}
    assert "use one of family, partner, criminal, social, business, co_accused, communication" in bad.reasons["type"]
    assert "use a whole number from 1 to 3" in bad.reasons["strength"]
    same = validate_row(ASSOCIATIONS, 4, {"Ref": "L3", "A": "98/1234567A", "B": "98/1234567a", "Type": "family",
                                          "Strength": "", "Since": "", "Note": ""}, today=TODAY)
    assert isinstance(same, RejectedRow) and "same person" in same.reasons["nominal_b"]


def test_ocg_membership_good_and_bad() -> None:
    good = validate_row(OCG_MEMBERS, 2, {"Ref": "M1", "OCG": "OCG-0007", "Who": "GMP-0001", "Role": "PRINCIPAL",
                                         "From": "01/01/2020", "To": "", "Activities": "supply | money laundering"},
                        today=TODAY)
    assert isinstance(good, ValidRow)
    assert good.values["role"] == "principal" and good.values["activities"] == ["supply", "money laundering"]
    assert good.values["date_to"] is None
    bad = validate_row(OCG_MEMBERS, 3, {"Ref": "M2", "OCG": "", "Who": "GMP-0002", "Role": "boss",
                                        "From": "", "To": "", "Activities": ""}, today=TODAY)
    assert isinstance(bad, RejectedRow) and set(bad.reasons) == {"ocg", "role"}
    assert "use one of principal, significant, peripheral" in bad.reasons["role"]
    backwards = validate_row(OCG_MEMBERS, 4, {"Ref": "M3", "OCG": "OCG-0007", "Who": "GMP-0002", "Role": "peripheral",
                                              "From": "2022-01-01", "To": "2021-01-01", "Activities": ""}, today=TODAY)
    assert isinstance(backwards, RejectedRow)
    assert backwards.reasons == {"date_to": "01/01/2021 is before the start date 01/01/2022 (column ‘To’)"}


def test_intel_good_and_bad() -> None:
    raw = {"URN": "INT-1", "Title": "Supply in Moss Side", "Text": "Subject seen supplying.\nSecond line.",
           "Date": "31/05/2025", "Eval": "2", "Assess": "b", "Handling": "C", "Conditions": "Not for court",
           "Class": "official sensitive", "Subjects": "GMP-0001; 98/1234567A"}
    good = validate_row(INTEL, 2, raw, today=TODAY)
    assert isinstance(good, ValidRow)
    assert good.values["intelligence_assessment"] == "B" and good.values["classification"] == "OFFICIAL-SENSITIVE"
    assert good.values["subjects"] == ["GMP-0001", "98/1234567A"]
    assert good.values["subjects_ref"] == ["source_key", "pnc_id"]
    assert good.values["text"] == "Subject seen supplying.\nSecond line."
    bad = validate_row(INTEL, 3, {**raw, "Date": "02/06/2025", "Eval": "5", "Handling": "C", "Conditions": "",
                                  "Title": ""}, today=TODAY)
    assert isinstance(bad, RejectedRow)
    assert set(bad.reasons) == {"date_of_intelligence", "source_evaluation", "title"}
    assert "is in the future" in bad.reasons["date_of_intelligence"]
    conditions = validate_row(INTEL, 4, {**raw, "Conditions": " "}, today=TODAY)
    assert isinstance(conditions, RejectedRow)
    assert conditions.reasons == {
        "handling_conditions": "handling code C needs the handling conditions: enter them (column ‘Conditions’)"
    }
    long_text = validate_row(INTEL, 5, {**raw, "Text": "x" * 20_001}, today=TODAY)
    assert isinstance(long_text, RejectedRow) and "the most allowed is 20,000" in long_text.reasons["text"]


def test_intel_handling_value_map() -> None:
    mapping = INTEL.model_copy(update={"value_maps": {"handling_code": {"Lawful sharing": "P"}}})
    raw = {"URN": "INT-2", "Title": "T", "Text": "X", "Date": "2025-01-01", "Eval": "1", "Assess": "A",
           "Handling": "lawful sharing", "Conditions": "", "Class": "", "Subjects": ""}
    row = validate_row(mapping, 2, raw, today=TODAY)
    assert isinstance(row, ValidRow) and row.values["handling_code"] == "P" and row.values["classification"] is None


def test_cross_field_reason_when_the_field_has_no_column() -> None:
    columns = {k: v for k, v in INTEL.columns.items() if k != "handling_conditions"}
    mapping = INTEL.model_copy(update={"columns": columns})
    raw = {"URN": "INT-3", "Title": "T", "Text": "X", "Date": "2025-01-01", "Eval": "1", "Assess": "A",
           "Handling": "C", "Class": "", "Subjects": ""}
    row = validate_row(mapping, 2, raw, today=TODAY)
    assert isinstance(row, RejectedRow)
    assert row.reasons["handling_conditions"].endswith("enter them (no column is mapped for it)")
    assert row.summary() == "Handling conditions: handling code C needs the handling conditions: enter them " \
        "(no column is mapped for it)"
