from __future__ import annotations

from pathlib import Path

import pytest

from sochub.engine.imports import (
    FIELD_BY_NAME,
    FIELD_KINDS,
    FIELDS,
    KINDS,
    Mapping,
    MappingError,
    dump_mapping,
    guess_mapping,
    load_mapping,
    parse_mapping,
    unmapped_required,
)
from sochub.engine.imports import mapping as mapping_module
from sochub.intel import models

GOOD_YAML = """
name: GMP nominals export
kind: nominals
source_key: [Record ID]
columns:
  given_name: Forename
  surname: Surname
  dob: DOB
  gender: Sex
date_formats: ["%d.%m.%y"]
value_maps:
  gender: {"1": M, "2": F}
defaults:
  gender: U
"""


def test_fields_cover_the_brief_and_use_known_kinds() -> None:
    assert set(FIELDS) == set(KINDS)
    assert [f.name for f in FIELDS["nominals"]] == [
        "source_key", "given_name", "middle_names", "surname", "dob", "gender", "alias", "postcode", "address",
        "pnc_id", "ni_number", "phone", "email", "vrm", "warning_markers", "notes",
    ]
    for specs in FIELDS.values():
        assert specs[0].name == "source_key"
        for spec in specs:
            assert spec.kind in FIELD_KINDS and spec.hint and spec.label
            if spec.kind == "choice" or spec.item_kind == "choice":
                assert spec.choices
    required = {k: {f.name for f in specs if f.required} for k, specs in FIELDS.items()}
    assert required["nominals"] == {"surname"}
    assert required["associations"] == {"nominal_a", "nominal_b", "type"}
    assert required["ocg-members"] == {"ocg", "nominal", "role"}
    assert required["intel"] == {
        "title", "text", "date_of_intelligence", "source_evaluation", "intelligence_assessment", "handling_code"
    }


def test_codes_agree_with_the_django_models() -> None:
    """The engine copies these codes (it may not import Django): keep them in step."""
    assert set(mapping_module.WARNING_MARKERS) == set(models.WarningMarker.values)
    assert set(mapping_module.ASSOCIATION_TYPES) == set(models.AssociationType.values)
    assert set(mapping_module.MEMBER_ROLES) == set(models.MemberRole.values)
    assert set(mapping_module.SOURCE_EVALUATIONS) == set(models.SourceEvaluation.values)
    assert set(mapping_module.INTELLIGENCE_ASSESSMENTS) == set(models.IntelligenceAssessment.values)
    assert set(mapping_module.HANDLING_CODES) == set(models.HandlingCode.values)
    assert set(mapping_module.CLASSIFICATIONS) == set(models.Classification.values)
    assert FIELD_BY_NAME["intel"]["title"].max_length == models.IntelligenceRecord._meta.get_field("title").max_length
    assert FIELD_BY_NAME["intel"]["text"].max_length == 20_000


def test_load_and_dump_round_trip(tmp_path: Path) -> None:
    mapping = load_mapping(GOOD_YAML)
    assert mapping.kind == "nominals" and mapping.key_columns() == ["Record ID"]
    again = load_mapping(dump_mapping(mapping))
    assert again == mapping
    path = tmp_path / "m.yaml"
    path.write_text(dump_mapping(mapping), encoding="utf-8")
    assert load_mapping(path) == mapping


def test_key_column_defaults_to_the_source_key_field() -> None:
    mapping = Mapping(kind="nominals", columns={"source_key": "Ref", "surname": "Surname"})
    assert mapping.key_columns() == ["Ref"]
    assert Mapping(kind="nominals", columns={"surname": "Surname"}).key_columns() == []


