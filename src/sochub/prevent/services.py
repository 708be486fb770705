"""Every write to prevent programmes, and the audited reads of young people's records.

Each function checks ``policies``, applies the engine's rules (age range, consent, attendance threshold,
retention periods) and writes an audit row. Audit rows name records by id only, never a child's name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import prevent as engine
from sochub.intel.services import NotFound
from sochub.partners.models import Agency, Region, User

from . import policies, selectors
from .models import (
    Attendance,
    Mark,
    MemberRole,
    Outcome,
    ParticipantPhase,
    Phase,
    Programme,
    ProgrammeMember,
    ProgrammeStatus,
    ReoffendingCheck,
    ReoffendingResult,
    RetentionDecision,
    RetentionReview,
    Session,
    Sex,
    YoungPerson,
    YoungPersonStatus,
)

OBJECT = "young_person"
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")


def _audit(actor: Actor, object_type: str, ids: Iterable[Any], operation: str, **detail: Any) -> None:
    audit.record(
        actor=actor,
        operation=operation,
        object_type=object_type,
        object_ids=list(ids),
        purpose=actor.purpose or None,
        detail=detail,
    )


def _text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def _need_purpose(actor: Actor) -> None:
    if not actor.purpose.strip():
        raise ValidationError({"purpose": "Say why you need to see this young person's record."})


def _not_future(day: date | None, field: str, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: f"The {what} must not be in the future."})


def postcode_district(value: str) -> str:
    """The postcode district only (``M14``): a full postcode is cut to its first part, so no more is kept."""
    text = re.sub(r"\s+", "", (value or "").upper())
    if not text:
        return ""
    full = _FULL_POSTCODE.match(text)
    if full:
        return full.group(1)
    if _DISTRICT.match(text):
        return text
    raise ValidationError({"postcode_district": "Enter the first part of the postcode only, like M14."})


def _retention(yp: YoungPerson) -> None:
    assert yp.date_of_birth is not None
    yp.retention_review_on = engine.retention_review_on(
        ref=selectors.reference(),
        status=yp.status,
        birth=yp.date_of_birth,
        referred_on=yp.referred_on,
        decided_on=yp.decided_on,
        left_on=yp.left_on,
    )


# Programmes ---------------------------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    actor: Actor,
    name: str,
    area: str,
    capacity_per_year: int,
    age_min: int | None = None,
    age_max: int | None = None,
    sponsor: str = "",
    description: str = "",
    region: Region | None = None,
    lead_agencies: Sequence[Agency] = (),
    phases: Sequence[str] | None = None,
    status: str = ProgrammeStatus.OPEN,
) -> Programme:
    """Create a programme; its creator becomes its lead and their agency a lead agency. Phases default to the
    reference data's (Haggrid's three)."""
    user = actor.user
    if not policies.can_create_programme(user):
        raise PermissionDenied("Your role does not allow you to set up programmes.")
    ref = selectors.reference()
    age_min = ref.default_age_range.min if age_min is None else age_min
    age_max = ref.default_age_range.max if age_max is None else age_max
    errors: dict[str, str] = {}
    if not _text(name, 200):
        errors["name"] = "Enter the programme's name."
    if not _text(area, 200):
        errors["area"] = "Enter the area the programme covers."
    if not 1 <= capacity_per_year <= 10_000:
        errors["capacity_per_year"] = "Enter the number of young people a year, from 1 to 10,000."
    if not (5 <= age_min <= 25 and 5 <= age_max <= 25):
        errors["age_min"] = "Ages must be between 5 and 25."
    elif age_min > age_max:
        errors["age_min"] = "The youngest age must not be above the oldest."
    if status not in ProgrammeStatus.values:
        errors["status"] = "Choose the programme's status."
    labels = [_text(p, 100) for p in (phases if phases is not None else [p.label for p in ref.default_phases])]
    labels = [p for p in labels if p]
    if not labels:
        errors["phases"] = "Enter at least one phase."
    elif len(set(labels)) != len(labels):
        errors["phases"] = "Each phase needs a different name."
    if errors:
        raise ValidationError(errors)
    programme = Programme.objects.create(
        name=_text(name, 200),
        area=_text(area, 200),
        sponsor=_text(sponsor, 200),
        description=_text(description, 4000),
        region=region,
        capacity_per_year=capacity_per_year,
        age_min=age_min,
        age_max=age_max,
        status=status,
        reference_version=ref.version,
        created_by=user,
    )
    assert user.agency is not None
    programme.lead_agencies.set({user.agency, *lead_agencies})
    descriptions = {p.label: p.description for p in ref.default_phases}
    for i, label in enumerate(labels, start=1):
        Phase.objects.create(programme=programme, order=i, label=label, description=descriptions.get(label, ""))
    ProgrammeMember.objects.create(programme=programme, user=user, role=MemberRole.LEAD, added_by=user)
    _audit(actor, "prevent_programme", [programme.pk], Operation.COLLECTION, action="created", phases=len(labels))
    return programme


@transaction.atomic
def programme_update_status(*, actor: Actor, programme: Programme, status: str) -> Programme:
    if not policies.can_manage(actor.user, programme):
        raise PermissionDenied("Only the programme's leads can change it.")
    if status not in ProgrammeStatus.values:
        raise ValidationError({"status": "Choose the programme's status."})
    programme.status = status
    programme.save(update_fields=["status"])
    _audit(actor, "prevent_programme", [programme.pk], Operation.ALTERATION, action="status", status=status)
    return programme


@transaction.atomic
def member_set(*, actor: Actor, programme: Programme, user: User, role: str) -> ProgrammeMember:
    """Add a member or change their role (leads only). Volunteers may be practitioners or viewers, not leads."""
    if not policies.can_manage(actor.user, programme):
        raise PermissionDenied("Only the programme's leads can choose its members.")
    if role not in MemberRole.values:
        raise ValidationError({"role": "Choose lead, practitioner or viewer."})
    if not policies.may_hold_role(user, role):
        raise ValidationError({"role": "This person cannot hold that role (volunteers cannot lead a programme)."})
    member, _ = ProgrammeMember.objects.update_or_create(
        programme=programme, user=user, defaults={"role": role, "added_by": actor.user}
    )
    _audit(actor, "prevent_programme", [programme.pk], Operation.ALTERATION, action="member", user=user.pk, role=role)
    return member


@transaction.atomic
def member_remove(*, actor: Actor, programme: Programme, user: User) -> None:
    if not policies.can_manage(actor.user, programme):
        raise PermissionDenied("Only the programme's leads can choose its members.")
    leads = programme.members.filter(role=MemberRole.LEAD)
    if leads.filter(user=user).exists() and leads.count() == 1:
        raise ValidationError("A programme needs at least one lead: add another lead first.")
    programme.members.filter(user=user).delete()
    _audit(actor, "prevent_programme", [programme.pk], Operation.ALTERATION, action="member_removed", user=user.pk)


# Referrals ----------------------------------------------------------------------------------------------


def _consent_fields(
    *,
    young_person_consent: bool,
    young_person_consent_how: str,
    young_person_consent_on: date | None,
    guardian_name: str,
    guardian_relationship: str,
    guardian_consent_how: str,
    guardian_consent_on: date | None,
) -> dict[str, Any]:
    """Consent as stored: given only with how and when (and, for a guardian, who)."""
    errors: dict[str, str] = {}
    if young_person_consent and (not _text(young_person_consent_how, 200) or young_person_consent_on is None):
        errors["young_person_consent_how"] = "Say how and when the young person consented."
    guardian_any = any([_text(guardian_name, 200), _text(guardian_consent_how, 200), guardian_consent_on])
    if guardian_any and not (
        _text(guardian_name, 200) and _text(guardian_relationship, 100) and _text(guardian_consent_how, 200)
    ):
        errors["guardian_name"] = "Give the parent's or guardian's name, relationship, and how they consented."
    if guardian_any and guardian_consent_on is None:
        errors["guardian_consent_on"] = "Give the date the parent or guardian consented."
    _not_future(young_person_consent_on, "young_person_consent_on", "date of the young person's consent")
    _not_future(guardian_consent_on, "guardian_consent_on", "date of the guardian's consent")
    if errors:
        raise ValidationError(errors)
    return {
        "young_person_consent": young_person_consent,
        "young_person_consent_how": _text(young_person_consent_how, 200) if young_person_consent else "",
        "young_person_consent_on": young_person_consent_on if young_person_consent else None,
        "guardian_name": _text(guardian_name, 200),
        "guardian_relationship": _text(guardian_relationship, 100),
        "guardian_consent_how": _text(guardian_consent_how, 200),
        "guardian_consent_on": guardian_consent_on,
    }


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    programme: Programme,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    referred_on: date,
    risk_factors: Sequence[str],
    reasons: str = "",
    safeguarding_flags: Sequence[str] = (),
    sex: str = "",
    school: str = "",
    postcode: str = "",
    referrer_contact: str = "",
    young_person_consent: bool = False,
    young_person_consent_how: str = "",
    young_person_consent_on: date | None = None,
    guardian_name: str = "",
    guardian_relationship: str = "",
    guardian_consent_how: str = "",
    guardian_consent_on: date | None = None,
) -> YoungPerson:
    """Refer a young person: refused outside the programme's age range on the referral date; reasons and
    safeguarding flags come from the reference lists; only the postcode district is kept."""
    user = actor.user
    if not policies.can_refer(user, programme):
        raise PermissionDenied("You cannot refer to this programme.")
    ref = selectors.reference()
    errors: dict[str, str] = {}
    if not _text(first_name, 100) or not _text(last_name, 100):
        errors["first_name"] = "Enter the young person's first and last names."
    if referred_on > timezone.localdate():
        errors["referred_on"] = "The referral date must not be in the future."
    problem = engine.age_problem(
        birth=date_of_birth, on=referred_on, minimum=programme.age_min, maximum=programme.age_max
    )
    if problem:
        errors["date_of_birth"] = problem
    factors = list(dict.fromkeys(risk_factors))
    if not factors:
        errors["risk_factors"] = "Choose at least one reason for the referral."
    elif any(not ref.is_risk_factor(f) for f in factors):
        errors["risk_factors"] = "Choose reasons from the list."
    flags = list(dict.fromkeys(safeguarding_flags))
    if any(not ref.is_flag(f) for f in flags):
        errors["safeguarding_flags"] = "Choose safeguarding flags from the list."
    if sex not in Sex.values:
        errors["sex"] = "Choose female, male or not given."
    try:
        district = postcode_district(postcode)
    except ValidationError as exc:
        errors.update({k: str(v[0]) for k, v in exc.message_dict.items()})
        district = ""
    if errors:
        raise ValidationError(errors)
    consent = _consent_fields(
        young_person_consent=young_person_consent,
        young_person_consent_how=young_person_consent_how,
        young_person_consent_on=young_person_consent_on,
        guardian_name=guardian_name,
        guardian_relationship=guardian_relationship,
        guardian_consent_how=guardian_consent_how,
        guardian_consent_on=guardian_consent_on,
    )
    assert user.agency_id is not None
    yp = YoungPerson(
        programme=programme,
        first_name=_text(first_name, 100),
        last_name=_text(last_name, 100),
        date_of_birth=date_of_birth,
        sex=sex,
        school=_text(school, 200),
        postcode_district=district,
        referred_on=referred_on,
        referrer_agency_id=user.agency_id,
        referrer=user,
        referrer_contact=_text(referrer_contact, 200),
        risk_factors=factors,
        reasons=_text(reasons, 2000),
        safeguarding_flags=flags,
        **consent,
    )
    _retention(yp)
    yp.save()
    _audit(
        actor,
        OBJECT,
        [yp.pk],
        Operation.COLLECTION,
        action="referred",
        programme=programme.pk,
        risk_factors=factors,
        safeguarding_flags=flags,
    )
    return yp


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    young_person: YoungPerson,
    young_person_consent: bool,
    young_person_consent_how: str = "",
    young_person_consent_on: date | None = None,
    guardian_name: str = "",
    guardian_relationship: str = "",
    guardian_consent_how: str = "",
    guardian_consent_on: date | None = None,
) -> YoungPerson:
    """Record (or correct) the consent of the young person and of a parent or guardian."""
    if not policies.can_record(actor.user, young_person):
        raise PermissionDenied("Only the programme's leads and practitioners can record consent.")
    consent = _consent_fields(
        young_person_consent=young_person_consent,
        young_person_consent_how=young_person_consent_how,
        young_person_consent_on=young_person_consent_on,
        guardian_name=guardian_name,
        guardian_relationship=guardian_relationship,
        guardian_consent_how=guardian_consent_how,
        guardian_consent_on=guardian_consent_on,
    )
    for key, value in consent.items():
        setattr(young_person, key, value)
    young_person.save(update_fields=list(consent))
    _audit(
        actor,
        OBJECT,
        [young_person.pk],
        Operation.ALTERATION,
        action="consent",
        young_person=young_person_consent,
        guardian=bool(consent["guardian_consent_on"]),
    )
    return young_person


def consent_of(young_person: YoungPerson) -> engine.ConsentState:
    assert young_person.date_of_birth is not None
    return engine.consent_state(
        ref=selectors.reference(),
        birth=young_person.date_of_birth,
        on=young_person.referred_on,
        young_person_given=young_person.young_person_consent,
        guardian_given=bool(young_person.guardian_consent_on and young_person.guardian_name),
    )


DECISIONS = ("accept", "decline", "waiting")


@transaction.atomic
def referral_decide(
    *, actor: Actor, young_person: YoungPerson, decision: str, on: date, reason: str = ""
) -> YoungPerson:
    """Accept (needs the consent of both the young person, from 13, and a parent or guardian; starts the first
    phase), decline (with a reason) or put on the waiting list. Leads only."""
    yp = young_person
    if not policies.can_decide(actor.user, yp):
        raise PermissionDenied("Only the programme's leads can decide referrals.")
    if yp.status not in (YoungPersonStatus.REFERRED, YoungPersonStatus.WAITING):
        raise ValidationError("This referral is decided already.")
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Choose accept, decline or waiting list."})
    if on < yp.referred_on:
        raise ValidationError({"on": "The decision cannot be before the referral."})
    _not_future(on, "on", "decision date")
    reason = _text(reason, 2000)
    if decision == "accept":
        missing = consent_of(yp).missing
        if missing:
            raise ValidationError({"decision": missing})
        if yp.programme.status != ProgrammeStatus.OPEN:
            raise ValidationError({"decision": "The programme is not open: it cannot accept young people."})
        first = yp.programme.phases.order_by("order").first()
        assert first is not None
        yp.status, yp.accepted_on, yp.current_phase = YoungPersonStatus.ACTIVE, on, first
        ParticipantPhase.objects.create(young_person=yp, phase=first, started_on=on)
    elif decision == "decline":
        if not reason:
            raise ValidationError({"reason": "Give the reason the referral is declined."})
        yp.status = YoungPersonStatus.DECLINED
    else:
        yp.status = YoungPersonStatus.WAITING
    yp.decided_on, yp.decision_reason, yp.decided_by = on, reason, actor.user
    _retention(yp)
    yp.save()
    _audit(actor, OBJECT, [yp.pk], Operation.ALTERATION, action="decided", decision=decision, on=on.isoformat())
    return yp


# Sessions and attendance --------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    programme: Programme,
    phase: Phase,
    held_on: date,
    title: str,
    location: str = "",
    facilitator: str = "",
) -> Session:
    if not policies.can_work(actor.user, programme):
        raise PermissionDenied("Only the programme's leads and practitioners can add sessions.")
    if phase.programme_id != programme.pk:
        raise ValidationError({"phase": "Choose one of this programme's phases."})
    if not _text(title, 200):
        raise ValidationError({"title": "Enter the session's title."})
    if held_on > engine.add_months(timezone.localdate(), 12):
        raise ValidationError({"held_on": "The session date must be within the next 12 months."})
    session = Session.objects.create(
        programme=programme,
        phase=phase,
        held_on=held_on,
        title=_text(title, 200),
        location=_text(location, 200),
        facilitator=_text(facilitator, 200),
        created_by=actor.user,
    )
    _audit(actor, "prevent_session", [session.pk], Operation.COLLECTION, action="created", programme=programme.pk)
    return session


@transaction.atomic
def attendance_record(*, actor: Actor, session: Session, marks: dict[int, str]) -> int:
    """Mark young people attended, absent or excused at a held session; returns how many were marked."""
    if not policies.can_work(actor.user, session.programme):
        raise PermissionDenied("Only the programme's leads and practitioners can keep the register.")
    if session.held_on > timezone.localdate():
        raise ValidationError("Attendance can be recorded once the session has taken place.")
    allowed = {yp.pk: yp for yp, _ in selectors.register(user=actor.user, session=session)}
    errors: list[str] = []
    for yp_id, mark in marks.items():
        if yp_id not in allowed:
            raise NotFound
        if mark not in Mark.values:
            errors.append("Choose attended, absent or excused for each young person.")
    if errors:
        raise ValidationError({"marks": errors[0]})
    for yp_id, mark in marks.items():
        row, created = Attendance.objects.get_or_create(
            session=session, young_person_id=yp_id, defaults={"mark": mark, "recorded_by": actor.user}
        )
        if not created and row.mark != mark:
            row.mark, row.recorded_by, row.recorded_at = mark, actor.user, timezone.now()
            row.save(update_fields=["mark", "recorded_by", "recorded_at"])
    _audit(
        actor,
        OBJECT,
        sorted(marks),
        Operation.ALTERATION,
        action="attendance",
        session=session.pk,
        marks=dict(sorted((str(k), v) for k, v in marks.items())),
    )
    return len(marks)


# Phases, leaving and outcomes ---------------------------------------------------------------------------


def _leave(actor: Actor, yp: YoungPerson, on: date, status: str, reason: str) -> None:
    yp.status, yp.left_on, yp.left_reason, yp.current_phase = status, on, _text(reason, 2000), None
    _retention(yp)
    yp.save()
    for months, due in engine.reoffending_due(ref=selectors.reference(), left_on=on):
        ReoffendingCheck.objects.get_or_create(young_person=yp, months=months, defaults={"due_on": due})


@transaction.atomic
def phase_complete(*, actor: Actor, young_person: YoungPerson, on: date) -> YoungPerson:
    """Complete the participant's current phase (attendance at its sessions must reach the threshold) and start
    the next; completing the last phase completes the programme and sets the reoffending checks."""
    yp = young_person
    if not policies.can_record(actor.user, yp):
        raise PermissionDenied("Only the programme's leads and practitioners can record progress.")
    if yp.status != YoungPersonStatus.ACTIVE or yp.current_phase is None:
        raise ValidationError("This young person is not taking part in a phase.")
    _not_future(on, "on", "completion date")
    current = ParticipantPhase.objects.get(young_person=yp, phase=yp.current_phase)
    if on < current.started_on:
        raise ValidationError({"on": "The phase cannot end before it started."})
    marks = selectors.phase_marks(young_person=yp, phase_id=yp.current_phase.pk)
    problem = engine.completion_problem(ref=selectors.reference(), marks=marks)
    if problem:
        raise ValidationError({"on": problem})
    current.completed_on, current.attendance_rate = on, engine.phase_attendance(marks).rate
    current.save(update_fields=["completed_on", "attendance_rate"])
    following = yp.programme.phases.filter(order__gt=yp.current_phase.order).order_by("order").first()
    if following is None:
        _leave(actor, yp, on, YoungPersonStatus.COMPLETED, "")
    else:
        yp.current_phase = following
        yp.save(update_fields=["current_phase"])
        ParticipantPhase.objects.create(young_person=yp, phase=following, started_on=on)
    _audit(
        actor,
        OBJECT,
        [yp.pk],
        Operation.ALTERATION,
        action="phase_completed",
        phase=current.phase_id,
        completed_programme=following is None,
    )
    return yp


@transaction.atomic
def participant_leave(*, actor: Actor, young_person: YoungPerson, on: date, reason: str) -> YoungPerson:
    """Record that a participant left before completing (the reoffending checks are set all the same)."""
    yp = young_person
    if not policies.can_record(actor.user, yp):
        raise PermissionDenied("Only the programme's leads and practitioners can record progress.")
    if yp.status != YoungPersonStatus.ACTIVE:
        raise ValidationError("Only a young person taking part can leave the programme.")
    if not _text(reason, 2000):
        raise ValidationError({"reason": "Give the reason they left."})
    _not_future(on, "on", "date they left")
    if yp.accepted_on and on < yp.accepted_on:
        raise ValidationError({"on": "They cannot leave before they were accepted."})
    _leave(actor, yp, on, YoungPersonStatus.LEFT, reason)
    _audit(actor, OBJECT, [yp.pk], Operation.ALTERATION, action="left", on=on.isoformat())
    return yp


@transaction.atomic
def outcome_record(
    *,
    actor: Actor,
    young_person: YoungPerson,
    kind: str,
    title: str,
    achieved_on: date,
    level: str = "",
    provider: str = "",
    phase: Phase | None = None,
) -> Outcome:
    """Record a qualification (with its level), placement, peer mentoring role or award."""
    yp = young_person
    if not policies.can_record(actor.user, yp):
        raise PermissionDenied("Only the programme's leads and practitioners can record outcomes.")
    if yp.accepted_on is None:
        raise ValidationError("Outcomes are recorded for young people accepted onto the programme.")
    spec = selectors.reference().outcome_kind(kind)
    errors: dict[str, str] = {}
    if spec is None:
        errors["kind"] = "Choose the kind of outcome."
    elif spec.needs_level and not _text(level, 40):
        errors["level"] = "Enter the qualification's level, like Level 1."
    if not _text(title, 200):
        errors["title"] = "Enter what was achieved, like City and Guilds Employability Skills."
    if achieved_on > timezone.localdate():
        errors["achieved_on"] = "The date must not be in the future."
    elif achieved_on < yp.accepted_on:
        errors["achieved_on"] = "The date must not be before they were accepted."
    if phase is not None and phase.programme_id != yp.programme_id:
        errors["phase"] = "Choose one of this programme's phases."
    if errors:
        raise ValidationError(errors)
    outcome = Outcome.objects.create(
        young_person=yp,
        kind=kind,
        title=_text(title, 200),
        level=_text(level, 40),
        provider=_text(provider, 200),
        achieved_on=achieved_on,
        phase=phase,
        recorded_by=actor.user,
    )
    _audit(actor, OBJECT, [yp.pk], Operation.ALTERATION, action="outcome", outcome=outcome.pk, kind=kind)
    return outcome


@transaction.atomic
def reoffending_record(*, actor: Actor, check: ReoffendingCheck, result: str, on: date) -> ReoffendingCheck:
    if not policies.can_record(actor.user, check.young_person):
        raise PermissionDenied("Only the programme's leads and practitioners can record checks.")
    if result not in ReoffendingResult.values:
        raise ValidationError({"result": "Choose none, offending recorded or unknown."})
    _not_future(on, "on", "date of the check")
    check.result, check.checked_on, check.checked_by = result, on, actor.user
    check.save(update_fields=["result", "checked_on", "checked_by"])
    _audit(
        actor,
        OBJECT,
        [check.young_person_id],
        Operation.ALTERATION,
        action="reoffending_check",
        months=check.months,
        result=result,
    )
    return check


# Audited reads ------------------------------------------------------------------------------------------


def young_person_consult(*, actor: Actor, young_person_id: int, view: str = "young_person") -> tuple[YoungPerson, str]:
    """The record and the user's access level, the read audited as a consultation with its purpose; NotFound
    for anyone who may not see it."""
    found = selectors.young_person_get(user=actor.user, young_person_id=young_person_id)
    if found is None:
        raise NotFound
    _need_purpose(actor)
    yp, level = found
    _audit(actor, OBJECT, [yp.pk], Operation.CONSULTATION, view=view, access=level)
    return yp, level


def participants_consult(
    *, actor: Actor, programme: Programme, status: str = "", view: str = "programme"
) -> list[YoungPerson]:
    """The programme's young people for a member, the list audited as a consultation; NotFound for others."""
    if not policies.can_see_participants(actor.user, programme):
        raise NotFound
    _need_purpose(actor)
    rows = list(selectors.young_people(user=actor.user, programme=programme, status=status))
    if rows:
        _audit(actor, OBJECT, [yp.pk for yp in rows], Operation.CONSULTATION, view=view, programme=programme.pk)
    return rows


