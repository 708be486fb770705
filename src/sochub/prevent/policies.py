"""Who may see and do what in prevent programmes: the one place these rules live.

Children's data gets the strictest defaults:

- A **programme** (its name, lead agencies, area, age range, capacity and phases: no personal data) is listed
  to every active user of a partner agency, so that they can refer to it.
- A **young person's record** is seen only by the members of the programme they are referred to (lead,
  practitioner or viewer). There is no agency-wide, coordinator or administrator view: a user of a lead
  agency who is not a member, a GAIN coordinator and a system administrator all get 404.
- The **referrer** (the user who made the referral) sees their own referral: while it waits for a decision,
  what they sent; once decided, its status only (not attendance, outcomes or notes).
- Leads decide referrals, manage members and the programme, make retention decisions and see the retention
  review list. Leads and practitioners record consent, sessions, attendance, phases, outcomes and reoffending
  checks. Viewers only read.
- Volunteers may be members as practitioners or viewers (they run sessions and keep registers in Haggrid-style
  programmes) but never leads, and may refer only to a programme they are a member of.
- A lead must have a staff role (analyst, coordinator, officer, partner staff or agency administrator).
- The programme report (aggregate figures, no names) is for the programme's members.
"""

from __future__ import annotations

from django.db.models import QuerySet

from sochub.partners.models import INTEL_ROLES, Role, User

from .models import MemberRole, Programme, ProgrammeMember, ProgrammeStatus, YoungPerson

STAFF_ROLES = frozenset(INTEL_ROLES | {Role.AGENCY_ADMIN})
"""Roles that may create programmes, lead them and refer young people."""

FULL, REFERRER = "full", "referrer"
"""How much of a young person's record a user sees."""


def _active(user: User) -> bool:
    return bool(user.is_active and user.agency_id is not None)


def is_staff_member(user: User) -> bool:
    return _active(user) and user.has_role(*STAFF_ROLES)


def member_role(user: User, programme: Programme) -> str | None:
    """The user's role on the programme, or None."""
    if not _active(user):
        return None
    return ProgrammeMember.objects.filter(programme=programme, user=user).values_list("role", flat=True).first()


def visible_programmes(user: User, qs: QuerySet[Programme] | None = None) -> QuerySet[Programme]:
    qs = Programme.objects.all() if qs is None else qs
    return qs if _active(user) else qs.none()


def can_create_programme(user: User) -> bool:
    return is_staff_member(user)


def can_manage(user: User, programme: Programme) -> bool:
    return member_role(user, programme) == MemberRole.LEAD


def can_see_participants(user: User, programme: Programme) -> bool:
    return member_role(user, programme) is not None


def can_work(user: User, programme: Programme) -> bool:
    """Record consent, sessions, attendance, phases, outcomes and checks."""
    return member_role(user, programme) in (MemberRole.LEAD, MemberRole.PRACTITIONER)


def can_refer(user: User, programme: Programme) -> bool:
    if programme.status != ProgrammeStatus.OPEN or not _active(user):
        return False
    return is_staff_member(user) or can_work(user, programme)


def may_hold_role(user: User, role: str) -> bool:
    """Volunteers may be practitioners or viewers, never leads; leads hold a staff role."""
    if not _active(user) or role not in MemberRole.values:
        return False
    if role == MemberRole.LEAD:
        return user.has_role(*STAFF_ROLES)
    return user.has_role(*STAFF_ROLES, Role.VOLUNTEER)


def visible_young_people(user: User, qs: QuerySet[YoungPerson] | None = None) -> QuerySet[YoungPerson]:
    """Records the user sees in full: those of programmes they are a member of (never erased ones)."""
    qs = YoungPerson.objects.all() if qs is None else qs
    if not _active(user):
        return qs.none()
    programmes = ProgrammeMember.objects.filter(user=user).values("programme_id")
    return qs.filter(programme_id__in=programmes, erased_at__isnull=True)


def own_referrals(user: User, qs: QuerySet[YoungPerson] | None = None) -> QuerySet[YoungPerson]:
    """The referrals the user made (their limited view)."""
    qs = YoungPerson.objects.all() if qs is None else qs
    if not _active(user):
        return qs.none()
    return qs.filter(referrer=user, erased_at__isnull=True)


def access(user: User, young_person: YoungPerson) -> str | None:
    """FULL for a programme member, REFERRER for the referrer who is not a member, else None (404)."""
    if young_person.erased_at is not None or not _active(user):
        return None
    if can_see_participants(user, young_person.programme):
        return FULL
    if young_person.referrer_id == user.pk:
        return REFERRER
    return None


def can_decide(user: User, young_person: YoungPerson) -> bool:
    return young_person.erased_at is None and can_manage(user, young_person.programme)


def can_record(user: User, young_person: YoungPerson) -> bool:
    return young_person.erased_at is None and can_work(user, young_person.programme)


def can_see_report(user: User, programme: Programme) -> bool:
    return can_see_participants(user, programme)
