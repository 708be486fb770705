"""Every write to intimidation cases and surveys, and the audited reads of personal data and exports.

Intimidation: record a case, consult it (personal data: audited with the purpose), create its management plan,
set a protective measure's status, record a review (the next review date from ``sochub.engine.intimidation``),
share it with an agency or stop sharing, close it. Surveys: create one, add and remove questions (the definition
checked by ``sochub.engine.surveys``), open and close it, save or submit an agency's response, export the
responses as CSV (a disclosure).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import intimidation as ref_engine
from sochub.engine import surveys as survey_engine
from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, Nominal
from sochub.intel.services import NotFound
from sochub.partners.models import Agency, AgencyKind, Region, User

from . import policies, selectors
from .models import (
    CaseShare,
    CaseStatus,
    IntimidationCase,
    IntimidationReview,
    ManagementPlan,
    ProtectiveMeasure,
    ResponseStatus,
    SubjectKind,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)

CASE = "intimidation_case"


def _audit(
    actor: Actor, object_type: str, ids: Iterable[Any], operation: str, recipients: Iterable[str] = (), **detail: Any
) -> None:
    audit.record(
        actor=actor,
        operation=operation,
        object_type=object_type,
        object_ids=list(ids),
        purpose=actor.purpose or None,
        recipients=list(recipients),
        detail=detail,
    )


def _text(value: str, limit: int) -> str:
    return value.replace("\x00", "").strip()[:limit]


def _not_future(day: date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"The {what} must not be in the future."})


def _case_ids(case: IntimidationCase) -> list[Any]:
    return [case.pk] + ([str(case.nominal_id)] if case.nominal_id else [])


def _writable(actor: Actor, case: IntimidationCase, *, open_only: bool = True) -> None:
    if not policies.can_write(actor.user, case):
        raise PermissionDenied("Only the recording agency's officers, analysts and coordinators can change this case.")
    if open_only and case.status != CaseStatus.OPEN:
        raise ValidationError("The case is closed.")


# Intimidation cases -----------------------------------------------------------------------------------


@transaction.atomic
def case_record(
    *,
    actor: Actor,
    subject_kind: str,
    occurred_on: date | None,
    reported_on: date | None,
    kind: str,
    description: str,
    risk_level: str,
    person_name: str = "",
    person_contact: str = "",
    witness_reference: str = "",
    community: str = "",
    case_reference: str = "",
    ocg: OCG | None = None,
    nominal: Nominal | None = None,
) -> IntimidationCase:
    """Record intimidation of a victim, witness or community linked to an OCG and/or a nominal the recorder may
    see; the first review is due the risk level's interval after the day it was reported."""
    user = actor.user
    if not policies.can_record(user):
        raise PermissionDenied("Your role does not allow you to record intimidation.")
    ref = selectors.reference()
    errors: dict[str, str] = {}
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = "Choose who was intimidated: a victim, a witness or a community."
    person_name, person_contact = _text(person_name, 200), _text(person_contact, 200)
    witness_reference, community = _text(witness_reference, 100), _text(community, 200)
    if subject_kind in (SubjectKind.VICTIM, SubjectKind.WITNESS) and not (person_name or witness_reference):
        errors["person_name"] = "Enter the person's name, or the case's witness reference instead."
    if subject_kind == SubjectKind.COMMUNITY:
        if not community:
            errors["community"] = "Describe the community or area intimidated, for example the estate's name."
        person_name = person_contact = ""
    if ocg is None and nominal is None:
        errors["ocg"] = "Link the case to an OCG or a nominal (or both)."
    if kind not in ref.ids("kinds"):
        errors["kind"] = "Choose what kind of intimidation happened."
    description = _text(description, 4000)
    if not description:
        errors["description"] = "Describe what happened."
    if not ref.has_level(risk_level):
        errors["risk_level"] = "Choose the risk level: standard, level 2 or level 1."
    today = timezone.localdate()
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date it happened as a real date, like 2026-03-14."
    elif occurred_on > today:
        errors["occurred_on"] = "The date it happened must not be in the future."
    if reported_on is None:
        errors["reported_on"] = "Enter the date it was reported as a real date, like 2026-03-14."
    elif reported_on > today:
        errors["reported_on"] = "The date it was reported must not be in the future."
    elif occurred_on is not None and reported_on < occurred_on:
        errors["reported_on"] = "The date it was reported must not be before the date it happened."
    if errors:
        raise ValidationError(errors)
    assert occurred_on is not None and reported_on is not None  # checked above
    if nominal is not None and not intel_policies.can_view_nominal(user, nominal):
        raise PermissionDenied("You cannot see that nominal.")
    if ocg is not None and not policies.shows_ocg(user, ocg):
        raise PermissionDenied("You cannot see that OCG.")
    assert user.agency_id is not None  # can_record
    case = IntimidationCase.objects.create(
        agency_id=user.agency_id,
        subject_kind=subject_kind,
        person_name=person_name,
        person_contact=person_contact,
        witness_reference=witness_reference,
        community=community,
        ocg=ocg,
        nominal=nominal,
        occurred_on=occurred_on,
        reported_on=reported_on,
        kind=kind,
        description=description,
        case_reference=_text(case_reference, 100),
        risk_level=risk_level,
        next_review_on=ref_engine.next_review(ref, risk_level=risk_level, after=reported_on),
        reference_version=ref.version,
        created_by=user,
    )
    _audit(
        actor,
        CASE,
        _case_ids(case),
        Operation.COLLECTION,
        action="recorded",
        subject_kind=subject_kind,
        kind=kind,
        risk_level=risk_level,
        ocg=ocg.pk if ocg else None,
        next_review_on=case.next_review_on.isoformat() if case.next_review_on else None,
    )
    return case