def test_kind_spelling_is_forgiven() -> None:
    assert Mapping(kind="OCG_members", columns={"ocg": "a", "nominal": "b", "role": "c"}).kind == "ocg-members"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: people\ncolumns: {}", "‘people’ is not a kind of import; use one of: nominals, associations"),
        ("kind: nominals\ncolumns: {forename: A, surname: B}", "‘forename’ is not a field of a nominals import"),
        ("kind: nominals\ncolumns: {given_name: A}", "required field ‘surname’ (Surname) has no column"),
        ("kind: intel\ncolumns: {title: T}", "‘text’"),
        ("kind: nominals\ncolumns: {surname: B}\ncolums: {}", "‘colums’ is not a mapping setting"),
        ("columns: {surname: B}", "the setting ‘kind’ is missing"),
        ("kind: nominals\ncolumns: {surname: [B, C]}", "columns.surname"),
        ("kind: nominals\ncolumns:\n  surname: B\n   given_name: A", "not valid YAML at line"),
        ("- a\n- b", "must be a set of settings"),
        ("", "The mapping is empty"),
        ("kind: nominals\ncolumns: {surname: S}\ndate_formats: [dd/mm/yyyy]", "has no % codes"),
        ("kind: nominals\ncolumns: {surname: S}\nvalue_maps: {sex: {'1': M}}", "value_maps: ‘sex’ is not a field"),
        ("kind: nominals\ncolumns: {surname: S}\ndefaults: {gender: Q}", "defaults: gender: ‘Q’ is not an allowed"),
        ("kind: nominals\ncolumns: {surname: ' '}", "mapped to an empty column name"),
    ],
)
def test_mapping_errors_are_plain_english(text: str, message: str) -> None:
    with pytest.raises(MappingError) as caught:
        load_mapping(text)
    assert message in str(caught.value)


def test_a_misspelt_field_gets_a_suggestion() -> None:
    with pytest.raises(MappingError, match="Did you mean ‘surname’"):
        load_mapping("kind: nominals\ncolumns: {surnme: B}")


def test_default_satisfies_a_required_field() -> None:
    mapping = load_mapping("kind: intel\ncolumns: {title: T, text: X, date_of_intelligence: D}\n"
                           "defaults: {source_evaluation: '2', intelligence_assessment: B, handling_code: P}")
    assert mapping.defaults["handling_code"] == "P"


def test_missing_mapping_file_is_a_mapping_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="Cannot read the mapping file"):
        load_mapping(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("kind", "headers", "expected"),
    [
        (
            "nominals",
            ["Record ID", "first_name", "LAST NAME", "Date of Birth", "Post Code", "PNC ID", "NI Number",
             "Telephone", "Unrelated"],
            {"source_key": "Record ID", "given_name": "first_name", "surname": "LAST NAME",
             "dob": "Date of Birth", "postcode": "Post Code", "pnc_id": "PNC ID", "ni_number": "NI Number",
             "phone": "Telephone"},
        ),
        (
            "nominals",
            ["id", "Forename", "Family Name", "DOB", "postcode", "nino", "mobile", "gender", "aliases"],
            {"source_key": "id", "given_name": "Forename", "surname": "Family Name", "dob": "DOB",
             "postcode": "postcode", "ni_number": "nino", "phone": "mobile", "gender": "gender", "alias": "aliases"},
        ),
        (
            "nominals",
            ["given_name", "surname", "dob"],
            {"given_name": "given_name", "surname": "surname", "dob": "dob"},
        ),
        (
            "ocg-members",
            ["Ref", "OCG URN", "Nominal ID", "Role", "Date From", "Date To"],
            {"source_key": "Ref", "ocg": "OCG URN", "nominal": "Nominal ID", "role": "Role", "date_from": "Date From",
             "date_to": "Date To"},
        ),
        (
            "associations",
            ["Nominal A", "Nominal B", "Association Type", "Strength"],
            {"nominal_a": "Nominal A", "nominal_b": "Nominal B", "type": "Association Type", "strength": "Strength"},
        ),
        (
            "intel",
            ["URN", "Title", "Intelligence", "Date of Intelligence", "Source Evaluation", "Intelligence Assessment",
             "Handling Code", "Handling Conditions", "GPMS", "Subjects"],
            {"source_key": "URN", "title": "Title", "text": "Intelligence",
             "date_of_intelligence": "Date of Intelligence", "source_evaluation": "Source Evaluation",
             "intelligence_assessment": "Intelligence Assessment", "handling_code": "Handling Code",
             "handling_conditions": "Handling Conditions", "classification": "GPMS", "subjects": "Subjects"},
        ),
    ],
)
def test_guess_mapping_recognises_common_headers(kind: str, headers: list[str], expected: dict[str, str]) -> None:
    guessed = guess_mapping(kind, headers)
    assert guessed.columns == expected
    assert guessed.key_columns() == ([expected["source_key"]] if "source_key" in expected else [])
    assert parse_mapping(guessed.model_dump()) == guessed


def test_guess_mapping_leaves_gaps_for_a_person_to_fill() -> None:
    guessed = guess_mapping("nominals", ["Forename", "Colour"])
    assert [s.name for s in unmapped_required(guessed)] == ["surname"]
    with pytest.raises(MappingError, match="surname"):
        parse_mapping(guessed.model_dump())
    with pytest.raises(MappingError, match="not a kind of import"):
        guess_mapping("people", ["a"])
