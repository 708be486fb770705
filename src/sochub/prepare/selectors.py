"""Reads of intimidation cases and surveys, filtered by the policies: lists, reviews due, the intimidation
register of an OCG, survey questions as the engine sees them, results and response rates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from sochub.engine import intimidation as ref_engine
from sochub.engine import surveys as survey_engine
from sochub.intel.models import OCG
from sochub.partners.models import AgencyKind, User

from . import policies
from .models import (
    CaseStatus,
    IntimidationCase,
    ResponseStatus,
    Survey,
    SurveyResponse,
)


def reference() -> ref_engine.Reference:
    return ref_engine.load_reference()


# Intimidation ------------------------------------------------------------------------------------------


def case_get(*, user: User, case_id: int) -> IntimidationCase | None:
    qs = policies.visible_cases(user).select_related("agency", "ocg", "nominal", "created_by")
    return qs.filter(pk=case_id).first()


def cases(
    *, user: User, status: str | None = None, ocg: OCG | None = None, risk_level: str | None = None
) -> QuerySet[IntimidationCase]:
    qs = policies.visible_cases(user).select_related("agency", "ocg")
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    if ocg is not None:
        qs = qs.filter(ocg=ocg)
    if risk_level:
        qs = qs.filter(risk_level=risk_level)
    return qs


def review_level(case: IntimidationCase, today: date | None = None) -> str:
    """ "overdue", "due soon" or "" for an open case's next review."""
    if case.status != CaseStatus.OPEN:
        return ""
    return ref_engine.review_state(reference(), due=case.next_review_on, today=today or timezone.localdate())


def reviews_due(*, user: User, today: date | None = None, within_days: int | None = None) -> list[IntimidationCase]:
    """Open cases the user may see whose next review is overdue or due within the warning days, soonest first.
    Only the recording agency reviews a case, so shared cases are left out."""
    today = today or timezone.localdate()
    days = reference().warn_days if within_days is None else within_days
    qs = cases(user=user, status=CaseStatus.OPEN).filter(
        agency_id=user.agency_id or 0, next_review_on__isnull=False, next_review_on__lte=today + timedelta(days=days)
    )
    return list(qs.order_by("next_review_on", "pk"))


def overdue(*, user: User, today: date | None = None) -> list[IntimidationCase]:
    today = today or timezone.localdate()
    return [
        c for c in reviews_due(user=user, today=today, within_days=0) if c.next_review_on and c.next_review_on < today
    ]


@dataclass(frozen=True)
class Register:
    """The intimidation register of one OCG: the cases the user may see and what they add up to."""

    ocg: OCG
    cases: list[IntimidationCase]
    by_kind: list[tuple[str, int]]
    by_risk: list[tuple[str, int]]
    open_cases: int
    open_plans: int
    overdue: list[IntimidationCase] = field(default_factory=list)


def intimidation_register(*, user: User, ocg: OCG, today: date | None = None) -> Register:
    """The register of ``ocg`` for ``user`` (the caller checks the user may see the OCG): counts by kind and by
    risk level, plans of open cases, and overdue reviews."""
    today = today or timezone.localdate()
    ref = reference()
    rows = list(cases(user=user, ocg=ocg).select_related("plan").order_by("-reported_on", "-pk"))
    kinds = Counter(c.kind for c in rows)
    risks = Counter(c.risk_level for c in rows)
    open_rows = [c for c in rows if c.status == CaseStatus.OPEN]
    return Register(
        ocg=ocg,
        cases=rows,
        by_kind=[(k.label, kinds[k.id]) for k in ref.kinds if kinds[k.id]],
        by_risk=[(lv.label, risks[lv.id]) for lv in ref.risk_levels],
        open_cases=len(open_rows),
        open_plans=sum(1 for c in open_rows if hasattr(c, "plan")),
        overdue=[c for c in open_rows if review_level(c, today) == "overdue"],
    )


def has_plan(case: IntimidationCase) -> bool:
    return hasattr(case, "plan")


# Surveys -----------------------------------------------------------------------------------------------


def engine_questions(survey: Survey) -> list[survey_engine.Question]:
    """The survey's questions as the engine sees them, keyed by their id as text."""
    return [
        survey_engine.Question(
            key=str(q.pk),
            text=q.text,
            kind=q.kind,
            required=q.required,
            options=tuple(q.options or ()),
            min_value=q.min_value,
            max_value=q.max_value,
            hint=q.hint,
            position=q.position,
        )
        for q in survey.questions.all()
    ]


def surveys(*, user: User) -> QuerySet[Survey]:
    return policies.visible_surveys(user).select_related("owner_agency")


def survey_get(*, user: User, survey_id: int) -> Survey | None:
    return surveys(user=user).filter(pk=survey_id).first()


def response_of(*, survey: Survey, agency_id: int | None) -> SurveyResponse | None:
    if agency_id is None:
        return None
    return SurveyResponse.objects.filter(survey=survey, agency_id=agency_id).first()


def submitted_responses(survey: Survey) -> QuerySet[SurveyResponse]:
    return survey.responses.filter(status=ResponseStatus.SUBMITTED).select_related("agency").order_by("agency__name")


def results(survey: Survey) -> list[survey_engine.QuestionResult]:
    """Per question, what the submitted responses said."""
    return survey_engine.aggregate(
        engine_questions(survey), [(r.agency.name, r.answers) for r in submitted_responses(survey)]
    )


@dataclass(frozen=True)
class Rates:
    by_kind: list[survey_engine.RateRow]
    by_region: list[survey_engine.RateRow]
    overall: survey_engine.RateRow
    pending: list[str]
    """Agencies asked that have not submitted, by name."""


def response_rates(survey: Survey) -> Rates:
    asked = list(policies.audience(survey).select_related("region"))
    done = set(submitted_responses(survey).values_list("agency_id", flat=True))
    kind_label = dict(AgencyKind.choices)
    by_kind, overall = survey_engine.response_rate((kind_label.get(a.kind, a.kind), a.pk in done) for a in asked)
    by_region, _ = survey_engine.response_rate(
        (a.region.name if a.region else "National or no region", a.pk in done) for a in asked
    )
    return Rates(by_kind, by_region, overall, [a.name for a in asked if a.pk not in done])
