"""Intimidation of victims, witnesses and communities, and partner surveys.

Intimidation: the list of cases, recording one, its page (plan, protective measures, reviews, sharing), the
reviews due and the register of an OCG. Reads go through ``sochub.prepare.selectors`` (a case the user may not
see answers 404); writes through ``sochub.prepare.services``. The intimidated person's details are personal
data: opening a case needs a purpose and is audited as a consultation.

Surveys: the list, the designer (details, then questions one by one), opening and closing, the answer page of
an agency (draft, then submitted and locked), results with bar charts and tables, and the CSV of responses.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.engine import surveys as survey_engine
from sochub.intel import policies as intel_policies
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, Nominal
from sochub.intel.services import NotFound
from sochub.partners.models import Agency, AgencyKind, AgencyStatus, Region, User
from sochub.prepare import policies, selectors, services
from sochub.prepare.models import (
    CaseShare,
    CaseStatus,
    IntimidationCase,
    ResponseStatus,
    SubjectKind,
    Survey,
    SurveyResponse,
    SurveyStatus,
)

from .common import (
    actor_for,
    current_user,
    error_list,
    form_date,
    intel_user,
    purpose_needed,
    render,
    required_form_date,
    signed_in,
)

PAGE_SIZE = 25


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {"long_date": long_date, "ref": selectors.reference(), **context}, status=status)


def _int(raw: str, field: str, what: str, *, required: bool = False) -> int | None:
    raw = raw.strip()
    if not raw:
        if required:
            raise ValidationError({field: f"Enter {what}."})
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({field: f"Enter {what} as a whole number."}) from None
    if abs(value) >= 10**12:
        raise ValidationError({field: f"Enter {what} as a whole number less than a trillion."})
    return value


def _purpose_redirect(request: HttpRequest) -> HttpResponse | None:
    """Ask for a purpose first, coming back to this very address (with its query)."""
    needed = purpose_needed(request)
    if needed is None:
        return None
    return redirect(f"{needed['Location'].split('?')[0]}?{urlencode({'next': request.get_full_path()})}")


def _audit_list(request: HttpRequest, shown: list[IntimidationCase], view: str) -> None:
    """Listing cases names no person, but the rows are consultations of records about intimidated people."""
    if shown:
        audit.record(
            actor=actor_for(request),
            operation=Operation.CONSULTATION,
            object_type=services.CASE,
            object_ids=[c.pk for c in shown],
            detail={"view": view},
        )


# Intimidation cases -----------------------------------------------------------------------------------


@intel_user
def intimidation_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "open")
    status = status if status in (*CaseStatus.values, "all") else "open"
    qs = selectors.cases(user=user, status=None if status == "all" else status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _audit_list(request, page.object_list, "intimidation_list")
    today = timezone.localdate()
    return _page(
        request,
        "prepare/list.html",
        {
            "page": page,
            "status": status,
            "statuses": [("open", "Open"), ("closed", "Closed"), ("all", "All")],
            "levels": {c.pk: selectors.review_level(c, today) for c in page.object_list},
            "due_count": len(selectors.reviews_due(user=user, today=today)),
            "overdue_count": len(selectors.overdue(user=user, today=today)),
            "can_record": policies.can_record(user),
            "qs": urlencode({"status": status}) + "&",
        },
    )


@intel_user
def intimidation_reviews(request: HttpRequest) -> HttpResponse:
    """Open cases of the user's agency whose review is overdue or due soon."""
    user = current_user(request)
    today = timezone.localdate()
    rows = selectors.reviews_due(user=user, today=today)
    _audit_list(request, rows, "intimidation_reviews_due")
    return _page(
        request,
        "prepare/reviews.html",
        {"rows": rows, "levels": {c.pk: selectors.review_level(c, today) for c in rows}, "today": today},
    )


