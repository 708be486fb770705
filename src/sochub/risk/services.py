"""Every write to risk assessments: create, save, submit, return, approve (superseding the last approved)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import scoring
from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, Classification, Nominal, ThreatCategory

from . import policies, reference
from .models import Assessment, AssessmentStatus, RetentionReview, RetentionStatus, Subject


def _stored_model(assessment: Assessment) -> scoring.ScoringModel | scoring.AttributeModel:
    """The model the assessment was started with, re-validated from its snapshot."""
    if assessment.subject_type == Subject.OCG_ATTRIBUTES:
        return scoring.AttributeModel.model_validate(assessment.model_data)
    return scoring.parse_scoring_model(assessment.model_data, file=f"assessment {assessment.pk}")


def _score(assessment: Assessment) -> dict[str, Any]:
    """Score the ratings; raises scoring.AssessmentError listing every missing or bad answer."""
    model = _stored_model(assessment)
    subject = assessment.subject_label
    if isinstance(model, scoring.AttributeModel):
        attr = scoring.assess_ocg_attributes(model, assessment.ratings, assessment.rationales, subject=subject)
        return attr.to_dict()
    ratings = {k: int(v) for k, v in assessment.ratings.items()}
    return scoring.score_assessment(model, ratings, assessment.rationales, subject=subject).to_dict()


def _audit(actor: Actor, assessment: Assessment, what: str, **detail: Any) -> None:
    audit.record(
        actor=actor,
        operation=Operation.ALTERATION,
        object_type="risk_assessment",
        object_ids=[assessment.pk],
        purpose=actor.purpose or None,
        detail={"action": what, "subject": assessment.subject_type, **detail},
    )


@transaction.atomic
def assessment_create(
    *,
    actor: Actor,
    subject_type: str,
    theme: str = "",
    area: str = "",
    ocg: OCG | None = None,
    nominal: Nominal | None = None,
    classification: str = Classification.OFFICIAL,
) -> Assessment:
    """A new draft, holding a copy of the model in force so later model changes never alter it."""
    user = actor.user
    if not policies.can_assess(user):
        raise PermissionDenied("Your role does not allow you to write risk assessments.")
    subject = Subject(subject_type)
    if subject == Subject.THEME and theme not in ThreatCategory.values:
        raise ValidationError({"theme": "Choose a threat category."})
    if subject in (Subject.OCG, Subject.OCG_ATTRIBUTES) and (
        ocg is None or not intel_policies.visible_ocgs(user, OCG.objects.filter(pk=ocg.pk)).exists()
    ):
        raise PermissionDenied("You cannot see that OCG.")
    if subject == Subject.NOMINAL and (nominal is None or not intel_policies.can_view_nominal(user, nominal)):
        raise PermissionDenied("You cannot see that nominal.")
    if not intel_policies.cleared_for(user, classification):
        raise PermissionDenied("Your vetting does not allow that classification.")
    assert user.agency_id is not None  # can_assess: intelligence roles belong to an agency
    model = reference.attribute_model() if subject == Subject.OCG_ATTRIBUTES else reference.harm_model(subject)
    assessment = Assessment.objects.create(
        subject_type=subject,
        theme=theme if subject == Subject.THEME else "",
        area=area.strip()[:200] if subject == Subject.THEME else "",
        ocg=ocg if subject in (Subject.OCG, Subject.OCG_ATTRIBUTES) else None,
        nominal=nominal if subject == Subject.NOMINAL else None,
        agency_id=user.agency_id,
        classification=max(classification, ocg.classification if ocg else Classification.OFFICIAL),
        model_id=model.id,
        model_version=model.version,
        model_fingerprint=model.fingerprint,
        model_label=model.label,
        model_official=model.official,
        model_data=model.model_dump(mode="json"),
        created_by=user,
    )
    _audit(actor, assessment, "created", model=model.label)
    return assessment


@transaction.atomic
def assessment_save(
    *, actor: Actor, assessment: Assessment, ratings: dict[str, Any], rationales: dict[str, str]
) -> dict[str, list[str]]:
    """Save a draft's answers; returns what is still missing or wrong (empty when it is complete)."""
    if not policies.can_edit(actor.user, assessment):
        raise PermissionDenied("Only a draft of your agency's can be changed, by someone who may assess.")
    assessment.ratings = {k: v for k, v in ratings.items() if v not in (None, "")}
    assessment.rationales = {k: v.strip()[:2000] for k, v in rationales.items() if v and v.strip()}
    assessment.updated_at = timezone.now()
    problems: dict[str, list[str]] = {}
    try:
        result = _score(assessment)
    except scoring.AssessmentError as exc:
        problems, result = exc.problems, None
    _apply(assessment, result)
    assessment.save()
    _audit(actor, assessment, "saved", complete=not problems)
    return problems


