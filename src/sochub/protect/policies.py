"""Who may see the self-assessment figures and who may message the people who asked for alerts.

- The figures are anonymous counts: every role that works with intelligence (analyst, coordinator, officer,
  partner staff) of any agency sees them.
- Messages reach members of the public, so only the roles that run public engagement send them:
  coordinators, officers and partner staff. Nobody on staff ever sees a contact's address or number.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sochub.partners.models import Role, User

from .models import CaseStatus, VictimCase

VIEW_ROLES = (Role.ANALYST, Role.COORDINATOR, Role.OFFICER, Role.PARTNER)
SEND_ROLES = (Role.COORDINATOR, Role.OFFICER, Role.PARTNER)


def _staff(user: User) -> bool:
    return bool(user.is_active and user.agency_id is not None)


def can_view_stats(user: User) -> bool:
    return _staff(user) and user.has_role(*VIEW_ROLES)


def can_send_messages(user: User) -> bool:
    return _staff(user) and user.has_role(*SEND_ROLES)


# Vulnerable fraud-victim cases -----------------------------------------------------------------------------
#
# - Officers, coordinators, analysts and partner staff of the case's agency see and work its cases (partner
#   staff only of the case's own agency: a case is never shared with another agency).
# - A volunteer sees only the cases assigned to them, and only what they need for long-term support (first
#   name, contact details for visits, the measures in place, the next review) and adds support notes.
# - Anyone else, including every user of another agency, is told nothing: 404.
# - Volunteers assigned to a case come from the case's agency or another agency of its region (the
#   partnership); the lead and the visiting officer are officers of the case's agency.

CASE_ROLES = (Role.OFFICER, Role.COORDINATOR, Role.ANALYST, Role.PARTNER)


def can_work_cases(user: User) -> bool:
    """May refer, list, report and see the figures of their own agency's cases."""
    return _staff(user) and user.has_role(*CASE_ROLES)


def is_volunteer(user: User) -> bool:
    return bool(user.is_active and user.has_role(Role.VOLUNTEER))


def visible_cases(user: User, qs: QuerySet[VictimCase] | None = None) -> QuerySet[VictimCase]:
    qs = VictimCase.objects.all() if qs is None else qs
    if can_work_cases(user) and user.agency_id is not None:
        return qs.filter(agency_id=user.agency_id)
    if is_volunteer(user):  # only while the case is open: a closed case's details are no longer theirs to see
        return qs.filter(volunteer_id=user.pk, status=CaseStatus.OPEN)
    return qs.none()


def can_view_full(user: User, case: VictimCase) -> bool:
    """The whole case: the fraud, the loss, the checklist, the timeline."""
    return can_work_cases(user) and case.agency_id == user.agency_id


def can_work(user: User, case: VictimCase) -> bool:
    return can_view_full(user, case)


def can_support(user: User, case: VictimCase) -> bool:
    """The volunteer's view of a case assigned to them."""
    return is_volunteer(user) and not can_view_full(user, case) and case.volunteer_id == user.pk and case.is_open


def can_add_support_note(user: User, case: VictimCase) -> bool:
    return can_work(user, case) or can_support(user, case)


def volunteer_choices(case: VictimCase) -> list[User]:
    agency = case.agency
    same_region = Q(agency__region_id=agency.region_id) if agency.region_id else Q(pk__in=[])
    users = User.objects.filter(is_active=True).filter(Q(agency_id=agency.pk) | same_region)
    # Roles are a JSON list: filtered here, the same on SQLite and PostgreSQL.
    ordered = users.select_related("agency").order_by("agency__name", "username")
    return [u for u in ordered if u.has_role(Role.VOLUNTEER)]


def officer_choices(agency_id: int | None) -> list[User]:
    if agency_id is None:
        return []
    users = User.objects.filter(is_active=True, agency_id=agency_id).order_by("last_name", "first_name", "username")
    return [u for u in users if u.has_role(Role.OFFICER)]
