"""Who may see and do what with intimidation cases and surveys: the one place these rules live.

Intimidation cases
- A case belongs to the agency that recorded it: its users who work with intelligence see it, and so do the
  intelligence users of agencies it is explicitly shared with (a live, unrevoked share). Nobody else (404).
- Its analysts, coordinators and officers record cases and change them (plan, measures, reviews, sharing);
  agencies it is shared with only read it.
- A case may link only an OCG or nominal the recorder may see (``sochub.intel.policies``); the linked OCG or
  nominal is shown to a reader only when they may see it too.
- The intimidated person's details are personal data: pages that show them need a purpose and are audited.

Surveys
- Administrators (agency or system) and GAIN coordinators design surveys; a survey is managed (edited, opened,
  closed, its results and CSV seen) by system administrators and by the administrators and coordinators of the
  agency that owns it.
- An agency in a survey's audience answers it once: any of its users with an intelligence or administrator role
  may fill the response in, save it as a draft and submit it; submitted, it is locked. Drafts are seen only by
  those who manage them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, Nominal
from sochub.partners.models import INTEL_WRITE_ROLES, Agency, AgencyStatus, Role, User

from .models import CaseShare, IntimidationCase, Survey, SurveyStatus

# Intimidation ------------------------------------------------------------------------------------------


def _live_shares(user: User) -> QuerySet[CaseShare]:
    if user.agency_id is None:
        return CaseShare.objects.none()
    return CaseShare.objects.filter(agency_id=user.agency_id, revoked_at__isnull=True)


def visible_cases(user: User, qs: QuerySet[IntimidationCase] | None = None) -> QuerySet[IntimidationCase]:
    qs = IntimidationCase.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    shared = Exists(_live_shares(user).filter(case_id=OuterRef("pk")))
    return qs.filter(Q(agency_id=user.agency_id) | shared)


def can_record(user: User) -> bool:
    return user.works_with_intel and user.has_role(*INTEL_WRITE_ROLES)


def can_write(user: User, case: IntimidationCase) -> bool:
    """The recording agency's intelligence writers change a case; shared agencies only read it."""
    return can_record(user) and case.agency_id == user.agency_id


def shows_nominal(user: User, nominal: Nominal | None) -> bool:
    return nominal is not None and intel_policies.can_view_nominal(user, nominal)


def shows_ocg(user: User, ocg: OCG | None) -> bool:
    return ocg is not None and intel_policies.visible_ocgs(user, OCG.objects.filter(pk=ocg.pk)).exists()


def plan_owners(case: IntimidationCase) -> QuerySet[User]:
    """Who may own a case's management plan: active officers, analysts and coordinators of its agency."""
    users = User.objects.filter(agency_id=case.agency_id, is_active=True).order_by("last_name", "username")
    return users.filter(pk__in=[u.pk for u in users if u.has_role(*INTEL_WRITE_ROLES)])


def share_targets(case: IntimidationCase) -> QuerySet[Agency]:
    """Agencies a case may be shared with: member agencies other than its own."""
    return Agency.objects.filter(status=AgencyStatus.MEMBER).exclude(pk=case.agency_id).order_by("name")


# Surveys -----------------------------------------------------------------------------------------------


def can_design(user: User) -> bool:
    return user.is_active and user.agency_id is not None and user.has_role(*_DESIGN_ROLES)


_DESIGN_ROLES = (Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN, Role.COORDINATOR)


def can_manage(user: User, survey: Survey) -> bool:
    if not can_design(user):
        return False
    return user.has_role(Role.SYSTEM_ADMIN) or survey.owner_agency_id == user.agency_id


def audience(survey: Survey) -> QuerySet[Agency]:
    """The member agencies a survey asks: those named, plus those matching its kinds and regions."""
    wanted = Q(pk__in=list(survey.audience_agencies.values_list("pk", flat=True)))
    kinds = list(survey.audience_kinds)
    region_ids = list(survey.audience_regions.values_list("pk", flat=True))
    if kinds or region_ids:
        matched = Q()
        if kinds:
            matched &= Q(kind__in=kinds)
        if region_ids:
            matched &= Q(region_id__in=region_ids)
        wanted |= matched
    return Agency.objects.filter(status=AgencyStatus.MEMBER).filter(wanted).order_by("name")


def in_audience(survey: Survey, agency_id: int | None) -> bool:
    return agency_id is not None and audience(survey).filter(pk=agency_id).exists()


def may_respond_for_agency(user: User) -> bool:
    """Users with an intelligence or administrator role fill in their agency's responses."""
    return user.is_active and user.agency_id is not None and (user.works_with_intel or user.is_admin)


def can_answer(user: User, survey: Survey) -> bool:
    """Whether ``user`` may see and fill in their agency's response (the survey's state aside)."""
    return may_respond_for_agency(user) and survey.status != SurveyStatus.DRAFT and in_audience(survey, user.agency_id)


def answer_refusal(survey: Survey) -> str | None:
    """Why no answer can be saved now (the survey not open, or outside its dates), or None."""
    today = timezone.localdate()
    if survey.status == SurveyStatus.DRAFT:
        return "This survey is not open yet."
    if survey.status == SurveyStatus.CLOSED:
        return "This survey is closed: answers can no longer be saved or submitted."
    if today < survey.opens_on:
        return f"This survey opens on {survey.opens_on:%d %B %Y}."
    if today > survey.closes_on:
        return f"This survey closed on {survey.closes_on:%d %B %Y}."
    return None


def visible_surveys(user: User, qs: QuerySet[Survey] | None = None) -> QuerySet[Survey]:
    """Surveys the user manages, and the open or closed ones their agency is asked to answer."""
    qs = Survey.objects.all() if qs is None else qs
    if not user.is_active or user.agency_id is None:
        return qs.none()
    ids: set[int] = set()
    if can_design(user):
        managed = qs if user.has_role(Role.SYSTEM_ADMIN) else qs.filter(owner_agency_id=user.agency_id)
        ids.update(managed.values_list("pk", flat=True))
    if may_respond_for_agency(user):
        for survey in qs.exclude(status=SurveyStatus.DRAFT).exclude(pk__in=ids):
            if in_audience(survey, user.agency_id):
                ids.add(survey.pk)
    return qs.filter(pk__in=ids)
