"""Scoring models load from YAML, and a bad file says which file and which key is wrong."""

from __future__ import annotations

import copy

import pytest

from sochub.engine.scoring import (
    SUBJECTS,
    ScoringModelError,
    default_scoring_model,
    load_scoring_model,
    parse_scoring_model,
    score_assessment,
)

from .conftest import rate

EXPECTED_DIMENSIONS = {
    "harm": ["physical", "psychological", "financial", "community_environment", "geographic_scope"],
    "likelihood": ["frequency", "trend", "victim_vulnerability"],
    "confidence": ["confidence"],
    "organisational_position": ["capacity", "capability", "partnership_opportunity"],
}


@pytest.mark.parametrize("subject", SUBJECTS)
def test_each_default_loads_with_the_morile_structure_and_says_it_is_not_official(subject):
    model = default_scoring_model(subject)
    assert model.subject == subject
    assert model.version == "1.0"
    assert model.official is False
    assert "not the official MoRiLE scales" in model.notice
    assert {name: list(s.dimensions) for name, s in model.sections.present().items()} == EXPECTED_DIMENSIONS
    for _, dim in model.dimensions.values():
        assert len(dim.levels) >= 2
        assert all(lv.descriptor.strip() and lv.label.strip() for lv in dim.levels)
        assert [lv.value for lv in dim.levels] == sorted({lv.value for lv in dim.levels})
    assert [b.tier for b in model.risk.bands] == ["high", "medium", "low"]


def test_the_nominal_model_rates_the_vulnerability_of_the_people_they_harm_not_their_own():
    model = default_scoring_model("nominal")
    _, dim = model.dimensions["victim_vulnerability"]
    assert "Do not rate the person's own vulnerability" in dim.question
    assert "never raises their priority" in model.notice


def test_an_agency_loads_its_own_scales_from_another_file_without_code_changes(default_yaml, write_yaml):
    data = default_yaml("ocg.yaml")
    data.update(id="force-morile-tactical", name="Licensed tactical scales", version="2024.2", official=True)
    data["notice"] = "Licensed scales; do not share outside the force."
    # A 1-5 scale with double weight on physical harm.
    physical = data["sections"]["harm"]["dimensions"]["physical"]
    physical["weight"] = 2
    physical["levels"] = [{"value": v, "label": f"L{v}", "descriptor": f"Level {v}."} for v in range(1, 6)]

    model = load_scoring_model(write_yaml(data))

    assert (model.id, model.version, model.official) == ("force-morile-tactical", "2024.2", True)
    ratings, why = rate(model, harm=2, physical=5)
    result = score_assessment(model, ratings, why)
    assert result.dimension("physical").points == 10
    assert result.harm == 10 + 4 * 2
    assert result.sections["harm"].highest == 2 * 5 + 4 * 4
    assert (result.model_id, result.model_version) == ("force-morile-tactical", "2024.2")


def _error(path_or_data, name: str = "agency.yaml") -> str:
    with pytest.raises(ScoringModelError) as info:
        if isinstance(path_or_data, dict):
            parse_scoring_model(path_or_data, file=name)
        else:
            load_scoring_model(path_or_data)
    return str(info.value)


def test_a_missing_descriptor_is_named_with_the_file_and_key(default_yaml, write_yaml):
    data = default_yaml("theme.yaml")
    del data["sections"]["harm"]["dimensions"]["physical"]["levels"][1]["descriptor"]
    message = _error(write_yaml(data, "force-theme.yaml"))
    assert message.startswith("The scoring model force-theme.yaml cannot be used")
    assert "sections.harm.dimensions.physical.levels[1].descriptor: this setting is missing" in message


def test_a_blank_descriptor_is_refused(default_yaml):
    data = default_yaml("theme.yaml")
    data["sections"]["likelihood"]["dimensions"]["trend"]["levels"][0]["descriptor"] = "  "
    assert "sections.likelihood.dimensions.trend.levels[0].descriptor: the descriptor is empty" in _error(data)


def test_a_duplicate_level_is_named(default_yaml):
    data = default_yaml("theme.yaml")
    data["sections"]["harm"]["dimensions"]["financial"]["levels"][3]["value"] = 2
    assert "sections.harm.dimensions.financial.levels: level 2 appears twice" in _error(data)


def test_an_unknown_section_is_named_with_the_sections_allowed(default_yaml):
    data = default_yaml("theme.yaml")
    data["sections"]["threat"] = copy.deepcopy(data["sections"]["harm"])
    assert (
        "sections: ‘threat’ is not a section; sections are: harm, likelihood, confidence, organisational_position"
        in _error(data)
    )


def test_harm_and_likelihood_sections_are_required(default_yaml):
    data = default_yaml("theme.yaml")
    del data["sections"]["likelihood"]
    assert "sections.likelihood: this setting is missing" in _error(data)


def test_an_unknown_setting_lists_the_settings_allowed_there(default_yaml):
    data = default_yaml("theme.yaml")
    data["sections"]["harm"]["dimensions"]["physical"]["weigth"] = 2
    message = _error(data)
    assert "sections.harm.dimensions.physical.weigth: ‘weigth’ is not a setting here" in message
    assert "settings here are: label, question, weight, levels" in message


def test_a_key_written_twice_in_the_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("id: a\nname: b\nid: c\n", encoding="utf-8")
    message = _error(path)
    assert "twice.yaml" in message
    assert "line 3, column 1: the key ‘id’ appears twice in one mapping" in message


def test_invalid_yaml_and_missing_files_name_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    assert "bad.yaml" in _error(bad) and "line 2" in _error(bad)
    assert "cannot be read" in _error(tmp_path / "absent.yaml")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert "the file is empty" in _error(empty)


def test_an_unquoted_version_is_refused_because_1_10_would_read_as_1_1(default_yaml):
    data = default_yaml("theme.yaml")
    data["version"] = 1.10
    assert 'version: write the version as text in quotes, e.g. version: "1.0"' in _error(data)


def test_bands_must_run_highest_first_and_end_at_zero(default_yaml):
    data = default_yaml("theme.yaml")
    data["risk"]["bands"][0]["min_risk_percent"] = 10
    assert "risk.bands: list the bands highest first" in _error(data)
    data = default_yaml("theme.yaml")
    data["risk"]["bands"][-1]["min_risk_percent"] = 5
    assert "the last band must have min_risk_percent: 0" in _error(data)


def test_the_risk_gap_rule_must_name_a_band_and_position_dimensions(default_yaml):
    data = default_yaml("theme.yaml")
    data["risk_gap"]["at_or_above_band"] = "Severe"
    assert "risk_gap.at_or_above_band ‘Severe’ is not one of the risk bands: High, Medium, Low" in _error(data)
    data = default_yaml("theme.yaml")
    data["risk_gap"]["dimensions"] = ["capacity", "budget"]
    assert "risk_gap.dimensions ['budget'] are not organisational_position dimensions" in _error(data)


def test_a_dimension_in_two_sections_is_refused(default_yaml):
    data = default_yaml("theme.yaml")
    likelihood = data["sections"]["likelihood"]["dimensions"]
    likelihood["physical"] = likelihood.pop("trend")
    assert "the dimension ‘physical’ is in both harm and likelihood" in _error(data)


def test_an_unknown_formula_or_subject_is_refused(default_yaml):
    data = default_yaml("theme.yaml")
    data["risk"]["formula"] = "harm_plus_likelihood"
    data["subject"] = "location"
    message = _error(data)
    assert "risk.formula: Input should be 'harm_x_likelihood'" in message
    assert "subject: Input should be 'theme', 'ocg' or 'nominal'" in message
