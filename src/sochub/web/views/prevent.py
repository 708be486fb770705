"""Prevent programmes for young people: programmes, referrals and decisions, a young person's page, sessions
with their register, the programme report (page, chart and CSV) and the retention review list.

Reads go through ``sochub.prevent.selectors``/``services`` (a young person the user may not see answers 404);
writes through ``sochub.prevent.services``. Pages that show a young person need a purpose first, and every
such read is audited as a consultation. Volunteers who are programme members use these pages too, so the
views need a signed-in user rather than an intelligence role: the policies decide.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from markupsafe import Markup

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.engine import prevent as engine
from sochub.intel.services import NotFound
from sochub.partners.models import Agency, Region, User
from sochub.prevent import policies, selectors, services
from sochub.prevent.models import (
    Mark,
    MemberRole,
    Programme,
    ProgrammeStatus,
    ReoffendingCheck,
    ReoffendingResult,
    Sex,
    YoungPerson,
    YoungPersonStatus,
)

from .common import (
    actor_for,
    current_user,
    error_list,
    form_date,
    purpose_needed,
    render,
    required_form_date,
    signed_in,
)


def _int(raw: str, field: str, what: str) -> int:
    try:
        return int((raw or "").strip())
    except ValueError:
        raise ValidationError({field: f"Enter {what} as a whole number."}) from None


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    programme = selectors.programme_get(user=current_user(request), programme_id=programme_id)
    if programme is None:
        raise Http404
    return programme


def _member_only(request: HttpRequest, programme: Programme) -> None:
    if not policies.can_see_participants(current_user(request), programme):
        raise Http404


# Programmes ---------------------------------------------------------------------------------------------


@signed_in
def prevent_list(request: HttpRequest) -> HttpResponse:
    """The landing page: programmes, the user's own referrals, and what is due for the programmes they work in."""
    user = current_user(request)
    today = timezone.localdate()
    mine = set(selectors.my_programmes(user=user).values_list("pk", flat=True))
    return render(
        request,
        "prevent/list.html",
        {
            "programmes": list(selectors.programmes(user=user)),
            "mine": mine,
            "referrals": list(selectors.own_referrals(user=user)[:50]),
            "retention_due": selectors.retention_due(user=user, today=today).count(),
            "checks_due": selectors.reoffending_due(user=user, today=today).count(),
            "can_create": policies.can_create_programme(user),
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def prevent_programme_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_create_programme(user):
        raise Http404
    ref = selectors.reference()
    post = request.POST
    form: dict[str, Any] = {
        "name": post.get("name", "")[:200],
        "area": post.get("area", "")[:200],
        "sponsor": post.get("sponsor", "")[:200],
        "region": post.get("region", ""),
        "capacity": post.get("capacity_per_year", ""),
        "age_min": post.get("age_min", str(ref.default_age_range.min)),
        "age_max": post.get("age_max", str(ref.default_age_range.max)),
        "description": post.get("description", "")[:4000],
        "phases": post.get("phases", "\n".join(p.label for p in ref.default_phases))[:2000],
        "agencies": post.getlist("lead_agencies"),
    }
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            region = Region.objects.filter(code=form["region"]).first() if form["region"] else None
            agencies = list(Agency.objects.filter(code__in=form["agencies"][:20]))
            programme = services.programme_create(
                actor=actor_for(request),
                name=form["name"],
                area=form["area"],
                sponsor=form["sponsor"],
                region=region,
                capacity_per_year=_int(form["capacity"], "capacity_per_year", "the number of places a year"),
                age_min=_int(form["age_min"], "age_min", "the youngest age"),
                age_max=_int(form["age_max"], "age_max", "the oldest age"),
                description=form["description"],
                lead_agencies=agencies,
                phases=[line for line in form["phases"].splitlines() if line.strip()][:12],
            )
        except ValidationError as exc:
            errors = error_list(exc)
            status = 400
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, "The programme is set up. You are its lead.")
            return redirect("web:prevent_programme", programme_id=programme.pk)
    return render(
        request,
        "prevent/programme_form.html",
        {
            "form": form,
            "errors": errors,
            "regions": Region.objects.order_by("name"),
            "agencies": Agency.objects.order_by("name"),
        },
        status=status,
    )


@signed_in
def prevent_programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Phases and agencies for everyone; sessions, members and participants for members only (audited)."""
    user = current_user(request)
    programme = _programme(request, programme_id)
    role = policies.member_role(user, programme)
    participants: list[YoungPerson] = []
    status = request.GET.get("status", "")
    status = status if status in YoungPersonStatus.values else ""
    if role is not None:
        if (needed := purpose_needed(request)) is not None:
            return needed
        participants = services.participants_consult(
            actor=actor_for(request), programme=programme, status=status, view="programme"
        )
    return render(
        request,
        "prevent/programme.html",
        {
            "programme": programme,
            "phases": list(programme.phases.order_by("order")),
            "role": role,
            "members": list(selectors.members(user=user, programme=programme)),
            "sessions": list(selectors.sessions(user=user, programme=programme)[:50]),
            "participants": participants,
            "status": status,
            "statuses": YoungPersonStatus.choices,
            "can_refer": policies.can_refer(user, programme),
            "can_manage": policies.can_manage(user, programme),
            "can_work": policies.can_work(user, programme),
            "roles": MemberRole.choices,
            "programme_statuses": ProgrammeStatus.choices,
        },
    )


@signed_in
@require_POST
def prevent_member_set(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    user = current_user(request)
    if not policies.can_manage(user, programme):
        raise Http404
    member = User.objects.filter(username=request.POST.get("username", "").strip()[:150], is_active=True).first()
    try:
        if member is None:
            raise ValidationError({"username": "No active user has that user name."})
        if request.POST.get("remove"):
            services.member_remove(actor=actor_for(request), programme=programme, user=member)
            messages.success(request, "The member is removed.")
        else:
            services.member_set(
                actor=actor_for(request), programme=programme, user=member, role=request.POST.get("role", "")
            )
            messages.success(request, "The member is saved.")
    except ValidationError as exc:
        for e in error_list(exc):
            messages.error(request, e["text"])
    return redirect("web:prevent_programme", programme_id=programme.pk)


@signed_in
@require_POST
def prevent_programme_status(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    if not policies.can_manage(current_user(request), programme):
        raise Http404
    try:
        services.programme_update_status(
            actor=actor_for(request), programme=programme, status=request.POST.get("status", "")
        )
        messages.success(request, "The programme's status is changed.")
    except ValidationError as exc:
        for e in error_list(exc):
            messages.error(request, e["text"])
    return redirect("web:prevent_programme", programme_id=programme.pk)


# Referrals ----------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def prevent_referral_new(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = current_user(request)
    programme = _programme(request, programme_id)
    if not policies.can_refer(user, programme):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    ref = selectors.reference()
    post = request.POST
    form: dict[str, Any] = {
        key: post.get(key, "")[:2000]
        for key in (
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "school",
            "postcode",
            "referred_on",
            "reasons",
            "referrer_contact",
            "young_person_consent_how",
            "young_person_consent_on",
            "guardian_name",
            "guardian_relationship",
            "guardian_consent_how",
            "guardian_consent_on",
        )
    }
    form["risk_factors"] = post.getlist("risk_factors")
    form["safeguarding_flags"] = post.getlist("safeguarding_flags")
    form["young_person_consent"] = post.get("young_person_consent") == "yes"
    if request.method == "GET":
        form["referred_on"] = timezone.localdate().isoformat()
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            yp = services.referral_create(
                actor=actor_for(request),
                programme=programme,
                first_name=form["first_name"],
                last_name=form["last_name"],
                date_of_birth=required_form_date(post, "date_of_birth", "the date of birth"),
                referred_on=required_form_date(post, "referred_on", "the referral date"),
                sex=form["sex"],
                school=form["school"],
                postcode=form["postcode"],
                risk_factors=form["risk_factors"][:30],
                reasons=form["reasons"],
                safeguarding_flags=form["safeguarding_flags"][:30],
                referrer_contact=form["referrer_contact"],
                young_person_consent=form["young_person_consent"],
                young_person_consent_how=form["young_person_consent_how"],
                young_person_consent_on=form_date(form["young_person_consent_on"]),
                guardian_name=form["guardian_name"],
                guardian_relationship=form["guardian_relationship"],
                guardian_consent_how=form["guardian_consent_how"],
                guardian_consent_on=form_date(form["guardian_consent_on"]),
            )
        except ValidationError as exc:
            errors = error_list(exc)
            status = 400
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, "The referral is sent. The programme's lead will decide on it.")
            return redirect("web:prevent_young_person", young_person_id=yp.pk)
    return render(
        request,
        "prevent/referral_form.html",
        {"programme": programme, "form": form, "errors": errors, "ref": ref, "sexes": Sex.choices},
        status=status,
    )


# A young person -----------------------------------------------------------------------------------------


def _young_person(request: HttpRequest, young_person_id: int, view: str) -> tuple[YoungPerson, str]:
    try:
        return services.young_person_consult(actor=actor_for(request), young_person_id=young_person_id, view=view)
    except NotFound as exc:
        raise Http404 from exc


def _yp_page(
    request: HttpRequest, yp: YoungPerson, level: str, errors: list[dict[str, str]] | None = None, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    ref = selectors.reference()
    context: dict[str, Any] = {"yp": yp, "level": level, "errors": errors or [], "ref": ref}
    if level == policies.FULL:
        history = list(yp.phase_history.select_related("phase").order_by("phase__order"))
        attendance = list(yp.attendance.select_related("session", "session__phase").order_by("-session__held_on"))
        current_marks = (
            selectors.phase_marks(young_person=yp, phase_id=yp.current_phase_id) if yp.current_phase_id else []
        )
        context.update(
            history=history,
            attendance=attendance,
            current=engine.phase_attendance(current_marks),
            threshold=ref.completion.attendance_threshold,
            outcomes=list(yp.outcomes.select_related("phase")),
            checks=list(yp.reoffending_checks.all()),
            reviews=list(yp.retention_reviews.select_related("decided_by")),
            consent=services.consent_of(yp),
            age=engine.age_on(yp.date_of_birth, yp.referred_on) if yp.date_of_birth else None,
            phases=list(yp.programme.phases.order_by("order")),
            can_decide=policies.can_decide(user, yp),
            can_record=policies.can_record(user, yp),
            results=ReoffendingResult.choices,
            today=timezone.localdate(),
        )
    return render(request, "prevent/young_person.html", context, status=status)


@signed_in
def prevent_young_person(request: HttpRequest, young_person_id: int) -> HttpResponse:
    if (needed := purpose_needed(request)) is not None:
        return needed
    yp, level = _young_person(request, young_person_id, "young_person")
    return _yp_page(request, yp, level)


def _yp_action(request: HttpRequest, young_person_id: int, action: str) -> HttpResponse:
    """Run one write on a young person's record; errors re-render the page (400)."""
    if (needed := purpose_needed(request)) is not None:
        return needed
    yp, level = _young_person(request, young_person_id, action)
    if level != policies.FULL:
        raise Http404
    actor = actor_for(request)
    post = request.POST
    try:
        if action == "decide":
            decision = post.get("decision", "")
            services.referral_decide(
                actor=actor,
                young_person=yp,
                decision=decision,
                on=required_form_date(post, "on", "the decision date"),
                reason=post.get("reason", ""),
            )
            done = {"accept": "The referral is accepted.", "decline": "The referral is declined."}.get(
                decision, "The young person is on the waiting list."
            )
        elif action == "consent":
            services.consent_record(
                actor=actor,
                young_person=yp,
                young_person_consent=post.get("young_person_consent") == "yes",
                young_person_consent_how=post.get("young_person_consent_how", ""),
                young_person_consent_on=form_date(post.get("young_person_consent_on", "")),
                guardian_name=post.get("guardian_name", ""),
                guardian_relationship=post.get("guardian_relationship", ""),
                guardian_consent_how=post.get("guardian_consent_how", ""),
                guardian_consent_on=form_date(post.get("guardian_consent_on", "")),
            )
            done = "Consent is recorded."
        elif action == "phase":
            services.phase_complete(
                actor=actor, young_person=yp, on=required_form_date(post, "on", "the completion date")
            )
            done = "The phase is completed."
        elif action == "leave":
            services.participant_leave(
                actor=actor,
                young_person=yp,
                on=required_form_date(post, "on", "the date they left"),
                reason=post.get("reason", ""),
            )
            done = "Leaving the programme is recorded."
        elif action == "outcome":
            phase_id = post.get("phase", "")
            phase = yp.programme.phases.filter(pk=int(phase_id)).first() if phase_id.isdigit() else None
            services.outcome_record(
                actor=actor,
                young_person=yp,
                kind=post.get("kind", ""),
                title=post.get("title", ""),
                level=post.get("level", ""),
                provider=post.get("provider", ""),
                achieved_on=required_form_date(post, "achieved_on", "the date it was achieved"),
                phase=phase,
            )
            done = "The outcome is recorded."
        elif action == "reoffending":
            check_id = post.get("check", "")
            check = (
                ReoffendingCheck.objects.filter(young_person=yp, pk=int(check_id)).first()
                if check_id.isdigit()
                else None
            )
            if check is None:
                raise Http404
            services.reoffending_record(
                actor=actor,
                check=check,
                result=post.get("result", ""),
                on=required_form_date(post, "on", "the check date"),
            )
            done = "The reoffending check is recorded."
        else:  # retention
            erase = post.get("decision") == "erase"
            services.retention_decide(
                actor=actor,
                young_person=yp,
                decision=post.get("decision", ""),
                reason=post.get("reason", ""),
                next_review_on=form_date(post.get("next_review_on", "")),
            )
            if erase:
                messages.success(request, "The record is erased.")
                return redirect("web:prevent_retention")
            done = "The record is kept until its next review."
    except ValidationError as exc:
        yp.refresh_from_db()
        return _yp_page(request, yp, level, error_list(exc), status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, done)
    return redirect("web:prevent_young_person", young_person_id=yp.pk)


@signed_in
@require_POST
def prevent_decide(request: HttpRequest, young_person_id: int) -> HttpResponse:
    return _yp_action(request, young_person_id, "decide")


@signed_in
@require_POST
def prevent_consent(request: HttpRequest, young_person_id: int) -> HttpResponse:
    return _yp_action(request, young_person_id, "consent")


@signed_in
@require_POST
def prevent_phase_complete(request: HttpRequest, young_person_id: int) -> HttpResponse:
    return _yp_action(request, young_person_id, "phase")


@signed_in
@require_POST
def prevent_leave(request: HttpRequest, young_person_id: int) -> HttpResponse:
    return _yp_action(request, young_person_id, "leave")


@signed_in
@require_POST
def prevent_outcome_new(request: HttpRequest, young_person_id: int) -> HttpResponse:
    return _yp_action(request, young_person_id, "outcome")


@signed_in
@require_POST
def prevent_reoffending(request: HttpRequest, young_person_id: int) -> HttpResponse:
    return _yp_action(request, young_person_id, "reoffending")


@signed_in
@require_POST
def prevent_retention_decide(request: HttpRequest, young_person_id: int) -> HttpResponse:
    return _yp_action(request, young_person_id, "retention")


# Sessions -----------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def prevent_session_new(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = current_user(request)
    programme = _programme(request, programme_id)
    if not policies.can_work(user, programme):
        raise Http404
    phases = list(programme.phases.order_by("order"))
    post = request.POST
    form = {
        "phase": post.get("phase", ""),
        "held_on": post.get("held_on", timezone.localdate().isoformat())[:10],
        "title": post.get("title", "")[:200],
        "location": post.get("location", "")[:200],
        "facilitator": post.get("facilitator", "")[:200],
    }
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        phase = next((p for p in phases if str(p.pk) == form["phase"]), None)
        try:
            if phase is None:
                raise ValidationError({"phase": "Choose the phase the session belongs to."})
            session = services.session_create(
                actor=actor_for(request),
                programme=programme,
                phase=phase,
                held_on=required_form_date(post, "held_on", "the session date"),
                title=form["title"],
                location=form["location"],
                facilitator=form["facilitator"],
            )
        except ValidationError as exc:
            errors = error_list(exc)
            status = 400
        else:
            messages.success(request, "The session is added.")
            return redirect("web:prevent_session", session_id=session.pk)
    return render(
        request,
        "prevent/session_form.html",
        {"programme": programme, "phases": phases, "form": form, "errors": errors},
        status=status,
    )


@signed_in
@require_http_methods(["GET", "POST"])
def prevent_session(request: HttpRequest, session_id: int) -> HttpResponse:
    """A session and its attendance register (names of young people: audited, members only)."""
    user = current_user(request)
    session = selectors.session_get(user=user, session_id=session_id)
    if session is None:
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        marks: dict[int, str] = {}
        for key in request.POST:
            value = request.POST.get(key, "")
            if key.startswith("mark-") and key[5:].isdigit() and value:
                marks[int(key[5:])] = value[:10]
        try:
            services.attendance_record(actor=actor_for(request), session=session, marks=marks)
        except ValidationError as exc:
            errors = error_list(exc)
            status = 400
        except NotFound as exc:
            raise Http404 from exc
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, "The register is saved.")
            return redirect("web:prevent_session", session_id=session.pk)
    rows = selectors.register(user=user, session=session)
    if rows:
        audit.record(
            actor=actor_for(request),
            operation=Operation.CONSULTATION,
            object_type="young_person",
            object_ids=[yp.pk for yp, _ in rows],
            detail={"view": "register", "session": session.pk},
        )
    return render(
        request,
        "prevent/session.html",
        {
            "session": session,
            "rows": rows,
            "marks": Mark.choices,
            "can_work": policies.can_work(user, session.programme),
            "held": session.held_on <= timezone.localdate(),
            "errors": errors,
        },
        status=status,
    )