def case_consult(*, actor: Actor, case_id: int, view: str = "case_detail") -> IntimidationCase:
    """The case, if the user may see it (else NotFound); opening it is a consultation of personal data."""
    case = selectors.case_get(user=actor.user, case_id=case_id)
    if case is None:
        raise NotFound(case_id)
    _audit(actor, CASE, _case_ids(case), Operation.CONSULTATION, view=view)
    return case


@transaction.atomic
def plan_create(*, actor: Actor, case: IntimidationCase, owner: User, summary: str = "") -> ManagementPlan:
    """Start the case's management plan with its owner officer (one plan per case)."""
    _writable(actor, case)
    if ManagementPlan.objects.filter(case=case).exists():
        raise ValidationError("This case already has a management plan.")
    if not policies.plan_owners(case).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "Choose an officer, analyst or coordinator of the recording agency."})
    plan = ManagementPlan.objects.create(case=case, owner=owner, summary=_text(summary, 2000), created_by=actor.user)
    _audit(actor, CASE, [case.pk], Operation.ALTERATION, action="plan_created", owner=owner.username)
    return plan


@transaction.atomic
def measure_set(
    *, actor: Actor, case: IntimidationCase, measure: str, status: str, status_on: date, notes: str = ""
) -> ProtectiveMeasure:
    """Add a protective measure to the plan, or change where an existing one stands."""
    _writable(actor, case)
    plan = ManagementPlan.objects.filter(case=case).first()
    if plan is None:
        raise ValidationError("Start the management plan first.")
    ref = selectors.reference()
    errors: dict[str, str] = {}
    if measure not in ref.ids("measures"):
        errors["measure"] = "Choose a protective measure from the list."
    if status not in ref.ids("measure_statuses"):
        errors["status"] = "Choose where the measure stands."
    if status_on > timezone.localdate():
        errors["status_on"] = "The date must not be in the future."
    if errors:
        raise ValidationError(errors)
    row, created = ProtectiveMeasure.objects.update_or_create(
        plan=plan,
        measure=measure,
        defaults={
            "label": ref.measure_label(measure)[:200],
            "status": status,
            "status_on": status_on,
            "notes": _text(notes, 2000),
            "updated_by": actor.user,
            "updated_at": timezone.now(),
        },
    )
    _audit(
        actor,
        CASE,
        [case.pk],
        Operation.ALTERATION,
        action="measure_added" if created else "measure_updated",
        measure=measure,
        status=status,
        status_on=status_on.isoformat(),
    )
    return row


