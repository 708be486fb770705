"""Who may see, write and approve risk assessments and prioritisation runs: the one place these rules live.

- Assessments belong to the assessor's agency. Its users who work with intelligence see them, subject to
  vetting (classification) and to seeing the OCG or nominal assessed. An approved OCG assessment is also
  seen by every user who can see that OCG, so a shared OCG carries its owner's assessment with it.
- Analysts, coordinators and officers write assessments; an analyst or coordinator other than the author
  approves them (four eyes).
- A prioritisation run belongs to its agency; its entries show only the nominals the viewer can see.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sochub.intel import policies as intel_policies
from sochub.partners.models import INTEL_WRITE_ROLES, Role, User

from .models import Assessment, AssessmentStatus, PrioritisationRun

APPROVER_ROLES = (Role.ANALYST, Role.COORDINATOR)


def visible_assessments(user: User, qs: QuerySet[Assessment] | None = None) -> QuerySet[Assessment]:
    qs = Assessment.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    own = Q(agency_id=user.agency_id)
    shared_ocg = Q(
        ocg__in=intel_policies.visible_ocgs(user),
        status__in=[AssessmentStatus.APPROVED, AssessmentStatus.SUPERSEDED],
    )
    subject_visible = (
        Q(subject_type="theme")
        | Q(ocg__in=intel_policies.visible_ocgs(user))
        | Q(nominal__in=intel_policies.visible_nominals(user))
    )
    cleared = Q() if intel_policies.cleared_for(user, "OFFICIAL-SENSITIVE") else Q(classification="OFFICIAL")
    return qs.filter((own & subject_visible) | shared_ocg).filter(cleared)


def can_assess(user: User) -> bool:
    return user.works_with_intel and user.has_role(*INTEL_WRITE_ROLES)


def can_edit(user: User, assessment: Assessment) -> bool:
    return (
        can_assess(user)
        and assessment.status == AssessmentStatus.DRAFT
        and assessment.agency_id == user.agency_id
        and visible_assessments(user, Assessment.objects.filter(pk=assessment.pk)).exists()
    )


def approval_refusal(user: User, assessment: Assessment) -> str | None:
    """Why this user may not approve (or return) this assessment, or None when they may."""
    if assessment.status != AssessmentStatus.SUBMITTED:
        return "Only a submitted assessment can be approved or returned."
    if assessment.agency_id != user.agency_id or not user.has_role(*APPROVER_ROLES):
        return "Only an analyst or coordinator of the assessing agency can approve it."
    if assessment.submitted_by_id == user.pk or assessment.created_by_id == user.pk:
        return "Someone other than the assessor must approve it."
    return None


def visible_runs(user: User, qs: QuerySet[PrioritisationRun] | None = None) -> QuerySet[PrioritisationRun]:
    qs = PrioritisationRun.objects.all() if qs is None else qs
    if not user.works_with_intel or user.agency_id is None:
        return qs.none()
    return qs.filter(agency_id=user.agency_id)


def can_run(user: User) -> bool:
    return user.works_with_intel and user.has_role(Role.ANALYST, Role.COORDINATOR)
