"""API of intimidation and surveys: the same selectors, services, policies and audit as its web pages.

Intimidation cases the caller may see (list, detail, record a review); a case the caller may not see answers
404, a refused write 422 (naming the field) or 403 (role). Surveys the caller manages or whose audience holds
their agency (list, definition), their agency's response (submit, or save a draft), and results (aggregates, for
those who manage the survey). Administrators, who do not work with intelligence, may use the survey endpoints.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Channel, Operation
from sochub.intel.services import NotFound
from sochub.partners.models import ApiToken
from sochub.prepare import policies, selectors, services
from sochub.prepare.models import IntimidationCase, Survey

from .common import Page, actor_for, limits

router = Router(tags=["intimidation and surveys"])


def _refused(exc: ValidationError | PermissionDenied) -> HttpError:
    if isinstance(exc, PermissionDenied):
        return HttpError(403, str(exc) or "Not allowed")
    if hasattr(exc, "error_dict"):
        return HttpError(422, "; ".join(f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs))
    return HttpError(422, "; ".join(exc.messages))


# Intimidation ------------------------------------------------------------------------------------------


class CaseItem(Schema):
    id: int
    reference: str
    agency: str
    subject_kind: str
    kind: str
    risk_level: str
    status: str
    reported_on: date
    next_review_on: date | None
    review: str
    """"overdue", "due soon" or ""."""
    ocg: int | None


class CaseList(Schema):
    items: list[CaseItem]
    count: int


class MeasureOut(Schema):
    measure: str
    label: str
    status: str
    status_on: date
    notes: str


class ReviewOut(Schema):
    id: int
    reviewed_on: date
    reviewer: str
    notes: str
    risk_before: str
    risk_after: str
    next_review_on: date
    late: bool


class CaseDetail(CaseItem):
    person_name: str
    person_contact: str
    witness_reference: str
    community: str
    occurred_on: date
    description: str
    case_reference: str
    nominal: str | None
    plan_owner: str | None
    measures: list[MeasureOut]
    reviews: list[ReviewOut]
    shared_with: list[str]


class ReviewIn(Schema):
    reviewed_on: date
    notes: str
    risk_after: str


class CaseQuery(Page):
    status: str | None = None


def _item(user: Any, c: IntimidationCase) -> dict[str, Any]:
    return {
        "id": c.pk,
        "reference": c.reference,
        "agency": c.agency.code,
        "subject_kind": c.subject_kind,
        "kind": c.kind,
        "risk_level": c.risk_level,
        "status": c.status,
        "reported_on": c.reported_on,
        "next_review_on": c.next_review_on,
        "review": selectors.review_level(c),
        "ocg": c.ocg_id if policies.shows_ocg(user, c.ocg) else None,
    }


@router.get("/intimidation", response=CaseList)
def case_list(request: HttpRequest, q: Query[CaseQuery]) -> dict[str, Any]:
    """Intimidation cases the caller may see (their agency's and those shared with it), newest first."""
    actor = actor_for(request)
    limit, offset = limits(q)
    qs = selectors.cases(user=actor.user, status=q.status)
    shown = list(qs[offset : offset + limit])
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type=services.CASE,
        object_ids=[c.pk for c in shown],
        detail={"view": "api_case_list"},
    )
    return {"items": [_item(actor.user, c) for c in shown], "count": qs.count()}


def _detail(actor: Actor, case_id: int) -> dict[str, Any]:
    try:
        case = services.case_consult(actor=actor, case_id=case_id, view="api_case")
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc
    plan = getattr(case, "plan", None) if selectors.has_plan(case) else None
    return {
        **_item(actor.user, case),
        "person_name": case.person_name,
        "person_contact": case.person_contact,
        "witness_reference": case.witness_reference,
        "community": case.community,
        "occurred_on": case.occurred_on,
        "description": case.description,
        "case_reference": case.case_reference,
        "nominal": str(case.nominal_id) if policies.shows_nominal(actor.user, case.nominal) else None,
        "plan_owner": plan.owner.username if plan else None,
        "measures": [
            {"measure": m.measure, "label": m.label, "status": m.status, "status_on": m.status_on, "notes": m.notes}
            for m in (plan.measures.all() if plan else [])
        ],
        "reviews": [
            {
                "id": r.pk,
                "reviewed_on": r.reviewed_on,
                "reviewer": r.reviewer.username,
                "notes": r.notes,
                "risk_before": r.risk_before,
                "risk_after": r.risk_after,
                "next_review_on": r.next_review_on,
                "late": r.late,
            }
            for r in case.reviews.select_related("reviewer")
        ],
        "shared_with": [s.agency.code for s in case.shares.filter(revoked_at__isnull=True).select_related("agency")],
    }


@router.get("/intimidation/{case_id}", response=CaseDetail)
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """One case with its plan, measures and reviews (a consultation of the person's details, audited)."""
    return _detail(actor_for(request), case_id)


