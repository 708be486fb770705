"""Every write in operations, audited: disruptions (record, checked by the engine; validate, by a second person),
joint operations (plan, partners, targets, tasks, outcomes, status) and the problem premises register (register,
visits, actions). Reads that show personal data or leave the system (the report, the PDF, the CSV) are logged
here too, so the web pages and the API write the same audit rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import disruptions as engine
from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, Nominal, Premises, PremisesKind
from sochub.intel.services import NotFound, require_purpose
from sochub.intel.validation import clean_text
from sochub.partners.models import Agency, AgencyStatus, Region

from . import policies, selectors
from .models import (
    ActionKind,
    ActionStatus,
    Disruption,
    JointOperation,
    LicenceStatus,
    OperationOutcome,
    OperationStatus,
    OperationTarget,
    OperationTask,
    OutcomeKind,
    PremisesAction,
    PremisesVisit,
    ProblemPremises,
    RiskLevel,
    SeizureKind,
    TargetKind,
    TaskStatus,
    VisitKind,
)


def _audit(actor: Actor, disruption: Disruption, what: str, **detail: Any) -> None:
    audit.record(
        actor=actor,
        operation=Operation.ALTERATION,
        object_type="disruption",
        object_ids=[disruption.pk],
        purpose=actor.purpose or None,
        detail={
            "action": what,
            "ocg": disruption.ocg_id,
            "nominal": str(disruption.nominal_id) if disruption.nominal_id else None,
            **detail,
        },
    )


@transaction.atomic
def disruption_record(
    *,
    actor: Actor,
    ocg: OCG | None = None,
    nominal: Nominal | None = None,
    tactic: str,
    impact: str,
    rationale: str,
    on: date,
) -> Disruption:
    """Record a disruption against one OCG or one nominal the user can see; raises ValidationError with the
    engine's problems (unknown tactic, no rationale, an immigration tactic on someone not flagged, ...)."""
    user = actor.user
    if not policies.can_record(user):
        raise PermissionDenied("Your role does not allow you to record disruptions.")
    if (ocg is None) == (nominal is None):
        raise ValidationError("A disruption is recorded against one OCG or one nominal.")
    if ocg is not None and not intel_policies.visible_ocgs(user, OCG.objects.filter(pk=ocg.pk)).exists():
        raise NotFound("No OCG you can see has that id.")
    if nominal is not None and not intel_policies.can_view_nominal(user, nominal):
        raise NotFound("No nominal you can see has that id.")
    assert user.agency_id is not None  # intelligence write roles belong to an agency
    menu = selectors.menu()
    rationale = rationale.strip()
    flag = selectors.foreign_national(user=user, nominal=nominal) if nominal is not None else None
    problems = engine.check_disruption(
        menu,
        tactic=tactic,
        impact=impact,
        rationale=rationale,
        target_kind="ocg" if ocg is not None else "nominal",
        foreign_national=flag,
    )
    errors: dict[str, list[str]] = {}
    for p in problems:
        field = "rationale" if "rationale" in p else "impact" if "national scale" in p else "tactic"
        errors.setdefault(field, []).append(p)
    if len(rationale) > 2000:
        errors.setdefault("rationale", []).append("The rationale must be 2000 characters or fewer.")
    if on > timezone.localdate():
        errors.setdefault("date", []).append("The date must be today or in the past.")
    if errors:
        raise ValidationError(errors)
    t = menu.tactic(tactic)
    disruption = Disruption.objects.create(
        agency_id=user.agency_id,
        ocg=ocg,
        nominal=nominal,
        tactic=t.id,
        tactic_label=t.label,
        tactic_type=t.type,
        area=t.area,
        impact=impact,
        rationale=rationale,
        date=on,
        recorded_by=user,
        menu_name=menu.name,
        menu_version=menu.version,
        menu_fingerprint=engine.fingerprint(menu),
    )
    _audit(actor, disruption, "recorded", tactic=t.id, impact=impact, menu=menu.label)
    return disruption