@transaction.atomic
def review_record(
    *, actor: Actor, case: IntimidationCase, reviewed_on: date, notes: str, risk_after: str
) -> IntimidationReview:
    """Record a review: the risk level after it becomes the case's, and the next review is due that level's
    interval after the review."""
    _writable(actor, case)
    ref = selectors.reference()
    errors: dict[str, str] = {}
    notes = _text(notes, 4000)
    if not notes:
        errors["notes"] = "Say what the review found."
    if not ref.has_level(risk_after):
        errors["risk_after"] = "Choose the risk level after the review."
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = "The date of the review must not be in the future."
    elif reviewed_on < case.reported_on:
        errors["reviewed_on"] = "The date of the review must not be before the intimidation was reported."
    if errors:
        raise ValidationError(errors)
    next_on = ref_engine.next_review(ref, risk_level=risk_after, after=reviewed_on)
    review = IntimidationReview.objects.create(
        case=case,
        reviewed_on=reviewed_on,
        reviewer=actor.user,
        notes=notes,
        risk_before=case.risk_level,
        risk_after=risk_after,
        was_due_on=case.next_review_on,
        next_review_on=next_on,
    )
    case.risk_level, case.next_review_on = risk_after, next_on
    case.save(update_fields=["risk_level", "next_review_on"])
    _audit(
        actor,
        CASE,
        [case.pk],
        Operation.ALTERATION,
        action="reviewed",
        review=review.pk,
        risk_before=review.risk_before,
        risk_after=risk_after,
        next_review_on=next_on.isoformat(),
    )
    return review


@transaction.atomic
def case_share(*, actor: Actor, case: IntimidationCase, agency: Agency, reason: str) -> CaseShare:
    """Share the case with another agency, whose intelligence users may then read it (a disclosure)."""
    _writable(actor, case, open_only=False)
    reason = _text(reason, 500)
    if not reason:
        raise ValidationError({"reason": "Say why the case is shared with this agency."})
    if not policies.share_targets(case).filter(pk=agency.pk).exists():
        raise ValidationError({"agency": "Choose another member agency to share the case with."})
    if CaseShare.objects.filter(case=case, agency=agency, revoked_at__isnull=True).exists():
        raise ValidationError({"agency": f"The case is already shared with {agency.name}."})
    share = CaseShare.objects.create(case=case, agency=agency, reason=reason, shared_by=actor.user)
    _audit(actor, CASE, _case_ids(case), Operation.DISCLOSURE, recipients=[agency.code], action="shared", reason=reason)
    return share


@transaction.atomic
def share_revoke(*, actor: Actor, case: IntimidationCase, share: CaseShare) -> CaseShare:
    _writable(actor, case, open_only=False)
    if share.case_id != case.pk or share.revoked_at is not None:
        raise ValidationError("That share is not in force.")
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    _audit(actor, CASE, [case.pk], Operation.ALTERATION, recipients=[share.agency.code], action="share_revoked")
    return share


@transaction.atomic
def case_close(*, actor: Actor, case: IntimidationCase, reason: str) -> IntimidationCase:
    """Close the case: no more reviews fall due."""
    _writable(actor, case)
    reason = _text(reason, 2000)
    if not reason:
        raise ValidationError({"close_reason": "Say why the case is closed."})
    case.status, case.next_review_on, case.closed_at = CaseStatus.CLOSED, None, timezone.now()
    case.save(update_fields=["status", "next_review_on", "closed_at"])
    _audit(actor, CASE, [case.pk], Operation.ALTERATION, action="closed", reason=reason)
    return case


# Surveys ----------------------------------------------------------------------------------------------


def _raise(problems: list[survey_engine.Problem], fields: Mapping[str, str] | None = None) -> None:
    if not problems:
        return
    errors: dict[str, list[str]] = defaultdict(list)
    for p in problems:
        errors[(fields or {}).get(p.field, p.field)].append(p.message)
    raise ValidationError(dict(errors))


def _manageable(actor: Actor, survey: Survey, *, draft_only: bool = False) -> None:
    if not policies.can_manage(actor.user, survey):
        raise PermissionDenied("Only the survey's agency administrators and coordinators can change it.")
    if draft_only and survey.status != SurveyStatus.DRAFT:
        raise ValidationError("The survey is open or closed: its questions and audience can no longer change.")


