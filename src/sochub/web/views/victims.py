"""Vulnerable fraud victims (after Sussex Police's Operation Signature): referral at first contact with the
checklist, the case page (visit, protective measures, volunteer, reviews, closing, the timeline), new fraud
reports matched against the agency's victims (repeat victimisation), the case lead's alerts and the figures.

Who sees what is decided in ``sochub.protect.policies``: staff of the case's agency see and work the whole case;
the assigned volunteer sees only their part of it; anyone else gets 404. Every look and change is audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.partners.models import User
from sochub.protect import case_selectors as selectors
from sochub.protect import cases as services
from sochub.protect import policies
from sochub.protect.models import (
    CaseAlert,
    FraudReport,
    FraudType,
    MeasureOutcome,
    ProtectiveMeasure,
    ReferralSource,
    ReportedVia,
    VictimCase,
)

from .common import actor_for, current_user, render, signed_in

PREFILL_KEY = "sochub_victim_prefill"
GROUP_LABELS = {
    "person": "About the person",
    "contact": "Contact by scammers",
    "loss": "Money",
    "signs": "Signs seen at home or when they talk",
}
PERSON_FIELDS = ("name", "address", "postcode", "phone")
FRAUD_FIELDS = ("fraud_type", "loss", "crime_reference", "reported_via", "description")
EMPTY_DATE = {"day": "", "month": "", "year": ""}


# Helpers ---------------------------------------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> User:
    user = current_user(request)
    if not policies.can_work_cases(user):
        raise Http404
    return user


def _date_from(post: Any, prefix: str) -> tuple[date | None, dict[str, str]]:
    typed = {part: post.get(f"{prefix}-{part}", "").strip() for part in ("day", "month", "year")}
    try:
        return date(int(typed["year"]), int(typed["month"]), int(typed["day"])), typed
    except (ValueError, OverflowError):
        return None, typed


def _problems(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: " ".join(v) for k, v in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def _errors(problems: dict[str, str]) -> list[dict[str, str]]:
    anchors = {"birth_date": "birth_date-day", "occurred_on": "occurred_on-day"}
    return [{"text": text, "href": f"#{anchors.get(k, k)}"} for k, text in problems.items()]


def _checklist_groups() -> list[dict[str, Any]]:
    groups: dict[str, list[Any]] = {}
    for indicator in services.checklist().indicators:
        groups.setdefault(indicator.group, []).append(indicator)
    return [
        {"id": g, "label": GROUP_LABELS.get(g, g.replace("_", " ").capitalize()), "items": items}
        for g, items in groups.items()
    ]


def _choices() -> dict[str, Any]:
    return {
        "fraud_types": FraudType.choices,
        "reported_via": ReportedVia.choices,
        "referral_sources": ReferralSource.choices,
    }


def _person_fraud(request: HttpRequest) -> tuple[services.PersonDetails, services.FraudDetails, dict[str, Any]]:
    post = request.POST
    birth, birth_typed = _date_from(post, "birth_date")
    occurred, occurred_typed = _date_from(post, "occurred_on")
    values: dict[str, Any] = {f: post.get(f, "") for f in PERSON_FIELDS + FRAUD_FIELDS}
    values.update({"birth_date": birth_typed, "occurred_on": occurred_typed})
    person = services.PersonDetails(
        name=values["name"], birth_date=birth, address=values["address"], postcode=values["postcode"],
        phone=values["phone"],
    )  # fmt: skip
    fraud = services.FraudDetails(
        fraud_type=values["fraud_type"], occurred_on=occurred, loss=values["loss"],
        crime_reference=values["crime_reference"], reported_via=values["reported_via"],
        description=values["description"],
    )  # fmt: skip
    return person, fraud, values


def _blank_values() -> dict[str, Any]:
    values: dict[str, Any] = {f: "" for f in PERSON_FIELDS + FRAUD_FIELDS}
    values.update({"birth_date": dict(EMPTY_DATE), "occurred_on": dict(EMPTY_DATE), "indicators": []})
    return values


def _case_or_404(request: HttpRequest, case_id: int) -> VictimCase:
    case = selectors.case_get(user=current_user(request), case_id=case_id)
    if case is None:
        raise Http404
    return case


def _workable_case(request: HttpRequest, case_id: int) -> VictimCase:
    case = _case_or_404(request, case_id)
    if not policies.can_work(current_user(request), case):
        raise Http404
    return case


# List, alerts, figures ----------------------------------------------------------------------------------------


@signed_in
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    staff = policies.can_work_cases(user)
    if not staff and not policies.is_volunteer(user):
        raise Http404
    today = timezone.localdate()
    status = request.GET.get("status", "open" if staff else "")
    priority = request.GET.get("priority", "")
    overdue = request.GET.get("overdue") == "1"
    cases = list(selectors.case_list(user=user, status=status, priority=priority, overdue=overdue, today=today))
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type=services.OBJECT_TYPE,
        object_ids=[c.pk for c in cases],
        detail={"view": "case list" if staff else "volunteer case list"},
    )
    return render(
        request,
        "victims/list.html",
        {
            "cases": cases,
            "staff": staff,
            "status": status,
            "priority": priority,
            "overdue": overdue,
            "priorities": [(p.id, p.label) for p in services.checklist().priorities],
            "unread": selectors.unread_alerts(user) if staff else 0,
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def alerts(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    if request.method == "POST":
        raw = request.POST.get("alert", "")
        alert = selectors.alerts_for(user).filter(pk=int(raw)).first() if raw.isdigit() else None
        if alert is None:
            raise Http404
        services.alert_read(actor=actor_for(request), alert=alert)
        return redirect("web:victim_case", case_id=alert.case_id)
    rows: list[CaseAlert] = list(selectors.alerts_for(user)[:200])
    return render(request, "victims/alerts.html", {"alerts": rows})


def _period(request: HttpRequest, today: date) -> tuple[date, date, dict[str, Any], dict[str, str]]:
    problems: dict[str, str] = {}
    start, start_typed = _date_from(request.GET, "start")
    end, end_typed = _date_from(request.GET, "end")
    if not any(start_typed.values()):
        start = today - timedelta(days=365)
    elif start is None:
        problems["start"] = "Enter a real start date"
    if not any(end_typed.values()):
        end = today
    elif end is None:
        problems["end"] = "Enter a real end date"
    if start and end and start > end:
        problems["end"] = "The end must be on or after the start"
    if problems or start is None or end is None:
        start, end = today - timedelta(days=365), today
    return start, end, {"start": start_typed, "end": end_typed}, problems


@signed_in
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    today = timezone.localdate()
    start, end, typed, problems = _period(request, today)
    figs = selectors.figures(user=user, start=start, end=end, today=today)
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type=services.OBJECT_TYPE,
        detail={"view": "victim figures", "start": str(start), "end": str(end)},
    )
    return render(
        request,
        "victims/figures.html",
        {"figs": figs, "values": typed, "problems": problems, "errors": _errors(problems)},
        status=400 if problems else 200,
    )


# Referral and new fraud reports ----------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    officers = policies.officer_choices(user.agency_id)
    values = _blank_values()
    values.update({"referral_source": "", "lead": str(user.pk) if user in officers else ""})
    prefilled = False
    if request.method == "GET" and request.GET.get("from") == "report":
        stored = request.session.get(PREFILL_KEY)
        if isinstance(stored, dict):
            values.update({k: v for k, v in stored.items() if k in values})
            prefilled = True
    problems: dict[str, str] = {}
    if request.method == "POST":
        person, fraud, typed = _person_fraud(request)
        values.update(typed)
        values.update(
            {
                "indicators": request.POST.getlist("indicators"),
                "referral_source": request.POST.get("referral_source", ""),
                "lead": request.POST.get("lead", ""),
            }
        )
        lead = next((o for o in officers if str(o.pk) == values["lead"]), None)
        if lead is None:
            problems["lead"] = "Choose the officer who leads the case"
        else:
            try:
                case = services.referral_create(
                    actor=actor_for(request),
                    person=person,
                    fraud=fraud,
                    indicators=values["indicators"],
                    referral_source=values["referral_source"],
                    lead=lead,
                )
            except ValidationError as exc:
                problems = _problems(exc)
            else:
                request.session.pop(PREFILL_KEY, None)
                messages.success(
                    request, f"Case {case.reference} opened: {case.priority_label} priority, visit due by "
                    f"{case.visit_due:%d %B %Y}",
                )  # fmt: skip
                return redirect("web:victim_case", case_id=case.pk)
    return render(
        request,
        "victims/refer.html",
        {
            "values": values,
            "problems": problems,
            "errors": _errors(problems),
            "groups": _checklist_groups(),
            "officers": officers,
            "prefilled": prefilled,
            "checklist": services.checklist(),
            **_choices(),
        },
        status=400 if problems else 200,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    values = _blank_values()
    problems: dict[str, str] = {}
    if request.method == "POST":
        person, fraud, typed = _person_fraud(request)
        values.update(typed)
        try:
            outcome = services.report_record(actor=actor_for(request), person=person, fraud=fraud)
        except ValidationError as exc:
            problems = _problems(exc)
        else:
            if outcome.report is None:
                request.session[PREFILL_KEY] = outcome.prefill
                messages.info(request, "No case matched the person: refer them with the details of the report")
                return redirect(f"{reverse('web:victim_refer')}?from=report")
            return redirect("web:victim_report", report_id=outcome.report.pk)
    return render(
        request,
        "victims/report_new.html",
        {"values": values, "problems": problems, "errors": _errors(problems), **_choices()},
        status=400 if problems else 200,
    )


@signed_in
@require_GET
def report_result(request: HttpRequest, report_id: int) -> HttpResponse:
    user = _staff_only(request)
    report = FraudReport.objects.select_related("case", "case__lead").filter(pk=report_id).first()
    if report is None or not policies.can_view_full(user, report.case):
        raise Http404
    services.case_consult(actor=actor_for(request), case=report.case, view="repeat report result")
    return render(request, "victims/report_result.html", {"report": report, "case": report.case})


# The case ------------------------------------------------------------------------------------------------------


def _case_context(request: HttpRequest, case: VictimCase) -> dict[str, Any]:
    user = current_user(request)
    c = services.checklist()
    labels = {i.id: i.label for i in c.indicators}
    suggested = [m for m in c.measures if m.id in set(case.assessment.get("measures", []))]
    return {
        "case": case,
        "reports": list(case.reports.select_related("reported_by").order_by("reported_at", "pk")),
        "measures": list(case.measures.order_by("requested_on", "pk")),
        "reviews": list(case.reviews.select_related("by").order_by("-reviewed_on", "-pk")),
        "events": list(selectors.timeline(case)),
        "indicator_labels": [labels.get(i, i) for i in case.indicators],
        "measure_choices": c.measures,
        "suggested": suggested,
        "outcomes": MeasureOutcome.choices,
        "officers": policies.officer_choices(case.agency_id),
        "volunteers": policies.volunteer_choices(case),
        "today": timezone.localdate(),
        "can_work": policies.can_work(user, case),
        "values": {},
        "problems": {},
    }


def _render_case(
    request: HttpRequest, case: VictimCase, values: dict[str, Any] | None = None, problems: dict[str, str] | None = None
) -> HttpResponse:
    user = current_user(request)
    if policies.can_view_full(user, case):
        services.case_consult(actor=actor_for(request), case=case, view="case")
        context = _case_context(request, case)
        context.update({"values": values or {}, "problems": problems or {}, "errors": _errors(problems or {})})
        return render(request, "victims/case.html", context, status=400 if problems else 200)
    if policies.can_support(user, case):
        services.case_consult(actor=actor_for(request), case=case, view="volunteer support")
        return render(
            request,
            "victims/support.html",
            {
                "case": case,
                "measures": list(selectors.measures_in_place(case)),
                "notes": list(selectors.support_notes(case)),
                "values": values or {},
                "problems": problems or {},
                "errors": _errors(problems or {}),
            },
            status=400 if problems else 200,
        )
    raise Http404


@signed_in
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render_case(request, _case_or_404(request, case_id))


def _user_in(users: list[User], pk: str) -> User | None:
    return next((u for u in users if str(u.pk) == pk), None)


@signed_in
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """Every change to a case, one small form each; a problem shows the case page again with the message."""
    user = current_user(request)
    case = _case_or_404(request, case_id)
    post = request.POST
    actor = actor_for(request)
    values: dict[str, Any] = {k: post.get(k, "") for k in post if k != "csrfmiddlewaretoken"}
    done = ""
    try:
        if action == "note":
            services.support_note_add(actor=actor, case=case, text=post.get("note", ""))
            done = "Support note added"
        elif not policies.can_work(user, case):
            raise Http404
        elif action == "visit-assign":
            officer = _user_in(policies.officer_choices(case.agency_id), post.get("officer", ""))
            services.visit_assign(actor=actor, case=case, officer=officer)
            done = "Visit assigned"
        elif action == "visit":
            officer = _user_in(policies.officer_choices(case.agency_id), post.get("officer", ""))
            visited_on, values["visited_on"] = _date_from(post, "visited_on")
            services.visit_record(
                actor=actor, case=case, officer=officer, visited_on=visited_on, notes=post.get("visit_notes", "")
            )
            done = "Visit recorded"
        elif action == "measure":
            requested_on, values["requested_on"] = _date_from(post, "requested_on")
            outcome_on, values["outcome_on"] = _date_from(post, "outcome_on")
            services.measure_add(
                actor=actor,
                case=case,
                measure=post.get("measure", ""),
                partner=post.get("partner", ""),
                requested_on=requested_on,
                outcome=post.get("outcome", MeasureOutcome.PENDING),
                outcome_on=outcome_on,
                notes=post.get("measure_notes", ""),
            )
            done = "Protective measure recorded"
        elif action == "volunteer":
            choice = post.get("volunteer", "")
            volunteer = _user_in(policies.volunteer_choices(case), choice)
            if choice and volunteer is None:
                raise ValidationError({"volunteer": "Choose a volunteer of the partnership"})
            services.volunteer_assign(actor=actor, case=case, volunteer=volunteer)
            done = "Volunteer assigned" if volunteer else "Volunteer taken off the case"
        elif action == "review":
            reviewed_on, values["reviewed_on"] = _date_from(post, "reviewed_on")
            services.review_record(actor=actor, case=case, reviewed_on=reviewed_on, notes=post.get("review_notes", ""))
            done = "Review recorded"
        elif action == "close":
            services.case_close(actor=actor, case=case, reason=post.get("reason", ""))
            done = "Case closed"
        elif action == "reopen":
            services.case_reopen(actor=actor, case=case, reason=post.get("reopen_reason", ""))
            done = "Case reopened"
        else:
            raise Http404
    except ValidationError as exc:
        case.refresh_from_db()
        return _render_case(request, case, values, _problems(exc))
    messages.success(request, done)
    return redirect("web:victim_case", case_id=case.pk)


@signed_in
@require_POST
def measure_update(request: HttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    case = _workable_case(request, case_id)
    measure: ProtectiveMeasure | None = case.measures.filter(pk=measure_id).first()
    if measure is None:
        raise Http404
    outcome_on, typed = _date_from(request.POST, f"m{measure.pk}-outcome_on")
    try:
        services.measure_update(
            actor=actor_for(request),
            measure=measure,
            outcome=request.POST.get("outcome", ""),
            outcome_on=outcome_on,
            notes=request.POST.get("measure_notes", ""),
        )
    except ValidationError as exc:
        problems = {f"m{measure.pk}-{k}": v for k, v in _problems(exc).items()}
        return _render_case(request, case, {f"m{measure.pk}-outcome_on": typed}, problems)
    messages.success(request, f"{measure.label}: outcome recorded")
    return redirect("web:victim_case", case_id=case.pk)