@transaction.atomic
def disruption_validate(*, actor: Actor, disruption: Disruption) -> Disruption:
    """A second person (analyst or coordinator of the recording agency) validates the disruption."""
    user = actor.user
    disruption = Disruption.objects.select_for_update().get(pk=disruption.pk)
    if not policies.visible_disruptions(user, Disruption.objects.filter(pk=disruption.pk)).exists():
        raise NotFound("No disruption you can see has that id.")
    refusal = policies.validation_refusal(user, disruption)
    if refusal:
        raise PermissionDenied(refusal)
    problems = engine.validation_problems(
        recorded_by=disruption.recorded_by.get_username(), validated_by=user.get_username()
    )
    if problems:
        raise PermissionDenied(" ".join(problems))
    disruption.validated_by = user
    disruption.validated_at = timezone.now()
    disruption.save(update_fields=["validated_by", "validated_at"])
    _audit(actor, disruption, "validated")
    return disruption


# Joint operations ----------------------------------------------------------------------------------------

MAX_QUANTITY = 10_000
MAX_VALUE = Decimal("1000000000")
STATUS_MOVES: dict[str, set[str]] = {
    OperationStatus.PLANNED: {OperationStatus.LIVE, OperationStatus.COMPLETED, OperationStatus.CANCELLED},
    OperationStatus.LIVE: {OperationStatus.COMPLETED, OperationStatus.CANCELLED},
    OperationStatus.COMPLETED: set(),
    OperationStatus.CANCELLED: set(),
}
"""Where an operation's status may go next: completed and cancelled are final."""


def _record(actor: Actor, operation: str, object_type: str, ids: list[Any], **detail: Any) -> None:
    audit.record(
        actor=actor,
        operation=operation,
        object_type=object_type,
        object_ids=ids,
        purpose=actor.purpose or None,
        detail=detail,
    )


def _text(value: str, field: str, max_length: int, required: bool = True) -> str:
    return clean_text(value, field=field, max_length=max_length, required=required)


