"""OCG attribute assessment (OCGM-style) and its comparison with the harm-based assessment."""

from __future__ import annotations

import json

import pytest

from sochub.engine.scoring import (
    AssessmentError,
    ScoringModelError,
    assess_ocg_attributes,
    compare,
    load_attribute_model,
    score_assessment,
)

from .conftest import rate

# anchors.md §1.9, in its order.
SIXTEEN = [
    "violent_criminal_activity",
    "drug_activity",
    "fraud_financial_crime",
    "organised_theft",
    "commodity_importation",
    "sexual_offences",
    "organised_immigration_crime",
    "environmental_crime",
    "cash_flow",
    "multiple_enterprises",
    "links_to_other_ocgs",
    "geographic_scope",
    "cohesion",
    "infiltration",
    "expertise",
    "tactical_awareness",
]


@pytest.fixture(scope="module")
def attributes():
    return load_attribute_model()


def answers(*levels: str, rest: str = "none") -> dict[str, str]:
    """The first len(levels) criteria answered as given, the rest as `rest`."""
    return {key: (levels[i] if i < len(levels) else rest) for i, key in enumerate(SIXTEEN)}


def test_the_default_ships_the_sixteen_high_medium_low_criteria(attributes):
    assert list(attributes.attributes) == SIXTEEN
    assert attributes.attributes["commodity_importation"].label == (
        "Commodity importation, counterfeiting or illegal supply"
    )
    assert [lv.label for lv in attributes.levels] == ["High", "Medium", "Low", "None known"]
    assert [(b.name, b.tier, b.min_points) for b in attributes.bands] == [
        ("1", "high", 24),
        ("2", "medium", 12),
        ("3", "low", 0),
    ]
    assert attributes.max_points == 48
    assert attributes.official is False and "not the official OCGM" in attributes.notice


@pytest.mark.parametrize(
    ("given", "points", "band"),
    [
        (["high"] * 8, 24, "1"),
        (["high"] * 7 + ["medium"], 23, "2"),
        (["high"] * 4, 12, "2"),
        (["high"] * 3 + ["medium"], 11, "3"),
        ([], 0, "3"),
        (["high"] * 16, 48, "1"),
    ],
)
def test_banding_at_the_thresholds(attributes, given, points, band):
    result = assess_ocg_attributes(attributes, answers(*given), subject="OCG 1234")
    assert (result.points, result.band) == (points, band)


def test_the_breakdown_explains_each_criterion_and_records_the_model(attributes):
    result = assess_ocg_attributes(
        attributes, answers("HIGH", "Med", "low"), {"drug_activity": "Runs two lines into the county."}
    )
    drug = result.breakdown[1]
    assert (drug.label, drug.answer, drug.answer_label, drug.points, drug.max_points) == (
        "Drug activity",
        "medium",
        "Medium",
        2,
        3,
    )
    assert drug.rationale == "Runs two lines into the county."
    assert [s.points for s in result.breakdown[:4]] == [3, 2, 1, 0]
    stored = json.loads(json.dumps(result.to_dict()))
    assert (stored["model_id"], stored["model_version"]) == ("sochub-ocg-attributes", "1.0")
    assert stored["model_fingerprint"] == attributes.fingerprint


def test_every_criterion_must_be_answered_with_a_known_answer(attributes):
    given = answers("high", "sometimes")
    del given["cohesion"]
    given["corruption"] = "high"
    with pytest.raises(AssessmentError) as info:
        assess_ocg_attributes(attributes, given)
    problems = info.value.problems
    assert set(problems) == {"drug_activity", "cohesion", "corruption"}
    assert problems["drug_activity"] == [
        "'sometimes' is not an answer for Drug activity; use one of: High, Medium, Low, None known"
    ]
    assert problems["cohesion"] == ["Cohesion is not answered; answer one of: High, Medium, Low, None known"]


