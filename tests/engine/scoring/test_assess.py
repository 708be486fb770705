"""Scoring one assessment: validation, arithmetic, confidence and organisational position, risk gaps, ranking."""

from __future__ import annotations

import json

import pytest

from sochub.engine.scoring import (
    AssessmentError,
    default_scoring_model,
    parse_scoring_model,
    rank_themes,
    score_assessment,
)

from .conftest import rate


def test_risk_is_harm_times_likelihood_with_section_scores_and_a_band(theme_model):
    ratings, why = rate(theme_model, harm=3, likelihood=2, physical=4, trend=4)
    result = score_assessment(theme_model, ratings, why, subject="Drugs supply")

    assert result.harm == 4 + 3 * 4 == result.sections["harm"].score
    assert result.likelihood == 2 + 4 + 2
    assert result.risk == 16 * 8
    assert result.risk_max == 20 * 12
    assert result.risk_percent == pytest.approx(53.3)
    assert result.sections["harm"].percent == 80.0
    assert (result.priority, result.tier) == ("High", "high")
    physical = result.dimension("physical")
    assert (physical.level, physical.level_label, physical.section) == (4, "Critical", "harm")
    assert physical.descriptor.startswith("Deaths or life-changing injuries")
    assert physical.rationale == "Evidence for physical from the problem profile."


@pytest.mark.parametrize(
    ("harm", "likelihood", "percent", "band"),
    [(4, 4, 100.0, "High"), (3, 2, 37.5, "High"), (2, 2, 25.0, "Medium"), (2, 1, 12.5, "Low"), (0, 4, 0.0, "Low")],
)
def test_priority_bands(theme_model, harm, likelihood, percent, band):
    # Every harm dimension at `harm` (of 4) and every likelihood dimension at `likelihood` (of 4):
    # risk % = (5 × harm) × (3 × likelihood) / 240 × 100. High from 36%, Medium from 16%.
    ratings, why = rate(theme_model, harm=harm, likelihood=likelihood)
    result = score_assessment(theme_model, ratings, why)
    assert (result.risk_percent, result.priority) == (percent, band)


def test_band_thresholds_are_inclusive(default_yaml):
    # The default thresholds (36%, 16%) cannot be hit exactly with whole levels, so move them to 25% and 12.5%.
    data = default_yaml("theme.yaml")
    for band, at in zip(data["risk"]["bands"], (25, 12.5, 0), strict=True):
        band["min_risk_percent"] = at
    model = parse_scoring_model(data)
    for harm, likelihood, band in [(2, 2, "High"), (2, 1, "Medium")]:
        ratings, why = rate(model, harm=harm, likelihood=likelihood)
        assert score_assessment(model, ratings, why).priority == band


def test_confidence_is_shown_but_never_changes_risk(theme_model):
    ratings, why = rate(theme_model, harm=3, likelihood=3)
    low = score_assessment(theme_model, {**ratings, "confidence": 1}, why)
    high = score_assessment(theme_model, {**ratings, "confidence": 4}, why)
    assert low.risk == high.risk and low.priority == high.priority
    assert (low.confidence_label, high.confidence_label) == ("Low", "High")
    assert low.confidence is not None and low.confidence.percent == 0.0


def test_organisational_position_is_kept_apart_from_risk(theme_model):
    ratings, why = rate(theme_model, harm=3, likelihood=3)
    weak = score_assessment(theme_model, {**ratings, "capacity": 0, "capability": 0}, why)
    strong = score_assessment(theme_model, {**ratings, "capacity": 4, "capability": 4}, why)
    assert weak.risk == strong.risk
    assert weak.organisational_position is not None and strong.organisational_position is not None
    assert weak.organisational_position.percent < strong.organisational_position.percent


def test_every_scored_dimension_needs_a_rationale(theme_model):
    ratings, why = rate(theme_model)
    del why["financial"]
    why["trend"] = "   "
    with pytest.raises(AssessmentError) as info:
        score_assessment(theme_model, ratings, why)
    assert set(info.value.problems) == {"financial", "trend"}
    assert info.value.problems["financial"] == ["Financial harm needs a rationale: say why this level was chosen"]
    assert "Trend needs a rationale" in str(info.value)


def test_levels_must_be_on_the_scale(theme_model):
    ratings, why = rate(theme_model, physical=5, trend=-1, capacity="2", capability=True)  # type: ignore[arg-type]
    ratings["confidence"] = 0  # confidence runs 1-4
    with pytest.raises(AssessmentError) as info:
        score_assessment(theme_model, ratings, why)
    assert set(info.value.problems) == {"physical", "trend", "capacity", "capability", "confidence"}
    assert info.value.problems["physical"] == [
        "5 is not a level of Physical harm; levels are 0 (None), 1 (Minor), 2 (Moderate), 3 (Serious), 4 (Critical)"
    ]


def test_unknown_dimensions_are_refused_and_every_dimension_must_be_rated(theme_model):
    ratings, why = rate(theme_model)
    ratings["public_expectation"] = 2
    why["reputation"] = "Press interest."
    del ratings["geographic_scope"]
    with pytest.raises(AssessmentError) as info:
        score_assessment(theme_model, ratings, why)
    problems = info.value.problems
    assert problems["public_expectation"][0].startswith("‘public_expectation’ is not a dimension of SOC Hub default")
    assert "rationale was given for ‘reputation’" in problems["reputation"][0]
    assert problems["geographic_scope"] == ["Geographic scope is not rated"]