# Retention ----------------------------------------------------------------------------------------------

_PERSONAL_FIELDS: dict[str, Any] = {
    "first_name": "",
    "last_name": "",
    "date_of_birth": None,
    "sex": "",
    "school": "",
    "postcode_district": "",
    "referrer_contact": "",
    "risk_factors": [],
    "reasons": "",
    "safeguarding_flags": [],
    "young_person_consent_how": "",
    "young_person_consent_on": None,
    "guardian_name": "",
    "guardian_relationship": "",
    "guardian_consent_how": "",
    "guardian_consent_on": None,
    "decision_reason": "",
    "left_reason": "",
    "referrer": None,
    "decided_by": None,
}


@transaction.atomic
def retention_decide(
    *,
    actor: Actor,
    young_person: YoungPerson,
    decision: str,
    reason: str = "",
    next_review_on: date | None = None,
) -> RetentionReview | None:
    """A lead's decision on a record due for review. Retain: a reason and the next review (within the
    reference's limit). Erase: every personal field is emptied (names, date of birth, school, district, reasons,
    flags, consent, free text, outcome providers) and the decision is audited as an erasure; an anonymous stub
    (status and dates) keeps the programme's figures, and the record can no longer be opened."""
    yp = young_person
    user = actor.user
    if not policies.can_decide(user, yp):
        raise PermissionDenied("Only the programme's leads can make retention decisions.")
    today = timezone.localdate()
    if yp.retention_review_on > today:
        raise ValidationError("This record is not due for a retention review yet.")
    if decision == RetentionDecision.RETAIN:
        errors: dict[str, str] = {}
        if not _text(reason, 2000):
            errors["reason"] = "Give the reason the record must be kept."
        if next_review_on is None:
            errors["next_review_on"] = "Give the date of the next review."
        else:
            problem = engine.retain_problem(ref=selectors.reference(), today=today, next_review=next_review_on)
            if problem:
                errors["next_review_on"] = problem
        if errors:
            raise ValidationError(errors)
        assert next_review_on is not None
        review = RetentionReview.objects.create(
            young_person=yp,
            decision=decision,
            reason=_text(reason, 2000),
            next_review_on=next_review_on,
            decided_by=user,
        )
        yp.retention_review_on = next_review_on
        yp.save(update_fields=["retention_review_on"])
        _audit(actor, OBJECT, [yp.pk], Operation.ALTERATION, action="retained", next_review=next_review_on.isoformat())
        return review
    if decision != RetentionDecision.ERASE:
        raise ValidationError({"decision": "Choose retain or erase."})
    for key, value in _PERSONAL_FIELDS.items():
        setattr(yp, key, value)
    yp.erased_at = timezone.now()
    yp.save()
    yp.outcomes.update(provider="")
    yp.retention_reviews.update(reason="")
    RetentionReview.objects.create(young_person=yp, decision=decision, reason="", decided_by=user)
    _audit(
        actor,
        OBJECT,
        [yp.pk],
        Operation.ERASURE,
        action="erased",
        programme=yp.programme_id,
        fields=sorted(_PERSONAL_FIELDS),
    )
    return None


# Reports ------------------------------------------------------------------------------------------------


def report_csv(*, actor: Actor, programme: Programme, today: date | None = None) -> str:
    """The programme report as CSV (aggregate only: counts and rates, no names); the export is audited."""
    report = selectors.programme_report(user=actor.user, programme=programme, today=today or timezone.localdate())
    if report is None:
        raise NotFound
    labels = {k.id: k.label for k in selectors.reference().outcome_kinds}
    out = io.StringIO()
    writer = csv.writer(out)
    for row in engine.report_rows(report, labels):
        writer.writerow([_safe_cell(c) for c in row])
    _audit(actor, "prevent_programme", [programme.pk], Operation.DISCLOSURE, action="report_csv", aggregate=True)
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """Cells that a spreadsheet would run as a formula get a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
