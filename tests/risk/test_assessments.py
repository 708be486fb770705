"""Risk assessments through their services, selectors and policies: the workflow, four eyes, who sees what,
scoring problems, OCG comparison, the control strategy, model snapshots and agencies' own models, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.engine import scoring
from sochub.intel import services as intel
from sochub.intel.models import OCG, Classification
from sochub.partners.models import Role, User
from sochub.risk import policies, reference, selectors, services
from sochub.risk.models import Assessment, AssessmentStatus, Subject
from tests.helpers import act

THEME_YAML = Path(scoring.__file__).parent / "reference" / "theme.yaml"


# Helpers (also used by tests/web/test_risk_assessments.py) -----------------------------------


def harm_answers(
    model: scoring.ScoringModel, default: int, rationale: str = "Evidence: {key}", **levels: int
) -> tuple[dict[str, int], dict[str, str]]:
    """Every dimension rated ``default`` (or ``levels[section or key]``), clamped to its scale, with a rationale."""
    ratings = {}
    for key, (section, dim) in model.dimensions.items():
        want = levels.get(key, levels.get(section, default))
        ratings[key] = min(max(want, dim.lowest), dim.highest)
    return ratings, {k: rationale.format(key=k) for k in ratings}


def attribute_answers(model: scoring.AttributeModel, default: str, **answers: str) -> dict[str, str]:
    return {key: answers.get(key, default) for key in model.attributes}


def make_ocg(user: User, name: str = "Acacia Road Crew", **kwargs: Any) -> OCG:
    return intel.ocg_create(actor=act(user), name=name, threat_categories=["illegal_drugs"], **kwargs)


def submitted(
    author: User,
    subject_type: str = Subject.THEME,
    default: int | str = 2,
    levels: dict[str, int] | None = None,
    **subject: Any,
) -> Assessment:
    """A complete assessment, saved and submitted by ``author``."""
    a = services.assessment_create(actor=act(author), subject_type=subject_type, **subject)
    if subject_type == Subject.OCG_ATTRIBUTES:
        ratings: dict[str, Any] = attribute_answers(reference.attribute_model(), str(default))
        rationales: dict[str, str] = {}
    else:
        ratings, rationales = harm_answers(reference.harm_model(subject_type), int(default), **(levels or {}))
    problems = services.assessment_save(actor=act(author), assessment=a, ratings=ratings, rationales=rationales)
    assert problems == {}
    return services.assessment_submit(actor=act(author), assessment=a)


def approved(author: User, approver: User, subject_type: str = Subject.THEME, **kwargs: Any) -> Assessment:
    return services.assessment_approve(actor=act(approver), assessment=submitted(author, subject_type, **kwargs))


@pytest.fixture
def analyst_b(make_user: Callable[..., User]) -> User:
    """A second analyst of the same agency as ``analyst`` (GMP): the four-eyes approver."""
    return make_user("analyst_b", "gmp")


# The workflow --------------------------------------------------------------------------------


def test_full_workflow_draft_submitted_approved(analyst: User, analyst_b: User) -> None:
    model = reference.harm_model(Subject.THEME)
    a = services.assessment_create(
        actor=act(analyst), subject_type=Subject.THEME, theme="illegal_drugs", area="Salford"
    )
    assert a.status == AssessmentStatus.DRAFT
    assert (a.model_id, a.model_version, a.model_fingerprint) == (model.id, model.version, model.fingerprint)
    assert a.subject_label == "Illegal drugs, Salford"

    ratings, rationales = harm_answers(model, 4, organisational_position=1)
    assert services.assessment_save(actor=act(analyst), assessment=a, ratings=ratings, rationales=rationales) == {}
    a = services.assessment_submit(actor=act(analyst), assessment=a)
    assert a.status == AssessmentStatus.SUBMITTED and a.submitted_by == analyst
    assert a.priority == "High" and a.tier == "high" and a.risk_percent == 100.0
    assert a.risk_gap  # high risk, capacity and capability at 25%

    a = services.assessment_approve(actor=act(analyst_b), assessment=a)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPROVED
    assert a.approved_by == analyst_b and a.approved_at is not None
    assert a.review_due == timezone.localdate() + timedelta(days=model.review_days)
    assert model.review_days == 365


def test_second_approval_supersedes_the_first_and_sets_review_due_from_the_model(
    analyst: User, analyst_b: User
) -> None:
    ocg = make_ocg(analyst)
    first = approved(analyst, analyst_b, Subject.OCG, ocg=ocg)
    second = approved(analyst_b, analyst, Subject.OCG, ocg=ocg, default=1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AssessmentStatus.SUPERSEDED and first.superseded_by == second
    assert second.status == AssessmentStatus.APPROVED
    review_days = reference.harm_model(Subject.OCG).review_days
    assert review_days == 90
    assert second.review_due == timezone.localdate() + timedelta(days=review_days)
    # A different subject is untouched.
    other = approved(analyst, analyst_b, Subject.OCG, ocg=make_ocg(analyst, "Dock Street Firm"))
    second.refresh_from_db()
    assert second.status == AssessmentStatus.APPROVED and other.status == AssessmentStatus.APPROVED


def test_the_author_cannot_approve_their_own_assessment(analyst: User) -> None:
    a = submitted(analyst, theme="fraud")
    assert policies.approval_refusal(analyst, a) == "Someone other than the assessor must approve it."
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=act(analyst), assessment=a)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED


def test_an_officer_may_assess_but_not_approve(analyst: User, officer: User) -> None:
    a = submitted(officer, theme="fraud")
    assert policies.approval_refusal(officer, a) is not None
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=act(officer), assessment=submitted(analyst, theme="cyber_crime"))
    assert services.assessment_approve(actor=act(analyst), assessment=a).status == AssessmentStatus.APPROVED


def test_another_agency_can_neither_see_nor_approve(analyst: User, analyst2: User) -> None:
    a = submitted(analyst, theme="fraud")
    assert selectors.assessment_get(user=analyst2, assessment_id=a.pk) is None
    assert not selectors.assessments(user=analyst2).exists()
    with pytest.raises(PermissionDenied):
        services.assessment_approve(actor=act(analyst2), assessment=a)
    with pytest.raises(PermissionDenied):
        services.assessment_return(actor=act(analyst2), assessment=a, reason="Not mine to return")
    with pytest.raises(PermissionDenied):
        services.assessment_save(actor=act(analyst2), assessment=a, ratings={}, rationales={})


def test_return_sends_it_back_to_draft_with_a_required_reason(analyst: User, analyst_b: User) -> None:
    a = submitted(analyst, theme="fraud")
    with pytest.raises(ValidationError):
        services.assessment_return(actor=act(analyst_b), assessment=a, reason="   ")
    a = services.assessment_return(actor=act(analyst_b), assessment=a, reason="Likelihood looks overstated")
    assert a.status == AssessmentStatus.DRAFT and a.returned_reason == "Likelihood looks overstated"
    assert policies.can_edit(analyst, a)
    resubmitted = services.assessment_submit(actor=act(analyst), assessment=a)
    assert resubmitted.status == AssessmentStatus.SUBMITTED


@pytest.mark.parametrize(
    ("who", "classification", "sees"),
    [
        ("analyst", Classification.OFFICIAL, True),
        ("analyst_b", Classification.OFFICIAL, True),
        ("officer", Classification.OFFICIAL, True),
        ("officer", Classification.OFFICIAL_SENSITIVE, False),  # NPPV1
        ("analyst_b", Classification.OFFICIAL_SENSITIVE, True),
        ("analyst2", Classification.OFFICIAL, False),  # another agency
        ("volunteer", Classification.OFFICIAL, False),
    ],
)
def test_who_sees_a_theme_assessment(
    request: pytest.FixtureRequest, analyst: User, who: str, classification: str, sees: bool
) -> None:
    viewer = request.getfixturevalue(who)
    a = services.assessment_create(
        actor=act(analyst), subject_type=Subject.THEME, theme="fraud", classification=classification
    )
    assert (selectors.assessment_get(user=viewer, assessment_id=a.pk) is not None) is sees


def test_an_approved_assessment_of_a_shared_ocg_travels_with_it(analyst: User, analyst_b: User, analyst2: User) -> None:
    ocg = make_ocg(analyst)
    draft = services.assessment_create(actor=act(analyst), subject_type=Subject.OCG, ocg=ocg)
    a = approved(analyst, analyst_b, Subject.OCG, ocg=ocg)
    assert analyst2.agency is not None
    intel.share_create(
        actor=act(analyst), recipient=analyst2.agency, ocg=ocg, purpose="Joint operation Juniper", legal_basis="DPA s35"
    )
    assert selectors.assessment_get(user=analyst2, assessment_id=a.pk) is not None
    assert selectors.assessment_get(user=analyst2, assessment_id=draft.pk) is None  # drafts stay at home
    assert policies.approval_refusal(analyst2, a) is not None


# Scoring problems ----------------------------------------------------------------------------


def test_an_incomplete_submit_lists_every_missing_dimension(analyst: User) -> None:
    model = reference.harm_model(Subject.THEME)
    a = services.assessment_create(actor=act(analyst), subject_type=Subject.THEME, theme="fraud")
    ratings, rationales = harm_answers(model, 2)
    answered = ["physical", "financial", "frequency"]
    problems = services.assessment_save(
        actor=act(analyst),
        assessment=a,
        ratings={k: ratings[k] for k in answered},
        rationales={k: rationales[k] for k in answered},
    )
    missing = set(model.dimensions) - set(answered)
    assert set(problems) == missing
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT and a.result is None and a.ratings["physical"] == 2  # partial kept
    with pytest.raises(scoring.AssessmentError) as caught:
        services.assessment_submit(actor=act(analyst), assessment=a)
    assert set(caught.value.problems) == missing
    assert all("not rated" in caught.value.problems[k][0] for k in missing)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT


def test_every_dimension_needs_a_rationale(analyst: User) -> None:
    model = reference.harm_model(Subject.THEME)
    a = services.assessment_create(actor=act(analyst), subject_type=Subject.THEME, theme="fraud")
    ratings, rationales = harm_answers(model, 2)
    rationales["trend"] = "   "
    problems = services.assessment_save(actor=act(analyst), assessment=a, ratings=ratings, rationales=rationales)
    assert list(problems) == ["trend"]
    assert "needs a rationale" in problems["trend"][0]
    with pytest.raises(scoring.AssessmentError) as caught:
        services.assessment_submit(actor=act(analyst), assessment=a)
    assert list(caught.value.problems) == ["trend"]


@pytest.mark.parametrize(
    ("answer", "band", "tier"), [("high", "1", "high"), ("low", "2", "medium"), ("none", "3", "low")]
)
def test_attribute_assessment_band(analyst: User, answer: str, band: str, tier: str) -> None:
    a = submitted(analyst, Subject.OCG_ATTRIBUTES, default=answer, ocg=make_ocg(analyst))
    model = reference.attribute_model()
    points = {"high": 3, "low": 1, "none": 0}[answer] * len(model.attributes)
    assert (a.priority, a.tier) == (band, tier)
    assert a.result is not None and a.result["points"] == points
    assert a.risk_percent == round(100 * points / model.max_points, 1)
    assert a.review_due is None  # set on approval


def test_an_unanswered_attribute_is_refused_not_counted_as_none(analyst: User) -> None:
    ocg = make_ocg(analyst)
    a = services.assessment_create(actor=act(analyst), subject_type=Subject.OCG_ATTRIBUTES, ocg=ocg)
    answers = attribute_answers(reference.attribute_model(), "high")
    del answers["cohesion"]
    problems = services.assessment_save(actor=act(analyst), assessment=a, ratings=answers, rationales={})
    assert list(problems) == ["cohesion"]


# The OCG page's comparison -------------------------------------------------------------------


def test_ocg_risk_compares_and_flags_disagreement(analyst: User, analyst_b: User) -> None:
    ocg = make_ocg(analyst)
    harm = approved(analyst, analyst_b, Subject.OCG, ocg=ocg, default=4)  # high harm
    attrs = approved(analyst, analyst_b, Subject.OCG_ATTRIBUTES, ocg=ocg, default="none")  # band 3
    draft = services.assessment_create(actor=act(analyst), subject_type=Subject.OCG, ocg=ocg)
    risk = selectors.ocg_risk(user=analyst, ocg=ocg)
    assert risk.harm == harm and risk.attributes == attrs
    assert risk.comparison is not None and risk.comparison.disagree
    assert risk.comparison.direction == "harm_higher" and risk.comparison.gap == 2
    assert [d.pk for d in risk.drafts] == [draft.pk]


def test_ocg_risk_agrees_when_both_are_high(analyst: User, analyst_b: User) -> None:
    ocg = make_ocg(analyst)
    approved(analyst, analyst_b, Subject.OCG, ocg=ocg, default=4)
    approved(analyst, analyst_b, Subject.OCG_ATTRIBUTES, ocg=ocg, default="high")
    comparison = selectors.ocg_risk(user=analyst, ocg=ocg).comparison
    assert comparison is not None and not comparison.disagree and comparison.direction == "agree"


# The control strategy ------------------------------------------------------------------------


def test_control_strategy_orders_by_risk_then_harm(analyst: User, analyst_b: User, analyst2: User) -> None:
    # harm 20 x likelihood 6 = 120, and harm 15 x likelihood 8 = 120: equal risk, more harm first.
    approved(analyst, analyst_b, theme="fraud", area="Salford", levels={"harm": 4, "likelihood": 2})
    approved(
        analyst,
        analyst_b,
        theme="illegal_drugs",
        area="Salford",
        levels={"harm": 3, "frequency": 3, "trend": 3, "victim_vulnerability": 2},
    )
    approved(analyst, analyst_b, theme="modern_slavery", area="Salford", default=4)  # 240
    approved(analyst, analyst_b, theme="cyber_crime", area="Salford", default=1)  # low
    submitted(analyst, theme="money_laundering", default=4)  # not approved: not in the table
    approved(analyst2, analyst2_b(analyst2), theme="illegal_firearms", default=4)  # another agency

    rows = selectors.control_strategy(user=analyst)
    assert [r.subject for r in rows] == [
        "Modern slavery and human trafficking, Salford",
        "Fraud, Salford",
        "Illegal drugs, Salford",
        "Cyber crime, Salford",
    ]
    assert [r.rank for r in rows] == [1, 2, 3, 4]
    assert rows[1].risk == rows[2].risk == 120 and rows[1].harm > rows[2].harm
    assert rows[0].priority == "High" and rows[-1].priority == "Low"


def analyst2_b(analyst2: User) -> User:
    """A second Merseyside analyst, to approve analyst2's work."""
    user = User(username="analyst2_b", agency=analyst2.agency, roles=[Role.ANALYST], vetting=analyst2.vetting)
    user.set_unusable_password()
    user.save()
    return user


