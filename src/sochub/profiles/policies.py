"""Who may see and change SOC local profiles: the one place these rules live.

- A profile belongs to its agency and is shared with its partner agencies: their users who work with
  intelligence (partner staff included) see it, if vetted for its marking.
- Analysts and coordinators of the owning agency manage it: layers, settings, builds.
- Everyone who sees it adds 4P actions (every role that works with intelligence, partner staff
  included); an action's progress is updated by the owning agency or by the agency that owns the action.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sochub.intel.policies import cleared_for
from sochub.partners.models import Role, User

from .models import Action, Profile

MANAGER_ROLES = (Role.ANALYST, Role.COORDINATOR)


def visible_profiles(user: User, qs: QuerySet[Profile] | None = None) -> QuerySet[Profile]:
    qs = Profile.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    cleared = Q() if cleared_for(user, "OFFICIAL-SENSITIVE") else Q(marking="OFFICIAL")
    return qs.filter(Q(agency_id=user.agency_id) | Q(partners=user.agency_id)).filter(cleared).distinct()


def can_view(user: User, profile: Profile) -> bool:
    return visible_profiles(user, Profile.objects.filter(pk=profile.pk)).exists()


def can_create(user: User) -> bool:
    return user.works_with_intel and user.has_role(*MANAGER_ROLES)


def can_manage(user: User, profile: Profile) -> bool:
    return can_create(user) and profile.agency_id == user.agency_id and can_view(user, profile)


def can_plan(user: User, profile: Profile) -> bool:
    return can_view(user, profile)


def can_update_action(user: User, action: Action) -> bool:
    return can_plan(user, action.profile) and user.agency_id in (action.profile.agency_id, action.owner_agency_id)