def test_a_risk_gap_is_high_risk_with_weak_capacity_and_capability(theme_model):
    ratings, why = rate(theme_model, harm=4, likelihood=3, capacity=1, capability=1, partnership_opportunity=4)
    result = score_assessment(theme_model, ratings, why, subject="Modern slavery")
    assert result.priority == "High"
    assert result.risk_gap is True
    assert "organisational position is 25%" in result.risk_gap_reason
    assert "capacity Very limited, capability Very limited" in result.risk_gap_reason
    # Partnership opportunity is shown in the position section but does not close the gap.
    assert result.organisational_position is not None and result.organisational_position.percent == 50.0


def test_the_risk_gap_boundary_is_inclusive_and_needs_high_risk(theme_model):
    at_limit, why = rate(theme_model, harm=4, likelihood=3, capacity=2, capability=2)  # exactly 50%
    assert score_assessment(theme_model, at_limit, why).risk_gap is True
    above, why = rate(theme_model, harm=4, likelihood=3, capacity=3, capability=2)  # 62.5%
    assert score_assessment(theme_model, above, why).risk_gap is False
    medium, why = rate(theme_model, harm=2, likelihood=2, capacity=0, capability=0)
    result = score_assessment(theme_model, medium, why)
    assert (result.priority, result.risk_gap, result.risk_gap_reason) == ("Medium", False, "")


def test_every_result_records_the_model_name_and_version_in_its_stored_form(theme_model):
    ratings, why = rate(theme_model)
    stored = json.loads(json.dumps(score_assessment(theme_model, ratings, why, subject="Fraud").to_dict()))
    assert stored["model_id"] == "sochub-theme"
    assert stored["model_name"] == "SOC Hub default theme model (strategic)"
    assert stored["model_version"] == "1.0"
    assert stored["model_fingerprint"] == theme_model.fingerprint and len(theme_model.fingerprint) == 16
    assert stored["model_official"] is False
    assert stored["subject_type"] == "theme" and stored["subject"] == "Fraud"
    assert "not the official MoRiLE scales" in stored["notes"][0]
    assert len(stored["dimensions"]) == 12 and all(d["rationale"] for d in stored["dimensions"])


def _theme(model, name, **levels):
    ratings, why = rate(model, **levels)
    return score_assessment(model, ratings, why, subject=name)


def test_themes_rank_by_risk_descending_with_gap_flags(theme_model):
    rows = rank_themes(
        [
            _theme(theme_model, "Fraud", harm=2, likelihood=2),
            _theme(theme_model, "Drugs supply", harm=4, likelihood=4, capacity=1, capability=1),
            _theme(theme_model, "Firearms", harm=3, likelihood=1),
            _theme(theme_model, "Modern slavery", harm=3, likelihood=3, capacity=3, capability=3),
        ]
    )
    assert [r.subject for r in rows] == ["Drugs supply", "Modern slavery", "Fraud", "Firearms"]
    assert [r.rank for r in rows] == [1, 2, 3, 4]
    assert [r.risk_gap for r in rows] == [True, False, False, False]
    assert rows[0].priority == "High" and rows[0].confidence == "Good"
    assert json.loads(json.dumps([r.to_dict() for r in rows]))[0]["model_version"] == "1.0"


def test_ties_on_risk_go_to_more_harm_then_weaker_position_then_name(theme_model):
    # Two themes with the same risk (84) from different splits: 14 harm × 6 likelihood and 12 harm × 7.
    more_harm = _theme(theme_model, "Organised acquisitive crime", harm=2, likelihood=2, physical=4, financial=4)
    less_harm = _theme(
        theme_model,
        "Cyber crime",
        harm=2,
        likelihood=2,
        physical=3,
        financial=3,
        frequency=3,
        trend=3,
        victim_vulnerability=1,
    )
    assert (more_harm.risk, more_harm.harm) == (84, 14) and (less_harm.risk, less_harm.harm) == (84, 12)
    weaker = _theme(theme_model, "Child sexual exploitation", harm=2, likelihood=2, physical=4, financial=4, capacity=0)
    twin_a = _theme(theme_model, "Zeta", harm=1, likelihood=1)
    twin_b = _theme(theme_model, "alpha", harm=1, likelihood=1)

    rows = rank_themes([twin_a, less_harm, more_harm, twin_b, weaker])

    assert [r.subject for r in rows] == [
        "Child sexual exploitation",  # same risk and harm as the next, weaker position
        "Organised acquisitive crime",
        "Cyber crime",  # same risk, less harm
        "alpha",  # identical except the name: alphabetical, joint rank
        "Zeta",
    ]
    assert [(r.rank, r.joint) for r in rows] == [(1, False), (2, False), (3, False), (4, True), (4, True)]


def test_ranking_refuses_mixed_models_and_repeated_or_unnamed_themes(theme_model):
    ocg_model = default_scoring_model("ocg")
    assert rank_themes([]) == []
    with pytest.raises(ValueError, match="different models cannot be ranked together"):
        rank_themes([_theme(theme_model, "Fraud"), _theme(ocg_model, "Fraud")])
    with pytest.raises(ValueError, match="repeated: Fraud"):
        rank_themes([_theme(theme_model, "Fraud"), _theme(theme_model, "Fraud")])
    with pytest.raises(ValueError, match="needs a subject name"):
        rank_themes([_theme(theme_model, "")])


def test_an_edited_model_that_keeps_its_version_is_told_apart_by_its_fingerprint(theme_model, default_yaml):
    data = default_yaml("theme.yaml")
    data["sections"]["harm"]["dimensions"]["financial"]["weight"] = 2
    edited = parse_scoring_model(data)
    assert edited.version == theme_model.version and edited.fingerprint != theme_model.fingerprint
    assert parse_scoring_model(default_yaml("theme.yaml")).fingerprint == theme_model.fingerprint
    with pytest.raises(ValueError, match="different models cannot be ranked together"):
        rank_themes([_theme(theme_model, "Fraud"), _theme(edited, "Drugs")])