# Models: snapshots and agencies' own files ---------------------------------------------------


def _own_theme_model(folder: Path, **changes: Any) -> Path:
    data = yaml.safe_load(THEME_YAML.read_text(encoding="utf-8"))
    data.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "theme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _with_extra_harm_dimension(folder: Path) -> None:
    data = yaml.safe_load(THEME_YAML.read_text(encoding="utf-8"))
    data["sections"]["harm"]["dimensions"]["exploitation_of_children"] = {
        "label": "Exploitation of children",
        "question": "Are children drawn into or harmed by this threat?",
        "levels": [
            {"value": 0, "label": "None known", "descriptor": "No children known to be involved."},
            {"value": 4, "label": "Yes", "descriptor": "Children are exploited or harmed."},
        ],
    }
    _own_theme_model(
        folder,
        id="gmp-theme",
        name="GMP theme model",
        version="2.0",
        owner="Greater Manchester Police",
        notice="GMP's own theme model.",
        sections=data["sections"],
    )


def test_an_agencys_own_model_is_used_for_new_assessments(
    analyst: User, analyst_b: User, settings: Any, tmp_path: Path
) -> None:
    settings.SOCHUB_RISK_MODELS_DIR = tmp_path / "models"
    _with_extra_harm_dimension(settings.SOCHUB_RISK_MODELS_DIR)
    a = services.assessment_create(actor=act(analyst), subject_type=Subject.THEME, theme="fraud")
    assert (a.model_id, a.model_version, a.model_label) == ("gmp-theme", "2.0", "GMP theme model v2.0")
    assert "exploitation_of_children" in a.model_data["sections"]["harm"]["dimensions"]
    # The default model's answers are not enough: the new dimension must be rated too.
    ratings, rationales = harm_answers(reference.harm_model(Subject.THEME), 2)
    ratings.pop("exploitation_of_children")
    problems = services.assessment_save(actor=act(analyst), assessment=a, ratings=ratings, rationales=rationales)
    assert list(problems) == ["exploitation_of_children"]
    ratings["exploitation_of_children"] = 4
    rationales["exploitation_of_children"] = "Children run drugs for the group."
    assert services.assessment_save(actor=act(analyst), assessment=a, ratings=ratings, rationales=rationales) == {}
    a = services.assessment_approve(
        actor=act(analyst_b), assessment=services.assessment_submit(actor=act(analyst), assessment=a)
    )
    assert a.result is not None and a.result["model_id"] == "gmp-theme"