@intel_user
def intimidation_ocg(request: HttpRequest, ocg_id: int) -> HttpResponse:
    """The intimidation register of one OCG: the cases the user may see, counts and what needs attention."""
    user = current_user(request)
    ocg = intel_selectors.ocg_get(user=user, ocg_id=ocg_id)
    if ocg is None:
        raise Http404
    today = timezone.localdate()
    register = selectors.intimidation_register(user=user, ocg=ocg, today=today)
    _audit_list(request, register.cases, "intimidation_ocg_register")
    return _page(
        request,
        "prepare/ocg.html",
        {
            "register": register,
            "ocg": ocg,
            "levels": {c.pk: selectors.review_level(c, today) for c in register.cases},
            "can_record": policies.can_record(user),
        },
    )


def _new_form(request: HttpRequest) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    keys = (
        "subject_kind",
        "person_name",
        "person_contact",
        "witness_reference",
        "community",
        "ocg",
        "nominal",
        "occurred_on",
        "reported_on",
        "kind",
        "description",
        "case_reference",
        "risk_level",
    )
    form = {k: source.get(k, "")[:4000] for k in keys}
    form["reported_on"] = form["reported_on"] or timezone.localdate().isoformat()
    return form


def _links(user: User, form: dict[str, str]) -> tuple[OCG | None, Nominal | None]:
    """The OCG and nominal the form names, if the user may see them (else a message: nothing is revealed)."""
    errors: dict[str, str] = {}
    ocg: OCG | None = None
    nominal: Nominal | None = None
    if form["ocg"].strip():
        try:
            ocg = intel_selectors.ocg_get(user=user, ocg_id=int(form["ocg"]))
        except ValueError:
            ocg = None
        if ocg is None:
            errors["ocg"] = "Choose an OCG from the list."
    if form["nominal"].strip():
        nominal = intel_selectors.nominal_resolve(user=user, nominal_id=form["nominal"].strip()[:64])
        if nominal is None:
            errors["nominal"] = "No nominal you can see has that ID."
    if errors:
        raise ValidationError(errors)
    return ocg, nominal


@intel_user
@require_http_methods(["GET", "POST"])
def intimidation_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_record(user):
        raise Http404
    if (needed := _purpose_redirect(request)) is not None:
        return needed
    form = _new_form(request)
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            ocg, nominal = _links(user, form)
            occurred, reported = form_date(form["occurred_on"]), form_date(form["reported_on"])
            case = services.case_record(
                actor=actor_for(request),
                subject_kind=form["subject_kind"],
                person_name=form["person_name"],
                person_contact=form["person_contact"],
                witness_reference=form["witness_reference"],
                community=form["community"],
                ocg=ocg,
                nominal=nominal,
                occurred_on=occurred,
                reported_on=reported,
                kind=form["kind"],
                description=form["description"],
                case_reference=form["case_reference"],
                risk_level=form["risk_level"],
            )
        except ValidationError as exc:
            errors = error_list(exc)
            status = 400
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, f"Intimidation case {case.reference} is recorded.")
            return redirect("web:intimidation_detail", case_id=case.pk)
    ocgs = intel_policies.visible_ocgs(user).order_by("name")[:1000]
    return _page(
        request,
        "prepare/new.html",
        {"form": form, "errors": errors, "ocgs": ocgs, "subjects": SubjectKind.choices},
        status=status,
    )


def _case_or_404(request: HttpRequest, case_id: int) -> IntimidationCase:
    case = selectors.case_get(user=current_user(request), case_id=case_id)
    if case is None:
        raise Http404
    return case


