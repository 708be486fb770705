"""Reads of prevent programmes, always through ``policies`` (anything the user may not see is left out).

Reads of young people's records are audited by ``services.young_person_consult`` and
``services.participants_consult``; these selectors only filter.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from sochub.engine import prevent as engine
from sochub.partners.models import User

from . import policies
from .models import (
    Attendance,
    Outcome,
    Programme,
    ProgrammeMember,
    ReoffendingCheck,
    Session,
    YoungPerson,
    YoungPersonStatus,
)


def reference() -> engine.PreventReference:
    return engine.default_reference()


def programmes(*, user: User) -> QuerySet[Programme]:
    """Programmes the user may see (every one, for an active partner user), with their member and referral
    counts."""
    return (
        policies.visible_programmes(user)
        .select_related("region")
        .prefetch_related("lead_agencies")
        .annotate(
            member_count=Count("members", distinct=True),
            active_count=Count("young_people", filter=Q(young_people__status=YoungPersonStatus.ACTIVE), distinct=True),
        )
    )


def programme_get(*, user: User, programme_id: int) -> Programme | None:
    return policies.visible_programmes(user).filter(pk=programme_id).first()


def my_programmes(*, user: User) -> QuerySet[Programme]:
    """Programmes the user is a member of."""
    ids = ProgrammeMember.objects.filter(user=user).values("programme_id")
    return policies.visible_programmes(user).filter(pk__in=ids)


def members(*, user: User, programme: Programme) -> QuerySet[ProgrammeMember]:
    if not policies.can_see_participants(user, programme):
        return ProgrammeMember.objects.none()
    return programme.members.select_related("user", "user__agency").order_by("role", "user__username")


def young_people(*, user: User, programme: Programme, status: str = "") -> QuerySet[YoungPerson]:
    """The programme's young people, for its members only (empty for anyone else)."""
    qs = policies.visible_young_people(user, YoungPerson.objects.filter(programme=programme))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("current_phase", "referrer_agency").order_by("last_name", "first_name", "pk")


def young_person_get(*, user: User, young_person_id: int) -> tuple[YoungPerson, str] | None:
    """The record and how much of it the user sees (``policies.FULL`` or ``policies.REFERRER``), or None."""
    yp = (
        YoungPerson.objects.select_related("programme", "current_phase", "referrer_agency", "referrer")
        .filter(pk=young_person_id)
        .first()
    )
    if yp is None:
        return None
    level = policies.access(user, yp)
    return (yp, level) if level else None


def own_referrals(*, user: User) -> QuerySet[YoungPerson]:
    return policies.own_referrals(user).select_related("programme").order_by("-referred_on", "-pk")


def sessions(*, user: User, programme: Programme) -> QuerySet[Session]:
    """Sessions are shown to members (a register names young people)."""
    if not policies.can_see_participants(user, programme):
        return Session.objects.none()
    return programme.sessions.select_related("phase").annotate(
        attended=Count("attendance", filter=Q(attendance__mark="attended")),
        marked=Count("attendance"),
    )


def session_get(*, user: User, session_id: int) -> Session | None:
    session = Session.objects.select_related("programme", "phase").filter(pk=session_id).first()
    if session is None or not policies.can_see_participants(user, session.programme):
        return None
    return session


def register(*, user: User, session: Session) -> list[tuple[YoungPerson, str]]:
    """Who belongs on a session's register (accepted participants of the programme, active on its date or
    marked already) and their mark so far ("" when not marked)."""
    marks = dict(Attendance.objects.filter(session=session).values_list("young_person_id", "mark"))
    qs = policies.visible_young_people(user, YoungPerson.objects.filter(programme_id=session.programme_id))
    qs = qs.filter(accepted_on__isnull=False, accepted_on__lte=session.held_on).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=session.held_on) | Q(pk__in=list(marks))
    )
    return [(yp, marks.get(yp.pk, "")) for yp in qs.order_by("last_name", "first_name", "pk")]


def retention_due(*, user: User, today: date, programme: Programme | None = None) -> QuerySet[YoungPerson]:
    """Records due for a retention review, for the leads of their programme."""
    leads = ProgrammeMember.objects.filter(user=user, role="lead").values("programme_id")
    qs = policies.visible_young_people(user).filter(programme_id__in=leads, retention_review_on__lte=today)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.select_related("programme").order_by("retention_review_on", "pk")


def reoffending_due(*, user: User, today: date, programme: Programme | None = None) -> QuerySet[ReoffendingCheck]:
    """Reoffending checks not yet recorded, for the programmes' leads and practitioners, soonest first (due
    within 30 days or overdue)."""
    workers = ProgrammeMember.objects.filter(user=user, role__in=["lead", "practitioner"]).values("programme_id")
    yps = policies.visible_young_people(user).filter(programme_id__in=workers)
    if programme is not None:
        yps = yps.filter(programme=programme)
    return (
        ReoffendingCheck.objects.filter(young_person__in=yps, result="", due_on__lte=engine.add_months(today, 1))
        .select_related("young_person", "young_person__programme")
        .order_by("due_on", "pk")
    )


def programme_report(*, user: User, programme: Programme, today: date) -> engine.ProgrammeReport | None:
    """The programme's aggregate figures (no names), for its members; None for anyone else. Erased records
    still count (their anonymous stub keeps status and dates)."""
    if not policies.can_see_report(user, programme):
        return None
    people = YoungPerson.objects.filter(programme=programme)
    participants = [
        engine.Participant(status=s, referred_on=r, accepted_on=a, left_on=lft)
        for s, r, a, lft in people.values_list("status", "referred_on", "accepted_on", "left_on")
    ]
    marks = Attendance.objects.filter(session__programme=programme).values_list("mark", flat=True)
    outcomes = [
        engine.Outcome(kind=k, phase=p or "")
        for k, p in Outcome.objects.filter(young_person__programme=programme).values_list("kind", "phase__label")
    ]
    checks = [
        engine.Check(months=m, result=r or "pending")
        for m, r in ReoffendingCheck.objects.filter(young_person__programme=programme).values_list("months", "result")
    ]
    return engine.programme_report(
        participants=participants,
        marks=list(marks),
        outcomes=outcomes,
        checks=checks,
        capacity=programme.capacity_per_year,
        check_months=reference().reoffending_checks.months,
        today=today,
    )


def phase_marks(*, young_person: YoungPerson, phase_id: int) -> list[str]:
    """A participant's marks at the sessions of one phase (for completion and the record page)."""
    return list(
        Attendance.objects.filter(young_person=young_person, session__phase_id=phase_id).values_list("mark", flat=True)
    )