def test_a_model_change_after_creation_does_not_alter_a_stored_assessment(
    analyst: User, analyst_b: User, settings: Any, tmp_path: Path
) -> None:
    settings.SOCHUB_RISK_MODELS_DIR = None
    before = services.assessment_create(actor=act(analyst), subject_type=Subject.THEME, theme="fraud")
    default = reference.harm_model(Subject.THEME)
    snapshot = dict(before.model_data)

    settings.SOCHUB_RISK_MODELS_DIR = tmp_path / "models"
    _with_extra_harm_dimension(settings.SOCHUB_RISK_MODELS_DIR)
    assert reference.harm_model(Subject.THEME).version == "2.0"

    # The old draft is finished against its own copy: no new dimension asked for, same version recorded.
    ratings, rationales = harm_answers(default, 3)
    assert services.assessment_save(actor=act(analyst), assessment=before, ratings=ratings, rationales=rationales) == {}
    before = services.assessment_approve(
        actor=act(analyst_b), assessment=services.assessment_submit(actor=act(analyst), assessment=before)
    )
    before.refresh_from_db()
    assert before.model_data == snapshot
    assert (before.model_id, before.model_version, before.model_fingerprint) == (
        default.id,
        default.version,
        default.fingerprint,
    )
    assert before.result is not None and before.result["model_version"] == "1.0"
    assert before.review_due == timezone.localdate() + timedelta(days=default.review_days)
    after = services.assessment_create(actor=act(analyst), subject_type=Subject.THEME, theme="fraud")
    assert after.model_version == "2.0" and after.model_fingerprint != before.model_fingerprint


# Audit ---------------------------------------------------------------------------------------


def test_every_step_is_audited(analyst: User, analyst_b: User) -> None:
    a = submitted(analyst, theme="fraud")
    services.assessment_return(actor=act(analyst_b), assessment=a, reason="Check the trend")
    services.assessment_submit(actor=act(analyst), assessment=a)
    services.assessment_approve(actor=act(analyst_b), assessment=a)
    rows = [
        e for e in AuditEvent.objects.filter(object_type="risk_assessment").order_by("id") if str(a.pk) in e.object_ids
    ]
    assert [(e.username, e.detail["action"]) for e in rows] == [
        ("analyst", "created"),
        ("analyst", "saved"),
        ("analyst", "submitted"),
        ("analyst_b", "returned"),
        ("analyst", "submitted"),
        ("analyst_b", "approved"),
    ]
    assert all(e.operation == Operation.ALTERATION for e in rows)
    assert rows[3].detail["reason"] == "Check the trend"
    assert rows[0].purpose == "Operation Test: risk assessment"
