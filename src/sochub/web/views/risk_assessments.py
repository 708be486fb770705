"""Risk assessments of themes, OCGs and nominals: list, start, answer, submit, approve or return; the control
strategy table and the review-due list.

Reads go through ``sochub.risk.selectors`` (anything the user may not see answers 404); writes through
``sochub.risk.services``, which check the policies and write the audit rows. An assessment about a nominal is
personal data: opening one needs a purpose and is logged as a consultation of that nominal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import AuditEvent, Operation
from sochub.engine import scoring
from sochub.intel import policies as intel_policies
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, Classification, Nominal, ThreatCategory
from sochub.risk import policies, selectors, services
from sochub.risk.models import Assessment, AssessmentStatus, Subject

from .common import actor_for, current_user, error_list, intel_user, purpose_needed, render

PAGE_SIZE = 25
HISTORY_ACTIONS = ("created", "submitted", "returned", "approved")
SECTION_NOTES = {
    "harm": "These ratings make up the harm score.",
    "likelihood": "These ratings make up the likelihood score. Risk is harm × likelihood.",
    "confidence": "Shown beside the risk; it never changes the risk score.",
    "organisational_position": "Kept apart from risk. A weak position on a high risk is flagged as a risk gap.",
}
GROUP_LABELS = {"criminal_activity": "Criminal activity", "capability": "Capability and sophistication"}

Model = scoring.ScoringModel | scoring.AttributeModel


def _model(assessment: Assessment) -> Model:
    """The model the assessment was started with (its stored copy), never the one in force today."""
    if assessment.subject_type == Subject.OCG_ATTRIBUTES:
        return scoring.AttributeModel.model_validate(assessment.model_data)
    return scoring.parse_scoring_model(assessment.model_data, file=f"assessment {assessment.pk}")


def _get_or_404(request: HttpRequest, assessment_id: int) -> Assessment:
    assessment = selectors.assessment_get(user=current_user(request), assessment_id=assessment_id)
    if assessment is None:
        raise Http404
    return assessment


def _audit_nominal_reads(request: HttpRequest, assessments: Iterable[Assessment], view: str) -> None:
    """Showing an assessment about a person is a consultation of that person's record."""
    shown = [a for a in assessments if a.nominal_id]
    if not shown:
        return
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="nominal",
        object_ids=list(dict.fromkeys(a.nominal_id for a in shown)),
        detail={"view": view, "risk_assessments": [a.pk for a in shown]},
    )


# The form -------------------------------------------------------------------------------------


@dataclass
class Question:
    """One radios group (and its rationale box) on the form."""

    key: str
    label: str
    question: str
    items: list[dict[str, Any]]
    rationale: str
    rating_error: str = ""
    rationale_error: str = ""


@dataclass
class Group:
    label: str
    description: str
    questions: list[Question] = field(default_factory=list)


def _posted_answers(request: HttpRequest, model: Model) -> tuple[dict[str, Any], dict[str, str]]:
    """The ratings and rationales the form sent, reading only the model's own keys and levels.

    A value that is not one of a question's levels is dropped, so it counts as not answered.
    """
    ratings: dict[str, Any] = {}
    rationales: dict[str, str] = {}
    keys = model.attributes if isinstance(model, scoring.AttributeModel) else model.dimensions
    for key in keys:
        raw = request.POST.get(f"rating-{key}", "").strip()
        if isinstance(model, scoring.AttributeModel):
            if raw in {lv.key for lv in model.levels}:
                ratings[key] = raw
        else:
            _, dim = model.dimensions[key]
            try:
                value = int(raw)
            except ValueError:
                value = None
            if value is not None and dim.level(value) is not None:
                ratings[key] = value
        text = request.POST.get(f"rationale-{key}", "")[:2000]
        if text.strip():
            rationales[key] = text
    return ratings, rationales


def _field_errors(
    problems: dict[str, list[str]], ratings: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str], list[dict[str, str]]]:
    """Place each problem beside its field: a missing rating on the radios, a missing rationale on the box."""
    rating_errors: dict[str, str] = {}
    rationale_errors: dict[str, str] = {}
    summary: list[dict[str, str]] = []
    for key, msgs in problems.items():
        for i, msg in enumerate(msgs):
            if not key:
                summary.append({"text": msg, "href": "#questions"})
            elif key not in ratings and i == 0:
                rating_errors.setdefault(key, msg)
                summary.append({"text": msg, "href": f"#rating-{key}"})
            else:
                rationale_errors.setdefault(key, msg)
                summary.append({"text": msg, "href": f"#rationale-{key}"})
    return rating_errors, rationale_errors, summary