def _aware(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else timezone.make_aware(value)


def _member_agency(agency: Agency, field: str) -> Agency:
    if agency.status == AgencyStatus.LEFT:
        raise ValidationError({field: f"{agency.name} has left the network."})
    return agency


def _operation_visible(actor: Actor, operation: JointOperation) -> JointOperation:
    found = selectors.operation_get(user=actor.user, operation_id=operation.pk)
    if found is None:
        raise NotFound
    return found


def _require_manage(actor: Actor, operation: JointOperation) -> JointOperation:
    operation = _operation_visible(actor, operation)
    if not policies.can_manage(actor.user, operation):
        raise PermissionDenied("Only the lead agency's analysts, coordinators and officers can change the operation.")
    if operation.status in (OperationStatus.COMPLETED, OperationStatus.CANCELLED):
        raise ValidationError(f"The operation is {operation.get_status_display().lower()}: it can no longer change.")
    return operation


@transaction.atomic
def operation_create(
    *,
    actor: Actor,
    name: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    area: str,
    objective: str,
    region: Region | None = None,
    partners: list[Agency] | None = None,
) -> JointOperation:
    """Plan a joint operation led by the planner's agency, with partner agencies."""
    user = actor.user
    if not policies.can_plan(user):
        raise PermissionDenied("Your role does not allow you to plan operations.")
    assert user.agency_id is not None  # can_plan
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for field, value, limit in (("name", name, 200), ("area", area, 200), ("objective", objective, 4000)):
        try:
            cleaned[field] = _text(value, field, limit)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    starts_at = _aware(starts_at)
    if ends_at is not None:
        ends_at = _aware(ends_at)
        if ends_at < starts_at:
            errors.setdefault("ends_at", []).append("The end must be after the start.")
        elif ends_at - starts_at > timedelta(days=366):
            errors.setdefault("ends_at", []).append("An operation can last a year at most.")
    chosen = {a.pk: a for a in partners or [] if a.pk != user.agency_id}
    for agency in chosen.values():
        try:
            _member_agency(agency, "partners")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    operation = JointOperation.objects.create(
        name=cleaned["name"],
        lead_agency_id=user.agency_id,
        starts_at=starts_at,
        ends_at=ends_at,
        area=cleaned["area"],
        region=region,
        objective=cleaned["objective"],
        created_by=user,
    )
    operation.partners.set(list(chosen.values()))
    _record(
        actor,
        Operation.COLLECTION,
        "joint_operation",
        [operation.pk],
        action="planned",
        partners=sorted(a.code for a in chosen.values()),
    )
    return operation


@transaction.atomic
def operation_partner_add(*, actor: Actor, operation: JointOperation, agency: Agency) -> JointOperation:
    operation = _require_manage(actor, operation)
    _member_agency(agency, "agency")
    if agency.pk in policies.participant_ids(operation):
        raise ValidationError({"agency": f"{agency.name} is already taking part."})
    operation.partners.add(agency)
    _record(actor, Operation.ALTERATION, "joint_operation", [operation.pk], action="partner_added", agency=agency.code)
    return operation


@transaction.atomic
def operation_status_set(*, actor: Actor, operation: JointOperation, status: str) -> JointOperation:
    operation = _operation_visible(actor, operation)
    if not policies.can_manage(actor.user, operation):
        raise PermissionDenied("Only the lead agency's analysts, coordinators and officers can change the operation.")
    if status not in OperationStatus.values:
        raise ValidationError({"status": "Choose planned, live, completed or cancelled."})
    if status not in STATUS_MOVES[operation.status]:
        now, then = operation.get_status_display().lower(), OperationStatus(status).label.lower()
        raise ValidationError({"status": f"A {now} operation cannot become {then}."})
    before = operation.status
    operation.status = status
    operation.save(update_fields=["status"])
    _record(
        actor, Operation.ALTERATION, "joint_operation", [operation.pk], action="status", before=before, after=status
    )
    return operation


@transaction.atomic
def target_add(
    *,
    actor: Actor,
    operation: JointOperation,
    nominal: Nominal | None = None,
    ocg: OCG | None = None,
    premises: Premises | None = None,
    problem_premises: ProblemPremises | None = None,
    note: str = "",
) -> OperationTarget:
    """Add one target the planner can see: a nominal, an OCG, premises or a problem premises of the register."""
    operation = _require_manage(actor, operation)
    user = actor.user
    given = [x for x in (nominal, ocg, premises, problem_premises) if x is not None]
    lookup: dict[str, Any]
    if len(given) != 1:
        raise ValidationError({"target": "Choose one person, OCG, premises or problem premises."})
    if nominal is not None:
        if not intel_policies.can_view_nominal(user, nominal):
            raise NotFound
        kind, lookup = TargetKind.NOMINAL, {"nominal": nominal}
    elif ocg is not None:
        if not intel_policies.visible_ocgs(user, OCG.objects.filter(pk=ocg.pk)).exists():
            raise NotFound
        kind, lookup = TargetKind.OCG, {"ocg": ocg}
    elif premises is not None:
        if not intel_policies.visible_premises(user, Premises.objects.filter(pk=premises.pk)).exists():
            raise NotFound
        kind, lookup = TargetKind.PREMISES, {"premises": premises}
    else:
        assert problem_premises is not None
        if not policies.visible_problem_premises(user, ProblemPremises.objects.filter(pk=problem_premises.pk)).exists():
            raise NotFound
        kind, lookup = TargetKind.PROBLEM_PREMISES, {"problem_premises": problem_premises}
    if operation.targets.filter(**lookup).exists():
        raise ValidationError({"target": "That target is already on the operation."})
    assert user.agency_id is not None
    target = OperationTarget.objects.create(
        operation=operation,
        kind=kind,
        note=_text(note, "note", 500, required=False),
        agency_id=user.agency_id,
        added_by=user,
        **lookup,
    )
    ids: list[Any] = [operation.pk] + ([str(nominal.pk)] if nominal is not None else [])
    _record(actor, Operation.ALTERATION, "joint_operation", ids, action="target_added", target=target.pk, kind=kind)
    return target


@transaction.atomic
def task_add(
    *,
    actor: Actor,
    operation: JointOperation,
    agency: Agency,
    description: str,
    assigned_to: str = "",
    due: date | None = None,
) -> OperationTask:
    """Give one participating agency a task."""
    operation = _require_manage(actor, operation)
    if agency.pk not in policies.participant_ids(operation):
        raise ValidationError({"agency": "Tasks go to an agency taking part in the operation."})
    task = OperationTask.objects.create(
        operation=operation,
        agency=agency,
        description=_text(description, "description", 2000),
        assigned_to=_text(assigned_to, "assigned_to", 200, required=False),
        due=due,
        created_by=actor.user,
    )
    _record(
        actor,
        Operation.ALTERATION,
        "joint_operation",
        [operation.pk],
        action="task_added",
        task=task.pk,
        agency=agency.code,
    )
    return task


@transaction.atomic
def task_update(*, actor: Actor, task: OperationTask, status: str) -> OperationTask:
    """Move a task on (the lead agency, or the agency the task is for)."""
    _operation_visible(actor, task.operation)
    if not policies.can_update_task(actor.user, task):
        raise PermissionDenied("Only the lead agency or the agency the task is for can update it.")
    if status not in TaskStatus.values:
        raise ValidationError({"status": "Choose to do, in progress, done or cancelled."})
    before = task.status
    task.status, task.updated_at = status, timezone.now()
    task.save(update_fields=["status", "updated_at"])
    _record(
        actor,
        Operation.ALTERATION,
        "joint_operation",
        [task.operation_id],
        action="task_status",
        task=task.pk,
        before=before,
        after=status,
    )
    return task


@transaction.atomic
def outcome_record(
    *,
    actor: Actor,
    operation: JointOperation,
    kind: str,
    occurred_on: date,
    quantity: int = 1,
    seizure_kind: str = "",
    description: str = "",
    estimated_value: Decimal | None = None,
    target: OperationTarget | None = None,
    owner_identified: bool = False,
    returned_on: date | None = None,
) -> OperationOutcome:
    """Record what the operation achieved, for the user's own agency (which must be taking part)."""
    operation = _operation_visible(actor, operation)
    user = actor.user
    if not policies.can_record_outcome(user, operation):
        if operation.status == OperationStatus.CANCELLED:
            raise ValidationError("The operation was cancelled: it has no outcomes.")
        raise PermissionDenied("Only agencies taking part in the operation record its outcomes.")
    errors: dict[str, list[str]] = {}
    if kind not in OutcomeKind.values:
        errors.setdefault("kind", []).append("Choose what kind of outcome it was.")
    if kind == OutcomeKind.SEIZURE and seizure_kind not in SeizureKind.values:
        errors.setdefault("seizure_kind", []).append("Choose what was seized.")
    if kind != OutcomeKind.SEIZURE:
        seizure_kind = ""
    if not 1 <= quantity <= MAX_QUANTITY:
        errors.setdefault("quantity", []).append(f"The number must be between 1 and {MAX_QUANTITY:,}.")
    if estimated_value is not None and (not estimated_value.is_finite() or not 0 <= estimated_value < MAX_VALUE):
        errors.setdefault("estimated_value", []).append("The estimated value must be £0 or more, in pounds.")
    today = timezone.localdate()
    start = timezone.localtime(operation.starts_at).date()
    if occurred_on > today:
        errors.setdefault("occurred_on", []).append("The date must be today or in the past.")
    elif occurred_on < start:
        errors.setdefault("occurred_on", []).append("The date must be on or after the operation started.")
    if target is not None and target.operation_id != operation.pk:
        errors.setdefault("target", []).append("Choose a target of this operation.")
    if kind != OutcomeKind.RECOVERED_PROPERTY:
        owner_identified, returned_on = False, None
    if returned_on is not None:
        if not owner_identified:
            errors.setdefault("returned_on", []).append("Property is returned to an identified owner.")
        elif returned_on > today or returned_on < occurred_on:
            errors.setdefault("returned_on", []).append("The return date must be between the recovery and today.")
    try:
        description = _text(
            description, "description", 500, required=kind in (OutcomeKind.SEIZURE, OutcomeKind.RECOVERED_PROPERTY)
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert user.agency_id is not None
    outcome = OperationOutcome.objects.create(
        operation=operation,
        agency_id=user.agency_id,
        kind=kind,
        seizure_kind=seizure_kind,
        quantity=quantity,
        description=description,
        estimated_value=estimated_value,
        target=target,
        owner_identified=owner_identified,
        returned_on=returned_on,
        occurred_on=occurred_on,
        recorded_by=user,
    )
    ids: list[Any] = [operation.pk] + ([str(target.nominal_id)] if target is not None and target.nominal_id else [])
    _record(
        actor,
        Operation.COLLECTION,
        "joint_operation",
        ids,
        action="outcome_recorded",
        outcome=outcome.pk,
        kind=kind,
        quantity=quantity,
        seizure_kind=seizure_kind,
        estimated_value=str(estimated_value) if estimated_value is not None else None,
    )
    return outcome


@transaction.atomic
def outcome_returned(*, actor: Actor, outcome: OperationOutcome, returned_on: date) -> OperationOutcome:
    """Recovered property handed back to its identified owner (by the agency that recorded it)."""
    _operation_visible(actor, outcome.operation)
    if outcome.agency_id != actor.user.agency_id or not policies.participates(actor.user, outcome.operation):
        raise PermissionDenied("Only the agency that recorded the property records its return.")
    if outcome.kind != OutcomeKind.RECOVERED_PROPERTY:
        raise ValidationError({"returned_on": "Only recovered property is returned to an owner."})
    if outcome.returned_on is not None:
        raise ValidationError({"returned_on": "This property is returned already."})
    if not outcome.owner_identified:
        raise ValidationError({"returned_on": "Property is returned to an identified owner."})
    if returned_on > timezone.localdate() or returned_on < outcome.occurred_on:
        raise ValidationError({"returned_on": "The return date must be between the recovery and today."})
    outcome.returned_on = returned_on
    outcome.save(update_fields=["returned_on"])
    _record(
        actor,
        Operation.ALTERATION,
        "joint_operation",
        [outcome.operation_id],
        action="property_returned",
        outcome=outcome.pk,
    )
    return outcome


def operation_consult(*, actor: Actor, operation: JointOperation, view: str = "operation") -> selectors.OperationReport:
    """The operation as this user may see it, logged as a consultation of it and of the people shown."""
    operation = _operation_visible(actor, operation)
    report = selectors.operation_report(user=actor.user, operation=operation)
    _record(
        actor,
        Operation.CONSULTATION,
        "joint_operation",
        [operation.pk, *report.nominal_ids],
        view=view,
        nominals=report.nominal_ids,
    )
    return report


def operation_export(*, actor: Actor, operation: JointOperation, fmt: str) -> selectors.OperationReport:
    """The operation report for a file the user takes away: needs a purpose, logged as a disclosure."""
    if fmt not in ("pdf",):
        raise NotFound
    operation = _operation_visible(actor, operation)
    purpose = require_purpose(actor.purpose)
    report = selectors.operation_report(user=actor.user, operation=operation)
    audit.record(
        actor=actor,
        operation=Operation.DISCLOSURE,
        object_type="joint_operation",
        object_ids=[operation.pk, *report.nominal_ids],
        purpose=purpose,
        recipients=[actor.user.username],
        detail={"export": fmt, "nominals": report.nominal_ids, "marking": "OFFICIAL-SENSITIVE"},
    )
    return report


# Problem premises register -------------------------------------------------------------------------------


def _premises_visible(actor: Actor, problem_premises: ProblemPremises) -> ProblemPremises:
    found = selectors.problem_premises_get(user=actor.user, premises_id=problem_premises.pk)
    if found is None:
        raise NotFound
    return found


def _nominal_check(user: Any, nominal: Nominal | None) -> None:
    if nominal is not None and not intel_policies.can_view_nominal(user, nominal):
        raise NotFound


@transaction.atomic
def problem_premises_register(
    *,
    actor: Actor,
    licence_status: str,
    risk_level: str,
    risk_reasons: str,
    premises: Premises | None = None,
    address: str = "",
    postcode: str = "",
    kind: str = "",
    name: str = "",
    area: str = "",
    licensing_authority: str = "",
    owner: Nominal | None = None,
    manager: Nominal | None = None,
) -> ProblemPremises:
    """Put premises on the register: premises already known (that the user can see) or a new address, with its
    licence position, owner and manager (nominals the user can see), and a risk level with its reasons."""
    user = actor.user
    if not policies.can_register_premises(user):
        raise PermissionDenied("Your role does not allow you to add to the problem premises register.")
    assert user.agency_id is not None
    errors: dict[str, list[str]] = {}
    if licence_status not in LicenceStatus.values:
        errors.setdefault("licence_status", []).append("Choose the licence position.")
    if risk_level not in RiskLevel.values:
        errors.setdefault("risk_level", []).append("Choose high, medium or low risk.")
    cleaned: dict[str, str] = {}
    for field, value, limit, required in (
        ("risk_reasons", risk_reasons, 2000, True),
        ("name", name, 200, False),
        ("area", area, 200, False),
        ("licensing_authority", licensing_authority, 200, False),
    ):
        try:
            cleaned[field] = _text(value, field, limit, required)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if premises is None:
        try:
            cleaned["address"] = _text(address, "address", 300)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        code = " ".join(postcode.upper().split())
        if not 5 <= len(code) <= 8 or not code.replace(" ", "").isalnum():
            errors.setdefault("postcode", []).append("Enter a postcode, like M1 1AE.")
        if kind not in PremisesKind.values:
            errors.setdefault("kind", []).append("Choose what kind of premises it is.")
    elif not intel_policies.visible_premises(user, Premises.objects.filter(pk=premises.pk)).exists():
        raise NotFound
    _nominal_check(user, owner)
    _nominal_check(user, manager)
    if errors:
        raise ValidationError(errors)
    created_premises = premises is None
    if premises is None:
        premises = Premises.objects.create(
            address=cleaned["address"], postcode=" ".join(postcode.upper().split()), kind=kind, agency_id=user.agency_id
        )
    elif ProblemPremises.objects.filter(premises=premises, active=True).exists():
        raise ValidationError({"premises": "Those premises are on the register already."})
    pp = ProblemPremises.objects.create(
        premises=premises,
        name=cleaned["name"],
        area=cleaned["area"],
        agency_id=user.agency_id,
        owner=owner,
        manager=manager,
        licence_status=licence_status,
        licensing_authority=cleaned["licensing_authority"],
        risk_level=risk_level,
        risk_reasons=cleaned["risk_reasons"],
        created_by=user,
    )
    people = [str(n.pk) for n in (owner, manager) if n is not None]
    _record(
        actor,
        Operation.COLLECTION,
        "problem_premises",
        [pp.pk, *people],
        action="registered",
        premises=premises.pk,
        new_premises=created_premises,
        risk_level=risk_level,
        licence_status=licence_status,
    )
    return pp


@transaction.atomic
def problem_premises_update(
    *,
    actor: Actor,
    problem_premises: ProblemPremises,
    risk_level: str,
    risk_reasons: str,
    licence_status: str,
    active: bool = True,
) -> ProblemPremises:
    """Review the risk and licence position (the recording agency), or take the premises off the active list."""
    pp = _premises_visible(actor, problem_premises)
    if not policies.can_change_premises(actor.user, pp):
        raise PermissionDenied("Only the recording agency can change the risk or licence position.")
    errors: dict[str, list[str]] = {}
    if licence_status not in LicenceStatus.values:
        errors.setdefault("licence_status", []).append("Choose the licence position.")
    if risk_level not in RiskLevel.values:
        errors.setdefault("risk_level", []).append("Choose high, medium or low risk.")
    try:
        reasons = _text(risk_reasons, "risk_reasons", 2000)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    before = {"risk_level": pp.risk_level, "licence_status": pp.licence_status, "active": pp.active}
    pp.risk_level, pp.risk_reasons, pp.licence_status, pp.active = risk_level, reasons, licence_status, active
    pp.save(update_fields=["risk_level", "risk_reasons", "licence_status", "active"])
    _record(
        actor,
        Operation.ALTERATION,
        "problem_premises",
        [pp.pk],
        action="reviewed",
        before=before,
        after={"risk_level": risk_level, "licence_status": licence_status, "active": active},
    )
    return pp


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    problem_premises: ProblemPremises,
    visited_on: date,
    kind: str,
    findings: str,
    officers: str = "",
    operation: JointOperation | None = None,
) -> PremisesVisit:
    """A visit by the user's agency; linked to a joint operation it took part in, when given."""
    pp = _premises_visible(actor, problem_premises)
    user = actor.user
    if not policies.can_add_to_premises(user, pp):
        raise PermissionDenied("Your role does not allow you to record visits.")
    errors: dict[str, list[str]] = {}
    if kind not in VisitKind.values:
        errors.setdefault("kind", []).append("Choose what kind of visit it was.")
    if visited_on > timezone.localdate():
        errors.setdefault("visited_on", []).append("The visit date must be today or in the past.")
    try:
        findings = _text(findings, "findings", 4000)
        officers = _text(officers, "officers", 300, required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if operation is not None:
        seen = selectors.operation_get(user=user, operation_id=operation.pk)
        if seen is None or not policies.participates(user, seen):
            errors.setdefault("operation", []).append("Choose an operation your agency is taking part in.")
    if errors:
        raise ValidationError(errors)
    assert user.agency_id is not None
    visit = PremisesVisit.objects.create(
        problem_premises=pp,
        agency_id=user.agency_id,
        visited_on=visited_on,
        officers=officers,
        kind=kind,
        findings=findings,
        operation=operation,
        recorded_by=user,
    )
    _record(
        actor,
        Operation.COLLECTION,
        "problem_premises",
        [pp.pk],
        action="visit",
        visit=visit.pk,
        kind=kind,
        joint_operation=operation.pk if operation else None,
    )
    return visit


@transaction.atomic
def action_record(
    *,
    actor: Actor,
    problem_premises: ProblemPremises,
    kind: str,
    started_on: date,
    due_on: date | None = None,
    detail: str = "",
) -> PremisesAction:
    pp = _premises_visible(actor, problem_premises)
    user = actor.user
    if not policies.can_add_to_premises(user, pp):
        raise PermissionDenied("Your role does not allow you to record actions.")
    errors: dict[str, list[str]] = {}
    if kind not in ActionKind.values:
        errors.setdefault("kind", []).append("Choose the kind of action.")
    if started_on > timezone.localdate():
        errors.setdefault("started_on", []).append("The start date must be today or in the past.")
    if due_on is not None and due_on < started_on:
        errors.setdefault("due_on", []).append("The due date must be on or after the start.")
    try:
        detail = _text(detail, "detail", 1000, required=kind == ActionKind.OTHER)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert user.agency_id is not None
    action = PremisesAction.objects.create(
        problem_premises=pp,
        agency_id=user.agency_id,
        kind=kind,
        detail=detail,
        started_on=started_on,
        due_on=due_on,
        recorded_by=user,
    )
    _record(
        actor, Operation.COLLECTION, "problem_premises", [pp.pk], action="action", premises_action=action.pk, kind=kind
    )
    return action


@transaction.atomic
def action_update(
    *, actor: Actor, action: PremisesAction, status: str, closed_on: date | None = None
) -> PremisesAction:
    """Complete or withdraw an action (the agency that took it)."""
    _premises_visible(actor, action.problem_premises)
    if not policies.can_update_action(actor.user, action):
        raise PermissionDenied("Only the agency that took the action can update it.")
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose open, completed or withdrawn."})
    if status == ActionStatus.OPEN:
        closed_on = None
    else:
        closed_on = closed_on or timezone.localdate()
        if closed_on > timezone.localdate() or closed_on < action.started_on:
            raise ValidationError({"closed_on": "The date must be between the start and today."})
    before = action.status
    action.status, action.closed_on = status, closed_on
    action.save(update_fields=["status", "closed_on"])
    _record(
        actor,
        Operation.ALTERATION,
        "problem_premises",
        [action.problem_premises_id],
        action="action_status",
        premises_action=action.pk,
        before=before,
        after=status,
    )
    return action


def problem_premises_consult(
    *, actor: Actor, problem_premises: ProblemPremises
) -> tuple[ProblemPremises, dict[str, str | None]]:
    """The premises and the owner's and manager's names the user may see, logged as a consultation."""
    pp = _premises_visible(actor, problem_premises)
    people = selectors.premises_people(user=actor.user, problem_premises=pp)
    shown = [str(n) for n, role in ((pp.owner_id, "owner"), (pp.manager_id, "manager")) if n and people.get(role)]
    _record(actor, Operation.CONSULTATION, "problem_premises", [pp.pk, *shown], view="problem_premises", nominals=shown)
    return pp, people


def coordination_consult(
    *, actor: Actor, region: Region | None = None, area: str = "", export: str = ""
) -> list[selectors.CoordinationEntry]:
    """This month's coordination list; an export (``export="csv"``) needs a purpose and is logged as a disclosure."""
    entries = selectors.coordination_list(user=actor.user, region=region, area=area[:200])
    ids = [e.premises.pk for e in entries]
    detail = {"region": region.code if region else None, "area": area[:200], "rows": len(ids)}
    if export:
        audit.record(
            actor=actor,
            operation=Operation.DISCLOSURE,
            object_type="problem_premises",
            object_ids=ids,
            purpose=require_purpose(actor.purpose),
            recipients=[actor.user.username],
            detail={**detail, "export": export, "view": "coordination"},
        )
    else:
        _record(actor, Operation.CONSULTATION, "problem_premises", ids, view="coordination", **detail)
    return entries