def _detail(
    request: HttpRequest,
    case_id: int,
    *,
    errors: list[dict[str, str]] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    try:
        case = services.case_consult(actor=actor_for(request), case_id=case_id)
    except NotFound as exc:
        raise Http404 from exc
    plan = getattr(case, "plan", None) if selectors.has_plan(case) else None
    can_write = policies.can_write(user, case)
    return _page(
        request,
        "prepare/detail.html",
        {
            "case": case,
            "plan": plan,
            "measures": list(plan.measures.all()) if plan else [],
            "reviews": list(case.reviews.select_related("reviewer")),
            "shares": list(case.shares.select_related("agency", "shared_by")),
            "can_write": can_write,
            "show_ocg": policies.shows_ocg(user, case.ocg),
            "show_nominal": policies.shows_nominal(user, case.nominal),
            "level": selectors.review_level(case),
            "risk": selectors.reference().level(case.risk_level),
            "owners": list(policies.plan_owners(case)) if can_write else [],
            "targets": list(policies.share_targets(case)) if can_write else [],
            "errors": errors or [],
            "form": form or {},
            "today": timezone.localdate().isoformat(),
        },
        status=status,
    )


@intel_user
def intimidation_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    _case_or_404(request, case_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    return _detail(request, case_id)


def _write(request: HttpRequest, case_id: int, action: Any, done: str) -> HttpResponse:
    """Run one write from the case page: back to it with a message, or the page again with the errors."""
    case = _case_or_404(request, case_id)
    if not policies.can_write(current_user(request), case):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    form = {k: request.POST.get(k, "")[:4000] for k in request.POST if k != "csrfmiddlewaretoken"}
    try:
        action(case, form)
    except ValidationError as exc:
        return _detail(request, case_id, errors=error_list(exc), form=form, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, done)
    return redirect("web:intimidation_detail", case_id=case_id)


@intel_user
@require_POST
def intimidation_plan(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: IntimidationCase, form: dict[str, str]) -> None:
        owner = policies.plan_owners(case).filter(pk=_int(form.get("owner", ""), "owner", "the owner") or 0).first()
        if owner is None:
            raise ValidationError({"owner": "Choose the officer who owns the plan."})
        services.plan_create(actor=actor_for(request), case=case, owner=owner, summary=form.get("summary", ""))

    return _write(request, case_id, act, "The management plan is started.")


@intel_user
@require_POST
def intimidation_measure(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: IntimidationCase, form: dict[str, str]) -> None:
        services.measure_set(
            actor=actor_for(request),
            case=case,
            measure=form.get("measure", ""),
            status=form.get("measure_status", ""),
            status_on=required_form_date(form, "status_on", "the date"),
            notes=form.get("measure_notes", ""),
        )

    return _write(request, case_id, act, "The protective measure is recorded.")


@intel_user
@require_POST
def intimidation_review(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: IntimidationCase, form: dict[str, str]) -> None:
        services.review_record(
            actor=actor_for(request),
            case=case,
            reviewed_on=required_form_date(form, "reviewed_on", "the date of the review"),
            notes=form.get("notes", ""),
            risk_after=form.get("risk_after", ""),
        )

    return _write(request, case_id, act, "The review is recorded; the next review date is set.")


@intel_user
@require_POST
def intimidation_share(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: IntimidationCase, form: dict[str, str]) -> None:
        agency_id = _int(form.get("agency", ""), "agency", "the agency") or 0
        agency = policies.share_targets(case).filter(pk=agency_id).first()
        if agency is None:
            raise ValidationError({"agency": "Choose the agency to share the case with."})
        services.case_share(actor=actor_for(request), case=case, agency=agency, reason=form.get("reason", ""))

    return _write(request, case_id, act, "The case is shared.")


@intel_user
@require_POST
def intimidation_share_revoke(request: HttpRequest, case_id: int, share_id: int) -> HttpResponse:
    def act(case: IntimidationCase, form: dict[str, str]) -> None:
        share = CaseShare.objects.filter(case=case, pk=share_id).select_related("agency").first()
        if share is None:
            raise Http404
        services.share_revoke(actor=actor_for(request), case=case, share=share)

    return _write(request, case_id, act, "The case is no longer shared with that agency.")


@intel_user
@require_POST
def intimidation_close(request: HttpRequest, case_id: int) -> HttpResponse:
    def act(case: IntimidationCase, form: dict[str, str]) -> None:
        services.case_close(actor=actor_for(request), case=case, reason=form.get("close_reason", ""))

    return _write(request, case_id, act, "The case is closed.")


# Surveys ----------------------------------------------------------------------------------------------


@signed_in
def survey_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = list(selectors.surveys(user=user))
    mine = {r.survey_id: r for r in SurveyResponse.objects.filter(survey__in=rows, agency_id=user.agency_id or 0)}
    return _page(
        request,
        "prepare/surveys/list.html",
        {
            "managed": [s for s in rows if policies.can_manage(user, s)],
            "to_answer": [s for s in rows if policies.can_answer(user, s)],
            "responses": mine,
            "can_design": policies.can_design(user),
        },
    )


def _survey_form(post: Any) -> dict[str, Any]:
    return {
        "title": post.get("title", "")[:400],
        "introduction": post.get("introduction", "")[:8000],
        "opens_on": post.get("opens_on", ""),
        "closes_on": post.get("closes_on", ""),
        "audience_kinds": post.getlist("audience_kinds"),
        "audience_regions": post.getlist("audience_regions"),
        "audience_agencies": post.getlist("audience_agencies"),
    }


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit() and len(v.strip()) < 10]


@signed_in
@require_http_methods(["GET", "POST"])
def survey_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_design(user):
        raise Http404
    form = _survey_form(request.POST if request.method == "POST" else QueryDict())
    if request.method == "GET":
        today = timezone.localdate()
        form["opens_on"], form["closes_on"] = today.isoformat(), (today + timedelta(days=28)).isoformat()
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            opens = required_form_date(form, "opens_on", "the opening date")
            closes = required_form_date(form, "closes_on", "the closing date")
            survey = services.survey_create(
                actor=actor_for(request),
                title=form["title"],
                introduction=form["introduction"],
                opens_on=opens,
                closes_on=closes,
                audience_kinds=[k for k in form["audience_kinds"] if k in AgencyKind.values],
                audience_regions=list(Region.objects.filter(pk__in=_ids(form["audience_regions"]))),
                audience_agencies=list(
                    Agency.objects.filter(pk__in=_ids(form["audience_agencies"]), status=AgencyStatus.MEMBER)
                ),
            )
        except ValidationError as exc:
            errors, status = error_list(exc), 400
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, "The survey is saved as a draft. Add its questions, then open it.")
            return redirect("web:survey_detail", survey_id=survey.pk)
    return _page(
        request,
        "prepare/surveys/new.html",
        {
            "form": form,
            "errors": errors,
            "kinds": AgencyKind.choices,
            "regions": Region.objects.order_by("name"),
            "agencies": Agency.objects.filter(status=AgencyStatus.MEMBER).order_by("name"),
        },
        status=status,
    )