def _apply(assessment: Assessment, result: dict[str, Any] | None) -> None:
    assessment.result = result
    if result is None:
        assessment.priority = assessment.tier = ""
        assessment.risk_percent, assessment.risk_gap = None, False
    elif assessment.subject_type == Subject.OCG_ATTRIBUTES:
        assessment.priority, assessment.tier = result["band"], result["tier"]
        assessment.risk_percent = round(100 * result["points"] / result["max_points"], 1)
        assessment.risk_gap = False
    else:
        assessment.priority, assessment.tier = result["priority"], result["tier"]
        assessment.risk_percent, assessment.risk_gap = result["risk_percent"], result["risk_gap"]


@transaction.atomic
def assessment_submit(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Send a complete draft for approval; raises scoring.AssessmentError when it is not complete."""
    if not policies.can_edit(actor.user, assessment):
        raise PermissionDenied("Only a draft of your agency's can be submitted.")
    _apply(assessment, _score(assessment))
    now = timezone.now()
    assessment.status, assessment.submitted_by, assessment.submitted_at = AssessmentStatus.SUBMITTED, actor.user, now
    assessment.updated_at = now
    assessment.save()
    _audit(actor, assessment, "submitted")
    return assessment


@transaction.atomic
def assessment_return(*, actor: Actor, assessment: Assessment, reason: str) -> Assessment:
    refusal = policies.approval_refusal(actor.user, assessment)
    if refusal:
        raise PermissionDenied(refusal)
    if not reason.strip():
        raise ValidationError({"reason": "Say what the assessor should change."})
    assessment.status, assessment.returned_reason = AssessmentStatus.DRAFT, reason.strip()[:2000]
    assessment.updated_at = timezone.now()
    assessment.save()
    _audit(actor, assessment, "returned", reason=assessment.returned_reason)
    return assessment


def _same_subject(assessment: Assessment) -> dict[str, Any]:
    keys: dict[str, Any] = {"subject_type": assessment.subject_type, "agency_id": assessment.agency_id}
    if assessment.subject_type == Subject.THEME:
        keys.update(theme=assessment.theme, area=assessment.area)
    elif assessment.ocg_id:
        keys.update(ocg_id=assessment.ocg_id)
    else:
        keys.update(nominal_id=assessment.nominal_id)
    return keys


@transaction.atomic
def assessment_approve(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Approve (four eyes); the previously approved assessment of the same subject becomes superseded."""
    refusal = policies.approval_refusal(actor.user, assessment)
    if refusal:
        raise PermissionDenied(refusal)
    model = _stored_model(assessment)
    now = timezone.now()
    older = Assessment.objects.filter(**_same_subject(assessment), status=AssessmentStatus.APPROVED)
    superseded = list(older.values_list("pk", flat=True))
    older.update(status=AssessmentStatus.SUPERSEDED, superseded_by=assessment, updated_at=now)
    assessment.status, assessment.approved_by, assessment.approved_at = AssessmentStatus.APPROVED, actor.user, now
    assessment.review_due = timezone.localdate() + timedelta(days=model.review_days)
    assessment.returned_reason = ""
    assessment.updated_at = now
    assessment.save()
    _audit(actor, assessment, "approved", superseded=superseded, review_due=str(assessment.review_due))
    return assessment


@transaction.atomic
def retention_decide(*, actor: Actor, review: RetentionReview, keep: bool, reason: str) -> RetentionReview:
    """Record whether a nominal who left the priority list is still needed (MoPI review), and why."""
    user = actor.user
    if review.agency_id != user.agency_id or not policies.can_run(user) or review.status != RetentionStatus.OPEN:
        raise PermissionDenied("Only an analyst or coordinator of the agency can decide an open review.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the decision."})
    review.status = RetentionStatus.KEEP if keep else RetentionStatus.REMOVE
    review.decided_by, review.decided_at, review.reason = user, timezone.now(), reason.strip()[:2000]
    review.save()
    audit.record(
        actor=actor,
        operation=Operation.ALTERATION,
        object_type="retention_review",
        object_ids=[review.pk, review.nominal_id],
        purpose=actor.purpose or None,
        detail={"decision": review.status, "reason": review.reason},
    )
    return review
