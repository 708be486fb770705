"""Who may see and do what in operations (disruptions, joint operations, the problem premises register): the one
place these rules live.

Disruptions
- A disruption belongs to the recorder's agency. Its users who work with intelligence see it while they can
  see its target (the OCG or the nominal).
- Once validated, it is also seen by everyone who can see the target, so a shared OCG carries the
  disruptions against it.
- Analysts, coordinators and officers record; an analyst or coordinator of the same agency, other than the
  recorder, validates (a second person).

Joint operations
- Seen by the users who work with intelligence of the lead agency and of every partner agency, and by the GAIN
  coordinators of the operation's region (its own region, or the lead agency's when it names none). Anyone else
  gets 404.
- Planned by analysts, coordinators and officers (intelligence write roles): their agency leads. The lead agency's
  write roles change it (status, partners, targets, tasks for any participant).
- Every participating agency's intelligence users record outcomes, and update their own agency's tasks.
- Targets are shown through ``sochub.intel.policies``: a participant who cannot see a nominal, OCG or premises
  added by another agency is told only that the target is held by that agency.

Problem premises register
- A row is seen by intelligence users of (1) the recording agency, (2) any agency in the recording agency's
  region, (3) the GAIN coordinators of that region, and (4) every agency taking part in a joint operation that
  targets it. A row recorded by a national agency (no region) is seen through (1) and (4) only.
- The address shown on the register is shared at that level by being put on it; the owner's and manager's
  names are personal data and show only to those ``sochub.intel.policies`` lets see the nominal.
- Any write role of an agency that sees a row records visits and actions against it; the recording agency's
  write roles change its risk, licence position and whether it is still active.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, Premises
from sochub.partners.models import Role, User

from .models import (
    Disruption,
    JointOperation,
    OperationStatus,
    OperationTarget,
    OperationTask,
    PremisesAction,
    ProblemPremises,
)

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


# Joint operations ----------------------------------------------------------------------------------------


def _none() -> Q:
    return Q(pk__in=[])


def in_region_q(region_id: int, prefix: str = "") -> Q:
    """Operations whose region is ``region_id``: their own, or the lead agency's when they name none."""
    return Q(**{f"{prefix}region_id": region_id}) | Q(
        **{f"{prefix}region__isnull": True, f"{prefix}lead_agency__region_id": region_id}
    )


def _participating_q(agency_id: int, prefix: str = "") -> Q:
    partners = JointOperation.partners.through.objects.filter(
        jointoperation_id=OuterRef(f"{prefix}pk" if prefix else "pk"), agency_id=agency_id
    )
    return Q(**{f"{prefix}lead_agency_id": agency_id}) | Q(Exists(partners))


def visible_operations(user: User, qs: QuerySet[JointOperation] | None = None) -> QuerySet[JointOperation]:
    qs = JointOperation.objects.all() if qs is None else qs
    if not user.works_with_intel or user.agency_id is None:
        return qs.none()
    rule = _participating_q(user.agency_id)
    if user.coordinator_region_id is not None:
        rule |= in_region_q(user.coordinator_region_id)
    return qs.filter(rule)


def participant_ids(operation: JointOperation) -> set[int]:
    return {operation.lead_agency_id, *operation.partners.values_list("pk", flat=True)}


def participates(user: User, operation: JointOperation) -> bool:
    return user.works_with_intel and user.agency_id in participant_ids(operation)


def can_plan(user: User) -> bool:
    return intel_policies.can_record(user)


def can_manage(user: User, operation: JointOperation) -> bool:
    """The lead agency's write roles change the operation, its targets and its tasks."""
    return intel_policies.can_record(user) and operation.lead_agency_id == user.agency_id


def can_record_outcome(user: User, operation: JointOperation) -> bool:
    return participates(user, operation) and operation.status != OperationStatus.CANCELLED


def can_update_task(user: User, task: OperationTask) -> bool:
    return can_manage(user, task.operation) or (participates(user, task.operation) and task.agency_id == user.agency_id)


def can_see_target(user: User, target: OperationTarget) -> bool:
    """Whether the user may see what the target is (not just that the operation has one)."""
    if target.nominal_id is not None:
        return target.nominal is not None and intel_policies.can_view_nominal(user, target.nominal)
    if target.ocg_id is not None:
        return intel_policies.visible_ocgs(user, OCG.objects.filter(pk=target.ocg_id)).exists()
    if target.premises_id is not None:
        return intel_policies.visible_premises(user, Premises.objects.filter(pk=target.premises_id)).exists()
    if target.problem_premises_id is not None:
        return visible_problem_premises(user, ProblemPremises.objects.filter(pk=target.problem_premises_id)).exists()
    return False


# Problem premises register -------------------------------------------------------------------------------


def visible_problem_premises(user: User, qs: QuerySet[ProblemPremises] | None = None) -> QuerySet[ProblemPremises]:
    qs = ProblemPremises.objects.all() if qs is None else qs
    if not user.works_with_intel or user.agency_id is None:
        return qs.none()
    assert user.agency is not None
    rule = Q(agency_id=user.agency_id)
    if user.agency.region_id is not None:
        rule |= Q(agency__region_id=user.agency.region_id)
    if user.coordinator_region_id is not None:
        rule |= Q(agency__region_id=user.coordinator_region_id)
    targeted = OperationTarget.objects.filter(problem_premises_id=OuterRef("pk")).filter(
        _participating_q(user.agency_id, prefix="operation__")
    )
    return qs.filter(rule | Q(Exists(targeted)))


def can_register_premises(user: User) -> bool:
    return intel_policies.can_record(user)


def can_change_premises(user: User, problem_premises: ProblemPremises) -> bool:
    return intel_policies.can_record(user) and problem_premises.agency_id == user.agency_id


def can_add_to_premises(user: User, problem_premises: ProblemPremises) -> bool:
    """Visits and actions: any write role of an agency that can see the premises on the register."""
    return (
        intel_policies.can_record(user)
        and visible_problem_premises(user, ProblemPremises.objects.filter(pk=problem_premises.pk)).exists()
    )


def can_update_action(user: User, action: PremisesAction) -> bool:
    return intel_policies.can_record(user) and action.agency_id == user.agency_id