def _survey_details(
    *,
    title: str,
    introduction: str,
    opens_on: date,
    closes_on: date,
    audience_kinds: Iterable[str],
    audience_regions: Iterable[Region],
    audience_agencies: Iterable[Agency],
) -> tuple[str, str, list[str]]:
    title, introduction = " ".join(title.replace("\x00", "").split()), introduction.replace("\x00", "").strip()
    problems = survey_engine.check_definition(title, introduction, [])
    errors: dict[str, list[str]] = defaultdict(list)
    for p in problems:
        errors[p.field].append(p.message)
    kinds = list(dict.fromkeys(audience_kinds))
    if any(k not in AgencyKind.values for k in kinds):
        errors["audience_kinds"].append("Choose agency kinds from the list.")
    if not kinds and not list(audience_regions) and not list(audience_agencies):
        errors["audience_kinds"].append("Choose who is asked: agency kinds, regions or named agencies.")
    if closes_on < opens_on:
        errors["closes_on"].append("The closing date must be on or after the opening date.")
    if errors:
        raise ValidationError(dict(errors))
    return title, introduction, kinds


@transaction.atomic
def survey_create(
    *,
    actor: Actor,
    title: str,
    introduction: str,
    opens_on: date,
    closes_on: date,
    audience_kinds: Iterable[str] = (),
    audience_regions: Iterable[Region] = (),
    audience_agencies: Iterable[Agency] = (),
) -> Survey:
    """Start a survey as a draft owned by the designer's agency; questions are added one by one."""
    user = actor.user
    if not policies.can_design(user):
        raise PermissionDenied("Only administrators and GAIN coordinators design surveys.")
    regions, agencies = list(audience_regions), list(audience_agencies)
    title, introduction, kinds = _survey_details(
        title=title,
        introduction=introduction,
        opens_on=opens_on,
        closes_on=closes_on,
        audience_kinds=audience_kinds,
        audience_regions=regions,
        audience_agencies=agencies,
    )
    assert user.agency_id is not None  # can_design
    survey = Survey.objects.create(
        title=title,
        introduction=introduction,
        owner_agency_id=user.agency_id,
        opens_on=opens_on,
        closes_on=closes_on,
        audience_kinds=kinds,
        created_by=user,
    )
    survey.audience_regions.set(regions)
    survey.audience_agencies.set(agencies)
    _audit(actor, "survey", [survey.pk], Operation.COLLECTION, action="created", title=title)
    return survey


def _options(raw: Iterable[str] | str) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    return [" ".join(str(line).replace("\x00", "").split()) for line in lines if str(line).strip()]


@transaction.atomic
def question_add(
    *,
    actor: Actor,
    survey: Survey,
    kind: str,
    text: str,
    hint: str = "",
    required: bool = False,
    options: Iterable[str] | str = (),
    min_value: int | None = None,
    max_value: int | None = None,
) -> SurveyQuestion:
    """Add a question at the end; the whole definition is checked with it (plain messages naming the field)."""
    _manageable(actor, survey, draft_only=True)
    text = " ".join(text.replace("\x00", "").split())
    hint = hint.replace("\x00", "").strip()
    choices = _options(options)
    existing = selectors.engine_questions(survey)
    new = survey_engine.Question(
        key="new",
        text=text,
        kind=kind,
        required=required,
        options=tuple(choices),
        min_value=min_value,
        max_value=max_value,
        hint=hint,
    )
    problems = [
        p
        for p in survey_engine.check_definition(survey.title, survey.introduction, [*existing, new])
        if p.question == len(existing) + 1 or p.question is None
    ]
    _raise(problems, {"scale": "min_value", "range": "min_value"})
    position = (existing[-1].position + 1) if existing else 1
    question = SurveyQuestion.objects.create(
        survey=survey,
        position=position,
        kind=kind,
        text=text,
        hint=hint,
        required=required,
        options=choices,
        min_value=min_value,
        max_value=max_value,
    )
    _audit(actor, "survey", [survey.pk], Operation.ALTERATION, action="question_added", question=question.pk)
    return question