@router.post("/intimidation/{case_id}/reviews", response={201: CaseDetail})
def case_review(request: HttpRequest, case_id: int, payload: ReviewIn) -> Status[dict[str, Any]]:
    """Record a review; the answer gives the next review date computed from the risk level after it."""
    actor = actor_for(request)
    case = selectors.case_get(user=actor.user, case_id=case_id)
    if case is None:
        raise HttpError(404, "Not found")
    try:
        services.review_record(
            actor=actor,
            case=case,
            reviewed_on=payload.reviewed_on,
            notes=payload.notes,
            risk_after=payload.risk_after[:20],
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return Status(201, _detail(actor, case_id))


# Surveys -----------------------------------------------------------------------------------------------


def _survey_actor(request: HttpRequest) -> Actor:
    """Surveys are answered by intelligence users and administrators alike (no personal data is involved)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    user = token.user
    if not policies.may_respond_for_agency(user) and not policies.can_design(user):
        raise HttpError(404, "Not found")
    return Actor(user=user, channel=Channel.API, purpose=token.purpose, client_ip=request.META.get("REMOTE_ADDR"))


class SurveyItem(Schema):
    id: int
    title: str
    owner_agency: str
    status: str
    opens_on: date
    closes_on: date
    manage: bool
    answer: bool
    response_status: str | None


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    hint: str
    required: bool
    options: list[str]
    min_value: int | None
    max_value: int | None


class SurveyDetail(SurveyItem):
    introduction: str
    questions: list[QuestionOut]
    answers: dict[str, Any]


class ResponseIn(Schema):
    answers: dict[str, Any]
    """Answers keyed by question id: text for single choice and free text, a list for multiple choice, a number
    for number and scale questions."""
    submit: bool = True


class ResponseOut(Schema):
    id: int
    survey: int
    agency: str
    status: str
    answers: dict[str, Any]


class CountOut(Schema):
    label: str
    count: int


class ResultOut(Schema):
    question: int
    text: str
    kind: str
    responses: int
    answered: int
    counts: list[CountOut]
    figures: dict[str, float]
    texts: list[dict[str, str]]


class RateOut(Schema):
    group: str
    invited: int
    responded: int
    percent: float


class ResultsOut(Schema):
    survey: int
    overall: RateOut
    by_kind: list[RateOut]
    by_region: list[RateOut]
    questions: list[ResultOut]


def _survey_item(user: Any, s: Survey) -> dict[str, Any]:
    response = selectors.response_of(survey=s, agency_id=user.agency_id)
    answering = policies.can_answer(user, s)
    return {
        "id": s.pk,
        "title": s.title,
        "owner_agency": s.owner_agency.code,
        "status": s.status,
        "opens_on": s.opens_on,
        "closes_on": s.closes_on,
        "manage": policies.can_manage(user, s),
        "answer": answering,
        "response_status": response.status if response and answering else None,
    }


def _survey(user: Any, survey_id: int) -> Survey:
    survey = selectors.survey_get(user=user, survey_id=survey_id)
    if survey is None:
        raise HttpError(404, "Not found")
    return survey


@router.get("/surveys", response=list[SurveyItem])
def survey_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Surveys the caller manages and those their agency is asked to answer."""
    actor = _survey_actor(request)
    return [_survey_item(actor.user, s) for s in selectors.surveys(user=actor.user)]


@router.get("/surveys/{survey_id}", response=SurveyDetail)
def survey_detail(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    """The survey's definition and the caller's agency's answers so far."""
    actor = _survey_actor(request)
    survey = _survey(actor.user, survey_id)
    item = _survey_item(actor.user, survey)
    response = selectors.response_of(survey=survey, agency_id=actor.user.agency_id) if item["answer"] else None
    return {
        **item,
        "introduction": survey.introduction,
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "kind": q.kind,
                "text": q.text,
                "hint": q.hint,
                "required": q.required,
                "options": list(q.options or []),
                "min_value": q.min_value,
                "max_value": q.max_value,
            }
            for q in survey.questions.all()
        ],
        "answers": dict(response.answers) if response else {},
    }


@router.post("/surveys/{survey_id}/response", response={200: ResponseOut, 201: ResponseOut})
def survey_respond(request: HttpRequest, survey_id: int, payload: ResponseIn) -> Status[dict[str, Any]]:
    """Save (``submit`` false) or submit the caller's agency's response; a submitted response is locked."""
    actor = _survey_actor(request)
    survey = _survey(actor.user, survey_id)
    if not policies.can_answer(actor.user, survey):
        raise HttpError(404, "Not found")
    answers = {str(k)[:20]: v for k, v in list(payload.answers.items())[:200]}
    try:
        response = services.response_save(actor=actor, survey=survey, answers=answers, submit=payload.submit)
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    body = {
        "id": response.pk,
        "survey": survey.pk,
        "agency": response.agency.code,
        "status": response.status,
        "answers": response.answers,
    }
    return Status(201 if payload.submit else 200, body)


@router.get("/surveys/{survey_id}/results", response=ResultsOut)
def survey_results(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    """Aggregate results and response rates, for those who manage the survey."""
    actor = _survey_actor(request)
    survey = _survey(actor.user, survey_id)
    if not policies.can_manage(actor.user, survey):
        raise HttpError(404, "Not found")
    rates = selectors.response_rates(survey)

    def rate(r: Any) -> dict[str, Any]:
        return {"group": r.group, "invited": r.invited, "responded": r.responded, "percent": r.percent}

    return {
        "survey": survey.pk,
        "overall": rate(rates.overall),
        "by_kind": [rate(r) for r in rates.by_kind],
        "by_region": [rate(r) for r in rates.by_region],
        "questions": [
            {
                "question": int(r.question.key),
                "text": r.question.text,
                "kind": r.question.kind,
                "responses": r.responses,
                "answered": r.answered,
                "counts": [{"label": label, "count": n} for label, n in r.counts],
                "figures": r.figures,
                "texts": [{"agency": who, "text": text} for who, text in r.texts],
            }
            for r in selectors.results(survey)
        ],
    }
