"""Who may record, validate and see disruptions: the one place these rules live.

- A disruption belongs to the recorder's agency. Its users who work with intelligence see it while they can
  see its target (the OCG or the nominal).
- Once validated, it is also seen by everyone who can see the target, so a shared OCG carries the
  disruptions against it.
- Analysts, coordinators and officers record; an analyst or coordinator of the same agency, other than the
  recorder, validates (a second person).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sochub.intel import policies as intel_policies
from sochub.partners.models import Role, User

from .models import Disruption

VALIDATOR_ROLES = (Role.ANALYST, Role.COORDINATOR)


def visible_disruptions(user: User, qs: QuerySet[Disruption] | None = None) -> QuerySet[Disruption]:
    qs = Disruption.objects.all() if qs is None else qs
    if not user.works_with_intel:
        return qs.none()
    target_visible = Q(ocg__in=intel_policies.visible_ocgs(user)) | Q(nominal__in=intel_policies.visible_nominals(user))
    own = Q(agency_id=user.agency_id) if user.agency_id is not None else Q(pk__in=[])
    return qs.filter(target_visible).filter(own | Q(validated_by__isnull=False))


def can_record(user: User) -> bool:
    return intel_policies.can_record(user)


def validation_refusal(user: User, disruption: Disruption) -> str | None:
    """Why this user may not validate this disruption, or None when they may."""
    if disruption.validated_by_id is not None:
        return "This disruption is validated already."
    if not user.works_with_intel or disruption.agency_id != user.agency_id or not user.has_role(*VALIDATOR_ROLES):
        return "Only an analyst or coordinator of the recording agency can validate it."
    if disruption.recorded_by_id == user.pk:
        return "The person who recorded the disruption cannot validate it: a second person must validate it."
    return None


def can_validate(user: User, disruption: Disruption) -> bool:
    return validation_refusal(user, disruption) is None