def _groups(
    model: Model,
    ratings: dict[str, Any],
    rationales: dict[str, str],
    rating_errors: dict[str, str] | None = None,
    rationale_errors: dict[str, str] | None = None,
) -> list[Group]:
    rating_errors = rating_errors or {}
    rationale_errors = rationale_errors or {}

    def question(key: str, label: str, text: str, levels: list[tuple[str, str, str]]) -> Question:
        current = str(ratings.get(key, ""))
        items = [{"value": v, "text": t, "hint": {"text": d}, "checked": current == v} for v, t, d in levels]
        return Question(
            key=key,
            label=label,
            question=text or label,
            items=items,
            rationale=rationales.get(key, ""),
            rating_error=rating_errors.get(key, ""),
            rationale_error=rationale_errors.get(key, ""),
        )

    if isinstance(model, scoring.AttributeModel):
        levels = [(lv.key, lv.label, lv.descriptor) for lv in model.levels]
        groups: dict[str, Group] = {}
        for key, attr in model.attributes.items():
            name = attr.group or "attributes"
            group = groups.setdefault(name, Group(GROUP_LABELS.get(name, name.replace("_", " ").capitalize()), ""))
            group.questions.append(question(key, attr.label, attr.question, levels))
        return list(groups.values())
    out = []
    for name, section in model.sections.present().items():
        group = Group(section.label, section.description or SECTION_NOTES.get(name, ""))
        for key, dim in section.dimensions.items():
            levels = [(str(lv.value), lv.label, lv.descriptor) for lv in dim.levels]
            group.questions.append(question(key, dim.label, dim.question, levels))
        out.append(group)
    return out


# Pages ----------------------------------------------------------------------------------------


@intel_user
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    subject_type = request.GET.get("subject", "")
    subject_type = subject_type if subject_type in Subject.values else ""
    status = request.GET.get("status", "")
    status = status if status in AssessmentStatus.values else ""
    qs = selectors.assessments(user=user, subject_type=subject_type, status=status).select_related("nominal", "agency")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _audit_nominal_reads(request, page.object_list, "risk_assessments")
    return render(
        request,
        "risk/assessments/list.html",
        {
            "page": page,
            "subject": subject_type,
            "status": status,
            "subjects": Subject,
            "statuses": AssessmentStatus,
            "can_assess": policies.can_assess(user),
            "qs": urlencode({"subject": subject_type, "status": status}) + "&",
        },
    )


def _start_subject(request: HttpRequest) -> tuple[str, OCG | None, Nominal | None]:
    """What the start page is for: a theme, or the OCG or nominal named in the address (404 if not visible)."""
    user = current_user(request)
    source = request.POST if request.method == "POST" else request.GET
    if source.get("ocg"):
        try:
            ocg_id = int(source["ocg"])
        except ValueError as exc:
            raise Http404 from exc
        ocg = intel_selectors.ocg_get(user=user, ocg_id=ocg_id)
        if ocg is None:
            raise Http404
        kind = source.get("kind", "")
        return (kind if kind in (Subject.OCG, Subject.OCG_ATTRIBUTES) else ""), ocg, None
    if source.get("nominal"):
        nominal = intel_selectors.nominal_resolve(user=user, nominal_id=source["nominal"][:64])
        if nominal is None:
            raise Http404
        return Subject.NOMINAL, None, nominal
    return Subject.THEME, None, None