def _survey_or_404(request: HttpRequest, survey_id: int) -> Survey:
    survey = selectors.survey_get(user=current_user(request), survey_id=survey_id)
    if survey is None:
        raise Http404
    return survey


def _designer(
    request: HttpRequest,
    survey: Survey,
    *,
    errors: list[dict[str, str]] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    return _page(
        request,
        "prepare/surveys/detail.html",
        {
            "survey": survey,
            "questions": list(survey.questions.all()),
            "kinds": [(k, survey_engine.KIND_LABELS[k]) for k in survey_engine.KINDS],
            "audience": list(policies.audience(survey)),
            "errors": errors or [],
            "form": form or {},
            "rates": selectors.response_rates(survey) if survey.status != SurveyStatus.DRAFT else None,
        },
        status=status,
    )


@signed_in
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The designer's page; people who only answer are taken to their agency's response."""
    survey = _survey_or_404(request, survey_id)
    if not policies.can_manage(current_user(request), survey):
        return redirect("web:survey_answer", survey_id=survey.pk)
    return _designer(request, survey)


def _managed_or_404(request: HttpRequest, survey_id: int) -> Survey:
    survey = _survey_or_404(request, survey_id)
    if not policies.can_manage(current_user(request), survey):
        raise Http404
    return survey


@signed_in
@require_POST
def survey_question_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_or_404(request, survey_id)
    form = {k: request.POST.get(k, "")[:8000] for k in ("kind", "text", "hint", "options", "min_value", "max_value")}
    form["required"] = "yes" if request.POST.get("required") == "yes" else ""
    try:
        low = _int(form["min_value"], "min_value", "the lowest value")
        high = _int(form["max_value"], "max_value", "the highest value")
        services.question_add(
            actor=actor_for(request),
            survey=survey,
            kind=form["kind"],
            text=form["text"],
            hint=form["hint"],
            required=bool(form["required"]),
            options=form["options"],
            min_value=low,
            max_value=high,
        )
    except ValidationError as exc:
        return _designer(request, survey, errors=error_list(exc), form=form, status=400)
    messages.success(request, "The question is added.")
    return redirect("web:survey_detail", survey_id=survey.pk)


@signed_in
@require_POST
def survey_question_remove(request: HttpRequest, survey_id: int, question_id: int) -> HttpResponse:
    survey = _managed_or_404(request, survey_id)
    question = survey.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    try:
        services.question_remove(actor=actor_for(request), survey=survey, question=question)
    except ValidationError as exc:
        return _designer(request, survey, errors=error_list(exc), status=400)
    messages.success(request, "The question is removed.")
    return redirect("web:survey_detail", survey_id=survey.pk)


@signed_in
@require_POST
def survey_status(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_or_404(request, survey_id)
    action = request.POST.get("action", "")
    try:
        if action == "open":
            services.survey_open(actor=actor_for(request), survey=survey)
            messages.success(request, "The survey is open: the agencies asked can answer it.")
        elif action == "close":
            services.survey_close(actor=actor_for(request), survey=survey)
            messages.success(request, "The survey is closed: no more answers can be saved.")
        else:
            raise ValidationError("Choose to open or close the survey.")
    except ValidationError as exc:
        return _designer(request, survey, errors=error_list(exc), status=400)
    return redirect("web:survey_detail", survey_id=survey.pk)


def _posted_answers(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in survey.questions.all():
        name = f"q{q.pk}"
        if q.kind == "multiple":
            answers[str(q.pk)] = [v[:400] for v in request.POST.getlist(name)][:50]
        else:
            answers[str(q.pk)] = request.POST.get(name, "")[:8000]
    return answers


@signed_in
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The agency's response: fill in, save a draft, submit; after submission it is shown read-only."""
    user = current_user(request)
    survey = _survey_or_404(request, survey_id)
    if not policies.can_answer(user, survey):
        raise Http404
    response = selectors.response_of(survey=survey, agency_id=user.agency_id)
    answers: dict[str, Any] = dict(response.answers) if response else {}
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        answers = _posted_answers(request, survey)
        submit = request.POST.get("action") == "submit"
        try:
            services.response_save(actor=actor_for(request), survey=survey, answers=answers, submit=submit)
        except ValidationError as exc:
            errors, status = error_list(exc), 400
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                "Your agency's response is submitted. Thank you." if submit else "Your answers are saved as a draft.",
            )
            return redirect("web:survey_answer", survey_id=survey.pk)
    locked = response is not None and response.status == ResponseStatus.SUBMITTED
    return _page(
        request,
        "prepare/surveys/answer.html",
        {
            "survey": survey,
            "questions": list(survey.questions.all()),
            "answers": answers,
            "response": response,
            "locked": locked,
            "refusal": policies.answer_refusal(survey),
            "errors": errors,
        },
        status=status,
    )


@signed_in
def survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed_or_404(request, survey_id)
    results = selectors.results(survey)
    charts = {
        r.question.key: survey_engine.bar_chart(f"chart-q{r.question.key}", r.question.text, r.counts)
        for r in results
        if r.has_chart
    }
    return _page(
        request,
        "prepare/surveys/results.html",
        {
            "survey": survey,
            "results": results,
            "charts": charts,
            "rates": selectors.response_rates(survey),
            "responses": list(selectors.submitted_responses(survey)),
        },
    )


@signed_in
def survey_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The submitted responses as CSV: a disclosure, audited."""
    survey = _managed_or_404(request, survey_id)
    try:
        header, rows = services.responses_export(actor=actor_for(request), survey=survey)
    except PermissionDenied as exc:
        raise Http404 from exc
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-responses.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