# Reports and retention ----------------------------------------------------------------------------------


@signed_in
def prevent_report(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = current_user(request)
    programme = _programme(request, programme_id)
    report = selectors.programme_report(user=user, programme=programme, today=timezone.localdate())
    if report is None:
        raise Http404
    labels = {k.id: k.label for k in selectors.reference().outcome_kinds}
    return render(
        request,
        "prevent/report.html",
        {
            "programme": programme,
            "report": report,
            "labels": labels,
            "chart_svg": Markup(engine.year_chart_svg(report)),  # noqa: S704 (every text escaped by the engine)
            "results": dict(ReoffendingResult.choices) | {"pending": "Not yet checked"},
        },
    )


@signed_in
def prevent_report_csv(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    try:
        text = services.report_csv(actor=actor_for(request), programme=programme)
    except NotFound as exc:
        raise Http404 from exc
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prevent-programme-{programme.pk}-report.csv"'
    return response


@signed_in
def prevent_retention(request: HttpRequest) -> HttpResponse:
    """Records due for a retention review, and reoffending checks due, for the programmes the user leads or
    works in."""
    user = current_user(request)
    if (needed := purpose_needed(request)) is not None:
        return needed
    today = timezone.localdate()
    due = list(selectors.retention_due(user=user, today=today))
    checks = list(selectors.reoffending_due(user=user, today=today))
    ids = [yp.pk for yp in due] + [c.young_person_id for c in checks]
    if ids:
        audit.record(
            actor=actor_for(request),
            operation=Operation.CONSULTATION,
            object_type="young_person",
            object_ids=list(dict.fromkeys(ids)),
            detail={"view": "retention_list"},
        )
    return render(
        request,
        "prevent/retention.html",
        {"due": due, "checks": checks, "today": today, "ref": selectors.reference()},
    )