@intel_user
@require_http_methods(["GET", "POST"])
def assessment_start(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_assess(user):
        raise Http404
    kind, ocg, nominal = _start_subject(request)
    if nominal is not None and (needed := purpose_needed(request)) is not None:
        # Come back with the nominal named in the address, not to an empty start page.
        return redirect(f"{needed['Location'].split('?')[0]}?{urlencode({'next': request.get_full_path()})}")
    classifications = [c for c in Classification if intel_policies.cleared_for(user, c)]
    form = {
        "kind": kind,
        "theme": request.POST.get("theme", ""),
        "area": request.POST.get("area", "").strip()[:200],
        "classification": request.POST.get("classification", Classification.OFFICIAL),
    }
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        if ocg is not None and kind not in (Subject.OCG, Subject.OCG_ATTRIBUTES):
            errors.append({"text": "Choose which kind of assessment to start", "href": "#kind"})
        if ocg is None and nominal is None and form["theme"] not in ThreatCategory.values:
            errors.append({"text": "Choose the threat category to assess", "href": "#theme"})
        if form["classification"] not in {c.value for c in classifications}:
            errors.append({"text": "Choose the marking of the assessment", "href": "#classification"})
        if not errors:
            try:
                assessment = services.assessment_create(
                    actor=actor_for(request),
                    subject_type=kind,
                    theme=form["theme"],
                    area=form["area"],
                    ocg=ocg,
                    nominal=nominal,
                    classification=form["classification"],
                )
            except ValidationError as exc:
                errors = error_list(exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            except scoring.ScoringModelError as exc:
                errors = [{"text": f"The scoring model cannot be used: {p}", "href": "#"} for p in exc.problems]
            else:
                messages.success(request, f"Your draft assessment of {assessment.subject_label} is started.")
                return redirect("web:risk_assessment_edit", assessment_id=assessment.pk)
        status = 400
    return render(
        request,
        "risk/assessments/start.html",
        {
            "ocg": ocg,
            "nominal": nominal,
            "form": form,
            "themes": ThreatCategory,
            "classifications": classifications,
            "subjects": Subject,
            "errors": errors,
        },
        status=status,
    )


@intel_user
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = current_user(request)
    assessment = _get_or_404(request, assessment_id)
    if assessment.nominal_id and (needed := purpose_needed(request)) is not None:
        return needed
    if not policies.can_edit(user, assessment):
        if request.method == "POST":
            raise PermissionDenied("Only a draft of your agency's can be changed.")
        messages.info(request, "Only a draft can be changed. This assessment is not a draft you can edit.")
        return redirect("web:risk_assessment_detail", assessment_id=assessment.pk)
    model = _model(assessment)
    _audit_nominal_reads(request, [assessment], "risk_assessment_edit")
    ratings: dict[str, Any] = dict(assessment.ratings)
    rationales: dict[str, str] = dict(assessment.rationales)
    errors: list[dict[str, str]] = []
    rating_errors: dict[str, str] = {}
    rationale_errors: dict[str, str] = {}
    if request.method == "POST":
        actor = actor_for(request)
        ratings, rationales = _posted_answers(request, model)
        problems = services.assessment_save(actor=actor, assessment=assessment, ratings=ratings, rationales=rationales)
        if request.POST.get("action") != "submit":
            left = len(problems)
            messages.success(
                request,
                "Your draft is saved. "
                + (
                    f"{left} {'question needs' if left == 1 else 'questions need'} an answer before you submit it."
                    if left
                    else "Every question is answered: you can submit it for approval."
                ),
            )
            return redirect("web:risk_assessment_edit", assessment_id=assessment.pk)
        if not problems:
            try:
                services.assessment_submit(actor=actor, assessment=assessment)
            except scoring.AssessmentError as exc:
                problems = exc.problems
            else:
                messages.success(
                    request, "The assessment is submitted. Another analyst or coordinator must approve it."
                )
                return redirect("web:risk_assessment_detail", assessment_id=assessment.pk)
        rating_errors, rationale_errors, errors = _field_errors(problems, ratings)
    keys = model.attributes if isinstance(model, scoring.AttributeModel) else model.dimensions
    answered, total = sum(1 for k in ratings if k in keys), len(keys)
    return render(
        request,
        "risk/assessments/form.html",
        {
            "a": assessment,
            "model": model,
            "attributes": isinstance(model, scoring.AttributeModel),
            "groups": _groups(model, ratings, rationales, rating_errors, rationale_errors),
            "answered": answered,
            "total": total,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@dataclass
class Row:
    """One line of the detail page's table of answers."""

    group: str
    label: str
    level: str
    points: float | None
    rationale: str


def _rows(model: Model, assessment: Assessment) -> list[Row]:
    ratings, rationales = assessment.ratings, assessment.rationales
    rows = []
    if isinstance(model, scoring.AttributeModel):
        by_key = {lv.key: lv for lv in model.levels}
        for key, attr in model.attributes.items():
            lv = by_key.get(str(ratings.get(key, "")))
            rows.append(
                Row(
                    GROUP_LABELS.get(attr.group, attr.group.replace("_", " ").capitalize()),
                    attr.label,
                    lv.label if lv else "Not answered",
                    model.points(key, lv.key) if lv else None,
                    rationales.get(key, ""),
                )
            )
        return rows
    sections = model.sections.present()
    for key, (section_name, dim) in model.dimensions.items():
        value = ratings.get(key)
        level = dim.level(int(value)) if isinstance(value, int) or str(value).isdigit() else None
        rows.append(
            Row(
                sections[section_name].label,
                dim.label,
                f"{level.value}: {level.label}" if level else "Not rated",
                round(dim.weight * level.value, 4) if level else None,
                rationales.get(key, ""),
            )
        )
    return rows


def _history(assessment: Assessment) -> list[AuditEvent]:
    """Created, submitted, returned and approved, from the audit log (returns are recorded only there)."""
    events = AuditEvent.objects.filter(
        object_type="risk_assessment", object_ids__icontains=f'"{assessment.pk}"', detail__action__in=HISTORY_ACTIONS
    ).order_by("id")
    return [e for e in events if str(assessment.pk) in [str(i) for i in e.object_ids]]


def _detail_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    user = current_user(request)
    model = _model(assessment)
    refusal = policies.approval_refusal(user, assessment)
    return {
        "a": assessment,
        "model": model,
        "attributes": isinstance(model, scoring.AttributeModel),
        "result": assessment.result,
        "rows": _rows(model, assessment),
        "history": _history(assessment),
        "supersedes": list(selectors.assessments(user=user).filter(superseded_by=assessment)),
        "can_edit": policies.can_edit(user, assessment),
        "can_approve": refusal is None,
        "refusal": refusal,
        "reason": "",
        "errors": [],
    }


@intel_user
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _get_or_404(request, assessment_id)
    if assessment.nominal_id and (needed := purpose_needed(request)) is not None:
        return needed
    _audit_nominal_reads(request, [assessment], "risk_assessment")
    return render(request, "risk/assessments/detail.html", _detail_context(request, assessment))


@intel_user
@require_POST
def assessment_approve(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _get_or_404(request, assessment_id)
    if assessment.nominal_id and (needed := purpose_needed(request)) is not None:
        return needed
    try:
        services.assessment_approve(actor=actor_for(request), assessment=assessment)
    except PermissionDenied as exc:
        context = _detail_context(request, assessment)
        context["errors"] = [{"text": str(exc) or "You cannot approve this assessment.", "href": "#decision"}]
        return render(request, "risk/assessments/detail.html", context, status=403)
    messages.success(
        request,
        f"The assessment is approved. It is due for review by {assessment.review_due:%d %B %Y}."
        if assessment.review_due
        else "The assessment is approved.",
    )
    return redirect("web:risk_assessment_detail", assessment_id=assessment.pk)


@intel_user
@require_POST
def assessment_return(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _get_or_404(request, assessment_id)
    if assessment.nominal_id and (needed := purpose_needed(request)) is not None:
        return needed
    reason = request.POST.get("reason", "")[:2000]
    try:
        services.assessment_return(actor=actor_for(request), assessment=assessment, reason=reason)
    except (PermissionDenied, ValidationError) as exc:
        assessment.refresh_from_db()
        context = _detail_context(request, assessment)
        context["reason"] = reason
        if isinstance(exc, ValidationError):
            context["errors"] = [{**e, "href": "#reason"} for e in error_list(exc)]
        else:
            context["errors"] = [{"text": str(exc) or "You cannot return this assessment.", "href": "#decision"}]
        return render(
            request, "risk/assessments/detail.html", context, status=400 if isinstance(exc, ValidationError) else 403
        )
    messages.success(request, "The assessment is returned to the assessor as a draft, with your reason.")
    return redirect("web:risk_assessment_detail", assessment_id=assessment.pk)


@intel_user
def control_strategy(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    problem = ""
    try:
        rows = selectors.control_strategy(user=user)
    except ValueError as exc:
        rows, problem = [], str(exc)
    approved = selectors.assessments(user=user, subject_type=Subject.THEME, status=AssessmentStatus.APPROVED).filter(
        agency=user.agency
    )
    by_subject = {a.subject_label: a for a in approved}
    notices = sorted({str(a.model_data.get("notice", "")) for a in by_subject.values()} - {""})
    return render(
        request,
        "risk/assessments/control_strategy.html",
        {"rows": [(r, by_subject.get(r.subject)) for r in rows], "problem": problem, "notices": notices},
    )


@intel_user
def review_due(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    # Soonest review date first, so the overdue ones (dates already past) lead.
    qs = selectors.review_due(user=user).select_related("ocg", "nominal", "approved_by")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _audit_nominal_reads(request, page.object_list, "risk_review_due")
    overdue = qs.filter(review_due__lt=timezone.localdate()).count()
    return render(request, "risk/assessments/review_due.html", {"page": page, "overdue": overdue})