def test_an_agency_can_weight_criteria_and_move_thresholds(default_yaml, write_yaml):
    data = default_yaml("ocg-attributes.yaml")
    data["attributes"]["violent_criminal_activity"]["points"] = {"high": 6, "medium": 4}
    data["bands"][0]["min_points"] = 6
    data["bands"][1]["min_points"] = 3
    model = load_attribute_model(write_yaml(data, "force-ocgm.yaml"))
    result = assess_ocg_attributes(model, answers("high"))
    assert (result.points, result.band, result.max_points) == (6, "1", 51)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["bands"].reverse(), "bands: list the bands highest first"),
        (lambda d: d["levels"][1].update(key="high"), "levels: the level ‘high’ appears twice"),
        (lambda d: d["levels"][0].pop("points"), "levels[0].points: this setting is missing"),
        (lambda d: d["attributes"]["cohesion"].update(points={"extreme": 5}), "['extreme'] are not levels"),
        (lambda d: d["bands"][0].update(tier="severe"), "bands[0].tier: Input should be 'high', 'medium' or 'low'"),
    ],
)
def test_a_bad_attribute_file_names_the_problem(default_yaml, write_yaml, change, expected):
    data = default_yaml("ocg-attributes.yaml")
    change(data)
    with pytest.raises(ScoringModelError) as info:
        load_attribute_model(write_yaml(data, "force-ocgm.yaml"))
    assert "force-ocgm.yaml" in str(info.value)
    assert expected in str(info.value)


def _harm(ocg_model, **levels):
    ratings, why = rate(ocg_model, **levels)
    return score_assessment(ocg_model, ratings, why, subject="OCG 1234")


def test_high_harm_with_a_low_attribute_band_is_flagged_and_explained(ocg_model, attributes):
    harm = _harm(ocg_model, harm=2, likelihood=3, financial=4, psychological=4)
    band = assess_ocg_attributes(attributes, answers("low", "low", "medium"))
    assert (harm.priority, band.band) == ("High", "3")

    result = compare(harm, band)

    assert (result.disagree, result.direction, result.gap) == (True, "harm_higher", 2)
    assert result.explanation.startswith(
        "The harm-based risk is High (52.5% of the maximum; high tier) "
        "but the attribute band is 3 (4 of 48 points; low tier)."
    )
    assert (
        "psychological harm (Critical), financial harm (Critical) and physical harm (Moderate)." in result.explanation
    )
    assert "Mulholland & Cole" in result.explanation
    assert (result.harm_model, result.attribute_model) == ("sochub-ocg v1.0", "sochub-ocg-attributes v1.0")


def test_a_high_attribute_band_with_low_harm_is_flagged_the_other_way(ocg_model, attributes):
    harm = _harm(ocg_model, harm=1, likelihood=1, confidence=1)
    band = assess_ocg_attributes(attributes, answers("high", "high", rest="medium"))
    assert (harm.priority, band.band) == ("Low", "1")

    result = compare(harm, band)

    assert (result.disagree, result.direction, result.gap) == (True, "attributes_higher", 2)
    assert "violent criminal activity (High), drug activity (High) and" in result.explanation
    assert "Confidence in the harm assessment is low (Low)" in result.explanation


def test_assessments_in_the_same_tier_agree(ocg_model, attributes):
    harm = _harm(ocg_model, harm=3, likelihood=3)
    band = assess_ocg_attributes(attributes, answers(*["high"] * 8))
    result = compare(harm, band)
    assert (result.disagree, result.direction, result.gap) == (False, "agree", 0)
    assert result.explanation.startswith("Both assessments put this group in the high tier")


def test_one_tier_apart_disagrees_by_default_but_not_with_a_wider_tolerance(ocg_model, attributes):
    harm = _harm(ocg_model, harm=3, likelihood=3)  # High
    band = assess_ocg_attributes(attributes, answers(*["high"] * 4))  # 2, medium
    assert compare(harm, band).disagree is True
    relaxed = compare(harm, band, min_gap=2)
    assert (relaxed.disagree, relaxed.gap) == (False, 1)
    assert relaxed.explanation.startswith("The assessments are close")


def test_compare_needs_an_ocg_harm_assessment(theme_model, attributes):
    ratings, why = rate(theme_model)
    with pytest.raises(ValueError, match="needs an OCG harm assessment, not a theme assessment"):
        compare(score_assessment(theme_model, ratings, why), assess_ocg_attributes(attributes, answers()))