@transaction.atomic
def question_remove(*, actor: Actor, survey: Survey, question: SurveyQuestion) -> None:
    _manageable(actor, survey, draft_only=True)
    if question.survey_id != survey.pk:
        raise ValidationError("That question is not in this survey.")
    question_id = question.pk
    question.delete()
    _audit(actor, "survey", [survey.pk], Operation.ALTERATION, action="question_removed", question=question_id)


@transaction.atomic
def survey_open(*, actor: Actor, survey: Survey) -> Survey:
    """Open a draft survey to its audience: it must ask something, be valid, reach an agency and not have
    closed already."""
    _manageable(actor, survey, draft_only=True)
    questions = selectors.engine_questions(survey)
    problems = survey_engine.check_ready(questions) + survey_engine.check_definition(
        survey.title, survey.introduction, questions
    )
    _raise(problems)
    if survey.closes_on < timezone.localdate():
        raise ValidationError({"closes_on": "The closing date has passed: choose a later one first."})
    if not policies.audience(survey).exists():
        raise ValidationError({"audience_kinds": "No member agency is in the survey's audience."})
    survey.status, survey.opened_at = SurveyStatus.OPEN, timezone.now()
    survey.save(update_fields=["status", "opened_at"])
    _audit(actor, "survey", [survey.pk], Operation.ALTERATION, action="opened")
    return survey


@transaction.atomic
def survey_close(*, actor: Actor, survey: Survey) -> Survey:
    _manageable(actor, survey)
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError("Only an open survey can be closed.")
    survey.status, survey.closed_at = SurveyStatus.CLOSED, timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    _audit(actor, "survey", [survey.pk], Operation.ALTERATION, action="closed")
    return survey


@transaction.atomic
def response_save(*, actor: Actor, survey: Survey, answers: Mapping[str, Any], submit: bool) -> SurveyResponse:
    """Save the actor's agency's response as a draft, or submit it (every required question answered); a
    submitted response is locked."""
    user = actor.user
    if not policies.can_answer(user, survey):
        raise PermissionDenied("Your agency is not asked to answer this survey.")
    refusal = policies.answer_refusal(survey)
    if refusal:
        raise ValidationError(refusal)
    assert user.agency_id is not None  # can_answer
    response = SurveyResponse.objects.select_for_update().filter(survey=survey, agency_id=user.agency_id).first()
    if response is not None and response.status == ResponseStatus.SUBMITTED:
        raise ValidationError("Your agency has already submitted its response: it can no longer be changed.")
    kept, problems = survey_engine.check_answers(selectors.engine_questions(survey), answers, final=submit)
    _raise(problems, {p.field: f"q{p.field}" for p in problems})
    now = timezone.now()
    values: dict[str, Any] = {"answers": kept, "updated_by": user, "updated_at": now}
    if submit:
        values.update(status=ResponseStatus.SUBMITTED, submitted_by=user, submitted_at=now)
    if response is None:
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(survey=survey, agency_id=user.agency_id, **values)
        except IntegrityError as exc:  # another user of the agency saved first
            raise ValidationError("Your agency's response was saved by someone else meanwhile; try again.") from exc
    else:
        for name, value in values.items():
            setattr(response, name, value)
        response.save()
    _audit(
        actor,
        "survey_response",
        [response.pk],
        Operation.COLLECTION if submit else Operation.ALTERATION,
        action="submitted" if submit else "draft_saved",
        survey=survey.pk,
        answered=len(kept),
    )
    return response


def responses_export(*, actor: Actor, survey: Survey) -> tuple[list[str], list[list[str]]]:
    """The submitted responses as CSV header and rows, for those who manage the survey (a disclosure)."""
    if not policies.can_manage(actor.user, survey):
        raise PermissionDenied("Only the survey's agency administrators and coordinators can export its responses.")
    rows = list(selectors.submitted_responses(survey))
    header, table = survey_engine.csv_table(
        selectors.engine_questions(survey),
        [
            (
                {
                    "Agency": r.agency.name,
                    "Agency code": r.agency.code,
                    "Submitted": timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")
                    if r.submitted_at
                    else "",
                },
                r.answers,
            )
            for r in rows
        ],
    )
    _audit(
        actor,
        "survey_response",
        [r.pk for r in rows],
        Operation.DISCLOSURE,
        action="csv_export",
        survey=survey.pk,
        rows=len(table),
    )
    return header, table
