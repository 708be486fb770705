"""API of prevent programmes: the same selectors, policies and audit as its web pages.

Programmes (list), a programme's report (aggregate figures, no names), referrals (create), a young person's
record (members; the referrer sees status only), attendance at a session and outcomes. A young person the
caller may not see answers 404; a refused write answers 422 (rules, naming the field) or 403 (role). Reading a
young person is audited as a consultation with the token's purpose.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sochub.intel.services import NotFound
from sochub.prevent import policies, selectors, services
from sochub.prevent.models import Programme, YoungPerson

from .common import actor_for

router = Router(tags=["prevent programmes"])


def _refused(exc: ValidationError | PermissionDenied) -> HttpError:
    if isinstance(exc, PermissionDenied):
        return HttpError(403, str(exc) or "Not allowed")
    if hasattr(exc, "error_dict"):
        return HttpError(422, "; ".join(f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs))
    return HttpError(422, "; ".join(exc.messages))


class PhaseOut(Schema):
    id: int
    order: int
    label: str


class ProgrammeOut(Schema):
    id: int
    name: str
    lead_agencies: list[str]
    sponsor: str
    area: str
    region: str | None
    capacity_per_year: int
    age_min: int
    age_max: int
    status: str
    phases: list[PhaseOut]
    my_role: str | None


def _programme(p: Programme, role: str | None) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "lead_agencies": [a.code for a in p.lead_agencies.all()],
        "sponsor": p.sponsor,
        "area": p.area,
        "region": p.region.code if p.region else None,
        "capacity_per_year": p.capacity_per_year,
        "age_min": p.age_min,
        "age_max": p.age_max,
        "status": p.status,
        "phases": [{"id": ph.pk, "order": ph.order, "label": ph.label} for ph in p.phases.order_by("order")],
        "my_role": role,
    }


def _get_programme(request: HttpRequest, programme_id: int) -> Programme:
    programme = selectors.programme_get(user=actor_for(request).user, programme_id=programme_id)
    if programme is None:
        raise HttpError(404, "Not found")
    return programme


@router.get("/programmes", response=list[ProgrammeOut])
def programme_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every programme (no personal data), with the caller's role on each."""
    user = actor_for(request).user
    return [_programme(p, policies.member_role(user, p)) for p in selectors.programmes(user=user)]


class YearOut(Schema):
    year: int
    referred: int
    accepted: int
    active: int
    completed: int
    capacity: int


class ReportOut(Schema):
    programme: int
    years: list[YearOut]
    referred: int
    accepted: int
    active_now: int
    completed: int
    left_early: int
    completion_rate: float | None
    attendance_rate: float | None
    outcomes_by_kind: dict[str, int]
    outcomes_by_phase: dict[str, int]
    reoffending: dict[str, dict[str, int]]


@router.get("/programmes/{programme_id}/report", response=ReportOut)
def programme_report(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    """The programme's aggregate figures (no names), for its members; 404 for anyone else."""
    actor = actor_for(request)
    programme = _get_programme(request, programme_id)
    report = selectors.programme_report(user=actor.user, programme=programme, today=timezone.localdate())
    if report is None:
        raise HttpError(404, "Not found")
    return {
        "programme": programme.pk,
        "years": [
            {
                "year": y.year,
                "referred": y.referred,
                "accepted": y.accepted,
                "active": y.active,
                "completed": y.completed,
                "capacity": y.capacity,
            }
            for y in report.years
        ],
        "referred": report.referred,
        "accepted": report.accepted,
        "active_now": report.active_now,
        "completed": report.completed,
        "left_early": report.left_early,
        "completion_rate": report.completion_rate,
        "attendance_rate": report.attendance_rate,
        "outcomes_by_kind": report.outcomes_by_kind,
        "outcomes_by_phase": report.outcomes_by_phase,
        "reoffending": {str(m): r for m, r in report.reoffending.items()},
    }


class Consent(Schema):
    young_person: bool = False
    young_person_how: str = ""
    young_person_on: date | None = None
    guardian_name: str = ""
    guardian_relationship: str = ""
    guardian_how: str = ""
    guardian_on: date | None = None


class ReferralIn(Schema):
    first_name: str
    last_name: str
    date_of_birth: date
    referred_on: date | None = None
    risk_factors: list[str]
    reasons: str = ""
    safeguarding_flags: list[str] = []
    sex: str = ""
    school: str = ""
    postcode_district: str = ""
    referrer_contact: str = ""
    consent: Consent = Consent()


class YoungPersonOut(Schema):
    id: int
    programme: int
    access: str
    status: str
    referred_on: date
    decided_on: date | None = None
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    school: str | None = None
    postcode_district: str | None = None
    risk_factors: list[str] | None = None
    safeguarding_flags: list[str] | None = None
    current_phase: str | None = None
    accepted_on: date | None = None
    left_on: date | None = None
    retention_review_on: date | None = None
    outcomes: list[dict[str, Any]] | None = None


def _young_person(yp: YoungPerson, level: str) -> dict[str, Any]:
    """The referrer sees status only (and what they sent while it waits for a decision); members see it all."""
    out: dict[str, Any] = {
        "id": yp.pk,
        "programme": yp.programme_id,
        "access": level,
        "status": yp.status,
        "referred_on": yp.referred_on,
        "decided_on": yp.decided_on,
    }
    if level == policies.FULL or not yp.decided:
        out.update(
            first_name=yp.first_name,
            last_name=yp.last_name,
            date_of_birth=yp.date_of_birth,
            risk_factors=yp.risk_factors,
        )
    if level == policies.FULL:
        out.update(
            school=yp.school,
            postcode_district=yp.postcode_district,
            safeguarding_flags=yp.safeguarding_flags,
            current_phase=yp.current_phase.label if yp.current_phase else None,
            accepted_on=yp.accepted_on,
            left_on=yp.left_on,
            retention_review_on=yp.retention_review_on,
            outcomes=[
                {
                    "id": o.pk,
                    "kind": o.kind,
                    "title": o.title,
                    "level": o.level,
                    "achieved_on": o.achieved_on.isoformat(),
                }
                for o in yp.outcomes.all()
            ],
        )
    return out


@router.post("/programmes/{programme_id}/referrals", response={201: YoungPersonOut})
def referral_create(request: HttpRequest, programme_id: int, payload: ReferralIn) -> Status[dict[str, Any]]:
    """Refer a young person; refused outside the programme's age range or with reasons not on the list."""
    actor = actor_for(request)
    programme = _get_programme(request, programme_id)
    c = payload.consent
    try:
        yp = services.referral_create(
            actor=actor,
            programme=programme,
            first_name=payload.first_name,
            last_name=payload.last_name,
            date_of_birth=payload.date_of_birth,
            referred_on=payload.referred_on or timezone.localdate(),
            risk_factors=payload.risk_factors[:30],
            reasons=payload.reasons,
            safeguarding_flags=payload.safeguarding_flags[:30],
            sex=payload.sex[:10],
            school=payload.school,
            postcode=payload.postcode_district[:10],
            referrer_contact=payload.referrer_contact,
            young_person_consent=c.young_person,
            young_person_consent_how=c.young_person_how,
            young_person_consent_on=c.young_person_on,
            guardian_name=c.guardian_name,
            guardian_relationship=c.guardian_relationship,
            guardian_consent_how=c.guardian_how,
            guardian_consent_on=c.guardian_on,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    level = policies.access(actor.user, yp)
    assert level is not None
    return Status(201, _young_person(yp, level))


def _consult(request: HttpRequest, young_person_id: int, view: str) -> tuple[YoungPerson, str]:
    try:
        return services.young_person_consult(actor=actor_for(request), young_person_id=young_person_id, view=view)
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc
    except ValidationError as exc:
        raise _refused(exc) from exc


@router.get("/young-people/{young_person_id}", response=YoungPersonOut)
def young_person_detail(request: HttpRequest, young_person_id: int) -> dict[str, Any]:
    yp, level = _consult(request, young_person_id, "api_young_person")
    return _young_person(yp, level)


class MarkIn(Schema):
    young_person: int
    mark: str


class AttendanceIn(Schema):
    marks: list[MarkIn]


class AttendanceOut(Schema):
    session: int
    recorded: int


@router.post("/sessions/{session_id}/attendance", response=AttendanceOut)
def attendance_record(request: HttpRequest, session_id: int, payload: AttendanceIn) -> dict[str, Any]:
    """Mark young people attended, absent or excused at a session of a programme the caller works in."""
    actor = actor_for(request)
    session = selectors.session_get(user=actor.user, session_id=session_id)
    if session is None:
        raise HttpError(404, "Not found")
    marks = {m.young_person: m.mark[:10] for m in payload.marks[:500]}
    try:
        recorded = services.attendance_record(actor=actor, session=session, marks=marks)
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return {"session": session.pk, "recorded": recorded}


class OutcomeIn(Schema):
    kind: str
    title: str
    achieved_on: date
    level: str = ""
    provider: str = ""
    phase: int | None = None


class OutcomeOut(Schema):
    id: int
    young_person: int
    kind: str
    title: str
    level: str
    achieved_on: date
    phase: str | None


@router.post("/young-people/{young_person_id}/outcomes", response={201: OutcomeOut})
def outcome_record(request: HttpRequest, young_person_id: int, payload: OutcomeIn) -> Status[dict[str, Any]]:
    yp, level = _consult(request, young_person_id, "api_outcome")
    if level != policies.FULL:
        raise HttpError(404, "Not found")
    phase = yp.programme.phases.filter(pk=payload.phase).first() if payload.phase is not None else None
    if payload.phase is not None and phase is None:
        raise HttpError(422, "phase: Choose one of this programme's phases.")
    try:
        outcome = services.outcome_record(
            actor=actor_for(request),
            young_person=yp,
            kind=payload.kind[:40],
            title=payload.title,
            level=payload.level,
            provider=payload.provider,
            achieved_on=payload.achieved_on,
            phase=phase,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return Status(
        201,
        {
            "id": outcome.pk,
            "young_person": yp.pk,
            "kind": outcome.kind,
            "title": outcome.title,
            "level": outcome.level,
            "achieved_on": outcome.achieved_on,
            "phase": phase.label if phase else None,
        },
    )
