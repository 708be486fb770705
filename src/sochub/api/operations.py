"""API of operations: the same selectors, services, policies and audit as its web pages.

Disruptions (list, detail, record, validate by a second person, counts, the tactics menu), joint operations (plan,
status, partners, targets, tasks, outcomes, property returned) and the problem premises register (list, detail,
register, visits, actions, review, this month's coordination list). Anything the caller may not see answers 404;
a role without the right answers 403; a value the rules refuse answers 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.engine import disruptions as engine
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, Nominal, Premises
from sochub.intel.services import NotFound
from sochub.operations import policies, selectors, services
from sochub.operations.models import (
    Disruption,
    JointOperation,
    OperationOutcome,
    OperationStatus,
    OperationTask,
    PremisesAction,
    PremisesVisit,
    ProblemPremises,
)
from sochub.partners.models import Agency, Region

from .common import Page, actor_for, limits

router = Router(tags=["operations"])


class OperationItem(Schema):
    id: int
    name: str
    status: str
    lead_agency: str
    partners: list[str]
    starts_at: str
    ends_at: str | None
    area: str
    region: str | None


class OperationList(Schema):
    items: list[OperationItem]
    count: int


class TargetItem(Schema):
    id: int
    kind: str
    label: str
    visible: bool
    nominal_id: str | None = None
    ocg_id: int | None = None
    problem_premises_id: int | None = None
    added_by: str


class TaskItem(Schema):
    id: int
    agency: str
    description: str
    assigned_to: str
    status: str
    due: date | None


class OutcomeItem(Schema):
    id: int
    agency: str
    kind: str
    seizure_kind: str
    quantity: int
    description: str
    estimated_value: str | None
    target: int | None
    owner_identified: bool
    returned_on: date | None
    occurred_on: date


class OperationDetail(OperationItem):
    objective: str
    targets: list[TargetItem]
    tasks: list[TaskItem]
    outcomes: list[OutcomeItem]
    outcome_totals: dict[str, int]


class OutcomeIn(Schema):
    kind: str
    occurred_on: date
    quantity: int = 1
    seizure_kind: str = ""
    description: str = ""
    estimated_value: Decimal | None = None
    target: int | None = None
    owner_identified: bool = False
    returned_on: date | None = None


class PremisesItem(Schema):
    id: int
    name: str
    address: str
    postcode: str
    premises_kind: str
    area: str
    agency: str
    region: str | None
    licence_status: str
    licensing_authority: str
    risk_level: str
    risk_reasons: str
    active: bool
    has_owner: bool
    has_manager: bool


class PremisesList(Schema):
    items: list[PremisesItem]
    count: int


class CoordinationItem(Schema):
    rank: int
    premises: PremisesItem
    last_visit: date | None
    days_since_visit: int | None
    open_actions: int
    visited_this_month: bool


def _operation_item(op: JointOperation) -> dict[str, Any]:
    return {
        "id": op.pk,
        "name": op.name,
        "status": op.status,
        "lead_agency": op.lead_agency.code,
        "partners": sorted(a.code for a in op.partners.all()),
        "starts_at": op.starts_at.isoformat(),
        "ends_at": op.ends_at.isoformat() if op.ends_at else None,
        "area": op.area,
        "region": op.region.code if op.region else None,
    }


def _outcome_item(o: OperationOutcome) -> dict[str, Any]:
    return {
        "id": o.pk,
        "agency": o.agency.code,
        "kind": o.kind,
        "seizure_kind": o.seizure_kind,
        "quantity": o.quantity,
        "description": o.description,
        "estimated_value": str(o.estimated_value) if o.estimated_value is not None else None,
        "target": o.target_id,
        "owner_identified": o.owner_identified,
        "returned_on": o.returned_on,
        "occurred_on": o.occurred_on,
    }


def _premises_item(pp: ProblemPremises) -> dict[str, Any]:
    return {
        "id": pp.pk,
        "name": pp.name,
        "address": pp.premises.address,
        "postcode": pp.premises.postcode,
        "premises_kind": pp.premises.kind,
        "area": pp.area,
        "agency": pp.agency.code,
        "region": pp.agency.region.code if pp.agency.region else None,
        "licence_status": pp.licence_status,
        "licensing_authority": pp.licensing_authority,
        "risk_level": pp.risk_level,
        "risk_reasons": pp.risk_reasons,
        "active": pp.active,
        "has_owner": pp.owner_id is not None,
        "has_manager": pp.manager_id is not None,
    }


def _get(actor_user: Any, operation_id: int) -> JointOperation:
    op = selectors.operation_get(user=actor_user, operation_id=operation_id)
    if op is None:
        raise HttpError(404, "Not found")
    return op


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code[:40]).first()
    if region is None:
        raise HttpError(422, "Unknown region code")
    return region


def _invalid(exc: ValidationError) -> HttpError:
    if hasattr(exc, "error_dict"):
        return HttpError(422, "; ".join(f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs))
    return HttpError(422, "; ".join(exc.messages))


@contextmanager
def _service_errors() -> Iterator[None]:
    """A service's refusal as the API's answer: not visible 404, not allowed 403, against the rules 422."""
    try:
        yield
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Not allowed") from exc
    except ValidationError as exc:
        raise _invalid(exc) from exc


@router.get("/joint", response=OperationList)
def operations_list(request: HttpRequest, page: Query[Page], status: str = "") -> dict[str, Any]:
    actor = actor_for(request)
    limit, offset = limits(page)
    qs = selectors.operations(user=actor.user, status=status if status in OperationStatus.values else "")
    shown = list(qs[offset : offset + limit])
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="joint_operation",
        object_ids=[o.pk for o in shown],
        detail={"view": "api_operations_list"},
    )
    return {"items": [_operation_item(o) for o in shown], "count": qs.count()}


def _target_item(t: selectors.TargetView) -> dict[str, Any]:
    return {
        "id": t.target.pk,
        "kind": t.target.kind,
        "label": t.label,
        "visible": t.visible,
        "nominal_id": t.nominal_id,
        "ocg_id": t.ocg_id,
        "problem_premises_id": t.problem_premises_id,
        "added_by": t.target.agency.code,
    }


def _task_item(t: OperationTask) -> dict[str, Any]:
    return {
        "id": t.pk,
        "agency": t.agency.code,
        "description": t.description,
        "assigned_to": t.assigned_to,
        "status": t.status,
        "due": t.due,
    }


def _operation_detail(request: HttpRequest, op: JointOperation, view: str) -> dict[str, Any]:
    """The operation as the caller may see it; a consultation of it and of the people it names (the service logs)."""
    r = services.operation_consult(actor=actor_for(request), operation=op, view=view)
    return {
        **_operation_item(r.operation),
        "objective": r.operation.objective,
        "targets": [_target_item(t) for t in r.targets],
        "tasks": [_task_item(t) for t in r.tasks],
        "outcomes": [_outcome_item(o) for o in r.outcomes],
        "outcome_totals": r.totals,
    }


@router.get("/joint/{operation_id}", response=OperationDetail)
def operation_detail(request: HttpRequest, operation_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    with _service_errors():
        return _operation_detail(request, op, "api_operation_detail")


@router.post("/joint/{operation_id}/outcomes", response={201: OutcomeItem})
def outcome_add(request: HttpRequest, operation_id: int, payload: OutcomeIn) -> Status[dict[str, Any]]:
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    target = None
    if payload.target is not None:
        target = op.targets.filter(pk=payload.target).first()
        if target is None:
            raise HttpError(422, "target: choose a target of this operation")
    with _service_errors():
        outcome = services.outcome_record(
            actor=actor,
            operation=op,
            kind=payload.kind,
            occurred_on=payload.occurred_on,
            quantity=payload.quantity,
            seizure_kind=payload.seizure_kind,
            description=payload.description,
            estimated_value=payload.estimated_value,
            target=target,
            owner_identified=payload.owner_identified,
            returned_on=payload.returned_on,
        )
    return Status(201, _outcome_item(outcome))


@router.get("/premises", response=PremisesList)
def premises_list(
    request: HttpRequest, page: Query[Page], region: str | None = None, area: str = "", active_only: bool = False
) -> dict[str, Any]:
    actor = actor_for(request)
    limit, offset = limits(page)
    qs = selectors.problem_premises(user=actor.user, region=_region(region), area=area[:200], active_only=active_only)
    shown = list(qs[offset : offset + limit])
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="problem_premises",
        object_ids=[pp.pk for pp in shown],
        detail={"view": "api_premises_list", "region": region, "area": area[:200]},
    )
    return {"items": [_premises_item(pp) for pp in shown], "count": qs.count()}


@router.get("/premises/coordination", response=list[CoordinationItem])
def coordination(request: HttpRequest, region: str | None = None, area: str = "") -> list[dict[str, Any]]:
    actor = actor_for(request)
    entries = services.coordination_consult(actor=actor, region=_region(region), area=area)
    return [
        {
            "rank": e.rank,
            "premises": _premises_item(e.premises),
            "last_visit": e.last_visit,
            "days_since_visit": e.days_since_visit,
            "open_actions": e.open_actions,
            "visited_this_month": e.visited_this_month,
        }
        for e in entries
    ]


# Joint operations: planning and changes -------------------------------------------------------------------


class OperationIn(Schema):
    name: str
    starts_at: datetime
    """Local (UK) time when no offset is given."""
    ends_at: datetime | None = None
    area: str
    objective: str
    region: str | None = None
    """A region code; none: the lead agency's region."""
    partners: list[str] = []
    """Codes of the partner agencies."""


class StatusIn(Schema):
    status: str


class PartnerIn(Schema):
    agency: str
    """The agency's code."""


class TargetIn(Schema):
    """One of: a nominal, an OCG, premises or a problem premises of the register."""

    nominal_id: str | None = None
    ocg_id: int | None = None
    premises_id: int | None = None
    problem_premises_id: int | None = None
    note: str = ""


class TaskIn(Schema):
    agency: str
    """The code of the participating agency the task is for."""
    description: str
    assigned_to: str = ""
    due: date | None = None


class ReturnedIn(Schema):
    returned_on: date


def _agency(code: str, field: str) -> Agency:
    agency = Agency.objects.filter(code=code[:40]).first()
    if agency is None:
        raise HttpError(422, f"{field}: no agency has the code {code[:40]!r}")
    return agency


@router.post("/joint", response={201: OperationDetail})
def operation_create(request: HttpRequest, payload: OperationIn) -> Status[dict[str, Any]]:
    """Plan a joint operation led by the caller's agency, with partner agencies by code."""
    actor = actor_for(request)
    codes = list(dict.fromkeys(c[:40] for c in payload.partners))
    if len(codes) > 100:
        raise HttpError(422, "partners: name 100 agencies at most")
    partners = list(Agency.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {a.code for a in partners})
    if unknown:
        raise HttpError(422, f"partners: no agency has the code {', '.join(unknown)}")
    with _service_errors():
        op = services.operation_create(
            actor=actor,
            name=payload.name,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            area=payload.area,
            objective=payload.objective,
            region=_region(payload.region),
            partners=partners,
        )
        return Status(201, _operation_detail(request, _get(actor.user, op.pk), "api_operation_created"))


@router.post("/joint/{operation_id}/status", response=OperationItem)
def operation_status(request: HttpRequest, operation_id: int, payload: StatusIn) -> dict[str, Any]:
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    with _service_errors():
        op = services.operation_status_set(actor=actor, operation=op, status=payload.status[:20])
    return _operation_item(_get(actor.user, op.pk))


@router.post("/joint/{operation_id}/partners", response=OperationItem)
def operation_partner_add(request: HttpRequest, operation_id: int, payload: PartnerIn) -> dict[str, Any]:
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    agency = _agency(payload.agency, "agency")
    with _service_errors():
        services.operation_partner_add(actor=actor, operation=op, agency=agency)
    return _operation_item(_get(actor.user, op.pk))


@router.post("/joint/{operation_id}/targets", response={201: TargetItem})
def operation_target_add(request: HttpRequest, operation_id: int, payload: TargetIn) -> Status[dict[str, Any]]:
    """Add a target the caller can see (one not visible, or that does not exist, answers 404)."""
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    subject: dict[str, Any] = {}
    if payload.nominal_id:
        nominal = intel_selectors.nominal_resolve(user=actor.user, nominal_id=payload.nominal_id[:64])
        if nominal is None:
            raise HttpError(404, "Not found")
        subject["nominal"] = nominal
    for key, model in (("ocg", OCG), ("premises", Premises), ("problem_premises", ProblemPremises)):
        pk = getattr(payload, f"{key}_id")
        if pk is not None:
            found = model.objects.filter(pk=pk).first()  # type: ignore[attr-defined]
            if found is None:
                raise HttpError(404, "Not found")
            subject[key] = found
    with _service_errors():
        target = services.target_add(actor=actor, operation=op, note=payload.note, **subject)
    view = selectors.target_views(user=actor.user, targets=[target])[0]
    return Status(201, _target_item(view))


@router.post("/joint/{operation_id}/tasks", response={201: TaskItem})
def operation_task_add(request: HttpRequest, operation_id: int, payload: TaskIn) -> Status[dict[str, Any]]:
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    agency = _agency(payload.agency, "agency")
    with _service_errors():
        task = services.task_add(
            actor=actor,
            operation=op,
            agency=agency,
            description=payload.description,
            assigned_to=payload.assigned_to,
            due=payload.due,
        )
    return Status(201, _task_item(task))


@router.post("/joint/{operation_id}/tasks/{task_id}", response=TaskItem)
def operation_task_update(request: HttpRequest, operation_id: int, task_id: int, payload: StatusIn) -> dict[str, Any]:
    """Move a task on (the lead agency, or the agency the task is for)."""
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    task = OperationTask.objects.filter(pk=task_id, operation=op).select_related("operation", "agency").first()
    if task is None:
        raise HttpError(404, "Not found")
    with _service_errors():
        task = services.task_update(actor=actor, task=task, status=payload.status[:20])
    return _task_item(task)


@router.post("/joint/{operation_id}/outcomes/{outcome_id}/returned", response=OutcomeItem)
def outcome_returned(request: HttpRequest, operation_id: int, outcome_id: int, payload: ReturnedIn) -> dict[str, Any]:
    """Recovered property handed back to its identified owner."""
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    outcome = OperationOutcome.objects.filter(pk=outcome_id, operation=op).select_related("operation", "agency").first()
    if outcome is None:
        raise HttpError(404, "Not found")
    with _service_errors():
        outcome = services.outcome_returned(actor=actor, outcome=outcome, returned_on=payload.returned_on)
    return _outcome_item(outcome)


# Problem premises: detail and changes ----------------------------------------------------------------------


class PersonOut(Schema):
    nominal_id: str
    name: str


class VisitOut(Schema):
    id: int
    agency: str
    visited_on: date
    kind: str
    officers: str
    findings: str
    operation: int | None
    """The joint operation, when the caller's agency takes part in it."""
    part_of_operation: bool


class ActionOut(Schema):
    id: int
    agency: str
    kind: str
    detail: str
    status: str
    started_on: date
    due_on: date | None
    closed_on: date | None


class PremisesDetail(PremisesItem):
    owner: PersonOut | None
    """Only when the intelligence rules let the caller see the person (``has_owner`` says there is one)."""
    manager: PersonOut | None
    visits: list[VisitOut]
    actions: list[ActionOut]
    targeted_by: list[int]
    """Joint operations the caller's agency takes part in that target the premises."""


class PremisesIn(Schema):
    """Known premises (``premises_id``) or a new address (``address``, ``postcode``, ``kind``)."""

    licence_status: str
    risk_level: str
    risk_reasons: str
    premises_id: int | None = None
    address: str = ""
    postcode: str = ""
    kind: str = ""
    name: str = ""
    area: str = ""
    licensing_authority: str = ""
    owner_id: str | None = None
    manager_id: str | None = None


class VisitIn(Schema):
    visited_on: date
    kind: str
    findings: str
    officers: str = ""
    operation: int | None = None


class ActionIn(Schema):
    kind: str
    started_on: date
    due_on: date | None = None
    detail: str = ""


class ActionUpdateIn(Schema):
    status: str
    closed_on: date | None = None


class ReviewIn(Schema):
    risk_level: str
    risk_reasons: str
    licence_status: str
    active: bool = True


def _premises_get(actor_user: Any, premises_id: int) -> ProblemPremises:
    pp = selectors.problem_premises_get(user=actor_user, premises_id=premises_id)
    if pp is None:
        raise HttpError(404, "Not found")
    return pp


def _visit_item(v: PremisesVisit, shown_operations: set[int]) -> dict[str, Any]:
    return {
        "id": v.pk,
        "agency": v.agency.code,
        "visited_on": v.visited_on,
        "kind": v.kind,
        "officers": v.officers,
        "findings": v.findings,
        "operation": v.operation_id if v.operation_id in shown_operations else None,
        "part_of_operation": v.operation_id is not None,
    }


def _action_item(a: PremisesAction) -> dict[str, Any]:
    return {
        "id": a.pk,
        "agency": a.agency.code,
        "kind": a.kind,
        "detail": a.detail,
        "status": a.status,
        "started_on": a.started_on,
        "due_on": a.due_on,
        "closed_on": a.closed_on,
    }


def _participating(user: Any, ids: Iterable[int | None]) -> set[int]:
    """Which of these operations the caller's agency takes part in (their names and links show only then)."""
    wanted = {i for i in ids if i is not None}
    return {op.pk for op in selectors.operations(user=user).filter(pk__in=wanted) if policies.participates(user, op)}


def _premises_detail(request: HttpRequest, pp: ProblemPremises) -> dict[str, Any]:
    """The premises with its visits and actions; the service logs the consultation (with the people shown)."""
    actor = actor_for(request)
    pp, people = services.problem_premises_consult(actor=actor, problem_premises=pp)
    visits = selectors.premises_visits(problem_premises=pp)
    targeting: list[int] = list(pp.operation_targets.values_list("operation_id", flat=True))
    shown = _participating(actor.user, [*(v.operation_id for v in visits), *targeting])

    def person(nominal_id: Any, role: str) -> dict[str, str] | None:
        name = people.get(role)
        return {"nominal_id": str(nominal_id), "name": name} if nominal_id and name else None

    return {
        **_premises_item(pp),
        "owner": person(pp.owner_id, "owner"),
        "manager": person(pp.manager_id, "manager"),
        "visits": [_visit_item(v, shown) for v in visits],
        "actions": [_action_item(a) for a in selectors.premises_actions(problem_premises=pp)],
        "targeted_by": sorted(i for i in set(targeting) if i in shown),
    }


def _nominal_or_404(user: Any, raw: str | None) -> Nominal | None:
    if not raw:
        return None
    nominal = intel_selectors.nominal_resolve(user=user, nominal_id=raw[:64])
    if nominal is None:
        raise HttpError(404, "Not found")
    return nominal


@router.get("/premises/{premises_id}", response=PremisesDetail)
def premises_detail(request: HttpRequest, premises_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    pp = _premises_get(actor.user, premises_id)
    with _service_errors():
        return _premises_detail(request, pp)


@router.post("/premises", response={201: PremisesDetail})
def premises_register(request: HttpRequest, payload: PremisesIn) -> Status[dict[str, Any]]:
    """Put premises on the register; premises, owner or manager the caller cannot see answer 404."""
    actor = actor_for(request)
    premises: Premises | None = None
    if payload.premises_id is not None:
        premises = Premises.objects.filter(pk=payload.premises_id).first()
        if premises is None:
            raise HttpError(404, "Not found")
    owner = _nominal_or_404(actor.user, payload.owner_id)
    manager = _nominal_or_404(actor.user, payload.manager_id)
    with _service_errors():
        pp = services.problem_premises_register(
            actor=actor,
            premises=premises,
            address=payload.address,
            postcode=payload.postcode[:20],
            kind=payload.kind[:40],
            name=payload.name,
            area=payload.area,
            owner=owner,
            manager=manager,
            licence_status=payload.licence_status[:40],
            licensing_authority=payload.licensing_authority,
            risk_level=payload.risk_level[:20],
            risk_reasons=payload.risk_reasons,
        )
        return Status(201, _premises_detail(request, pp))


@router.post("/premises/{premises_id}/visits", response={201: VisitOut})
def premises_visit_add(request: HttpRequest, premises_id: int, payload: VisitIn) -> Status[dict[str, Any]]:
    actor = actor_for(request)
    pp = _premises_get(actor.user, premises_id)
    operation: JointOperation | None = None
    if payload.operation is not None:
        operation = selectors.operation_get(user=actor.user, operation_id=payload.operation)
        if operation is None:
            raise HttpError(422, "operation: Choose an operation your agency is taking part in.")
    with _service_errors():
        visit = services.visit_record(
            actor=actor,
            problem_premises=pp,
            visited_on=payload.visited_on,
            kind=payload.kind[:40],
            findings=payload.findings,
            officers=payload.officers,
            operation=operation,
        )
    return Status(201, _visit_item(visit, {operation.pk} if operation is not None else set()))


@router.post("/premises/{premises_id}/actions", response={201: ActionOut})
def premises_action_add(request: HttpRequest, premises_id: int, payload: ActionIn) -> Status[dict[str, Any]]:
    actor = actor_for(request)
    pp = _premises_get(actor.user, premises_id)
    with _service_errors():
        action = services.action_record(
            actor=actor,
            problem_premises=pp,
            kind=payload.kind[:40],
            started_on=payload.started_on,
            due_on=payload.due_on,
            detail=payload.detail,
        )
    return Status(201, _action_item(action))


@router.post("/premises/{premises_id}/actions/{action_id}", response=ActionOut)
def premises_action_update(
    request: HttpRequest, premises_id: int, action_id: int, payload: ActionUpdateIn
) -> dict[str, Any]:
    """Complete or withdraw an action (the agency that took it)."""
    actor = actor_for(request)
    pp = _premises_get(actor.user, premises_id)
    action = PremisesAction.objects.filter(pk=action_id, problem_premises=pp).select_related("agency").first()
    if action is None:
        raise HttpError(404, "Not found")
    with _service_errors():
        action = services.action_update(
            actor=actor, action=action, status=payload.status[:20], closed_on=payload.closed_on
        )
    return _action_item(action)


@router.post("/premises/{premises_id}/review", response=PremisesItem)
def premises_review(request: HttpRequest, premises_id: int, payload: ReviewIn) -> dict[str, Any]:
    """Review the risk and licence position, or take the premises off the active list (the recording agency)."""
    actor = actor_for(request)
    pp = _premises_get(actor.user, premises_id)
    with _service_errors():
        pp = services.problem_premises_update(
            actor=actor,
            problem_premises=pp,
            risk_level=payload.risk_level[:20],
            risk_reasons=payload.risk_reasons,
            licence_status=payload.licence_status[:40],
            active=payload.active,
        )
    return _premises_item(pp)


# Disruptions -----------------------------------------------------------------------------------------------


class DisruptionItem(Schema):
    id: int
    agency: str
    ocg_id: int | None
    nominal_id: str | None
    tactic: str
    tactic_label: str
    tactic_type: str
    area: str
    impact: str
    rationale: str
    date: date
    recorded_by: str
    validated: bool
    validated_by: str | None
    validated_at: datetime | None
    menu: str


class DisruptionDetail(DisruptionItem):
    can_validate: bool
    validation_refusal: str | None
    """Why the caller may not validate it, when they may not."""


class DisruptionList(Schema):
    items: list[DisruptionItem]
    count: int


class DisruptionQuery(Schema):
    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")
    validated_only: bool = False


class CountsQuery(Schema):
    by: str = "theme"
    period: str = "month"
    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")


class DisruptionIn(Schema):
    """Against one OCG (``ocg_id``) or one nominal (``nominal_id``)."""

    ocg_id: int | None = None
    nominal_id: str | None = None
    tactic: str
    impact: str
    rationale: str = ""
    on: date = Field(..., alias="date")
    """When the tactic was used."""


class MenuArea(Schema):
    id: str
    label: str
    description: str


class MenuType(Schema):
    id: str
    label: str


class MenuTactic(Schema):
    id: str
    label: str
    area: str
    type: str
    hint: str
    foreign_national_only: bool


class MenuLevel(Schema):
    id: str
    label: str
    definition: str
    official: bool
    rationale_required: bool


class MenuOut(Schema):
    name: str
    version: str
    official: bool
    foreign_national: bool | None
    """The nominal's flag from the facts the caller may see (null: not recorded, or no nominal given)."""
    areas: list[MenuArea]
    types: list[MenuType]
    tactics: list[MenuTactic]
    """The tactics to offer, in order: immigration first for a foreign national; for anyone else, without the
    tactics that apply only to foreign nationals."""
    impact_levels: list[MenuLevel]


def _disruption_item(d: Disruption) -> dict[str, Any]:
    return {
        "id": d.pk,
        "agency": d.agency.code,
        "ocg_id": d.ocg_id,
        "nominal_id": str(d.nominal_id) if d.nominal_id else None,
        "tactic": d.tactic,
        "tactic_label": d.tactic_label,
        "tactic_type": d.tactic_type,
        "area": d.area,
        "impact": d.impact,
        "rationale": d.rationale,
        "date": d.date,
        "recorded_by": d.recorded_by.get_username(),
        "validated": d.validated_by_id is not None,
        "validated_by": d.validated_by.get_username() if d.validated_by is not None else None,
        "validated_at": timezone.localtime(d.validated_at) if d.validated_at else None,
        "menu": f"{d.menu_name} {d.menu_version}",
    }


def _disruption_detail(user: Any, d: Disruption) -> dict[str, Any]:
    return {
        **_disruption_item(d),
        "can_validate": policies.can_validate(user, d),
        "validation_refusal": policies.validation_refusal(user, d),
    }


def _consult_nominals(request: HttpRequest, shown: Iterable[Disruption], view: str) -> None:
    """Showing a disruption against a person is a consultation of that person's record (as on the web)."""
    rows = [d for d in shown if d.nominal_id]
    if not rows:
        return
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="nominal",
        object_ids=list(dict.fromkeys(str(d.nominal_id) for d in rows)),
        detail={"view": view, "disruptions": [d.pk for d in rows]},
    )


def _disruption_get(user: Any, disruption_id: int) -> Disruption:
    d = selectors.disruption_get(user=user, disruption_id=disruption_id)
    if d is None:
        raise HttpError(404, "Not found")
    return d


@router.get("/disruptions", response=DisruptionList)
def disruption_list(request: HttpRequest, page: Query[Page], q: Query[DisruptionQuery]) -> dict[str, Any]:
    """Disruptions the caller may see, newest first; ``from``/``to`` bound the date, ``validated_only`` too."""
    actor = actor_for(request)
    limit, offset = limits(page)
    qs = selectors.disruptions(user=actor.user, start=q.start, end=q.end, validated_only=q.validated_only)
    shown = list(qs[offset : offset + limit])
    _consult_nominals(request, shown, "api_disruptions")
    return {"items": [_disruption_item(d) for d in shown], "count": qs.count()}


@router.get("/disruptions/counts", response=list[dict[str, Any]])
def disruption_counts(request: HttpRequest, q: Query[CountsQuery]) -> list[dict[str, Any]]:
    """Validated disruptions the caller may see, counted per OCG, theme, agency or period, with the impact mix."""
    actor = actor_for(request)
    if q.by not in (*selectors.COUNT_BY, "period"):
        raise HttpError(422, f"by: choose {', '.join(selectors.COUNT_BY)} or period")
    if q.period not in engine.PERIODS:
        raise HttpError(422, f"period: choose {', '.join(engine.PERIODS)}")
    return selectors.counts(user=actor.user, start=q.start, end=q.end, period=q.period)[q.by]


@router.get("/disruptions/menu", response=MenuOut)
def disruption_menu(request: HttpRequest, nominal_id: str | None = None) -> dict[str, Any]:
    """The tactics menu and impact scale in force, so clients offer the same choices as the web form."""
    actor = actor_for(request)
    menu = selectors.menu()
    flag: bool | None = None
    if nominal_id:
        nominal = _nominal_or_404(actor.user, nominal_id)
        assert nominal is not None
        flag = selectors.foreign_national(user=actor.user, nominal=nominal)
        audit.record(
            actor=actor,
            operation=Operation.CONSULTATION,
            object_type="nominal",
            object_ids=[str(nominal.pk)],
            detail={"view": "api_disruption_menu", "foreign_national": flag},
        )
    return {
        "name": menu.name,
        "version": menu.version,
        "official": menu.official,
        "foreign_national": flag,
        "areas": [{"id": a.id, "label": a.label, "description": a.description} for a in menu.areas],
        "types": [{"id": t.id, "label": t.label} for t in menu.types],
        "tactics": [
            {
                "id": t.id,
                "label": t.label,
                "area": t.area,
                "type": t.type,
                "hint": t.hint,
                "foreign_national_only": t.foreign_national_only,
            }
            for t in engine.options_for(menu, foreign_national=bool(flag))
        ],
        "impact_levels": [
            {
                "id": lv.id,
                "label": lv.label,
                "definition": lv.definition,
                "official": lv.official,
                "rationale_required": lv.rationale_required,
            }
            for lv in menu.impact_levels
        ],
    }


@router.get("/disruptions/{disruption_id}", response=DisruptionDetail)
def disruption_detail(request: HttpRequest, disruption_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    d = _disruption_get(actor.user, disruption_id)
    _consult_nominals(request, [d], "api_disruption_detail")
    return _disruption_detail(actor.user, d)


@router.post("/disruptions", response={201: DisruptionDetail})
def disruption_record(request: HttpRequest, payload: DisruptionIn) -> Status[dict[str, Any]]:
    """Record a disruption against an OCG or a nominal the caller can see (one they cannot see answers 404)."""
    actor = actor_for(request)
    ocg: OCG | None = None
    if payload.ocg_id is not None:
        ocg = intel_selectors.ocg_get(user=actor.user, ocg_id=payload.ocg_id)
        if ocg is None:
            raise HttpError(404, "Not found")
    nominal = _nominal_or_404(actor.user, payload.nominal_id)
    with _service_errors():
        d = services.disruption_record(
            actor=actor,
            ocg=ocg,
            nominal=nominal,
            tactic=payload.tactic[:100],
            impact=payload.impact[:20],
            rationale=payload.rationale,
            on=payload.on,
        )
    return Status(201, _disruption_detail(actor.user, _disruption_get(actor.user, d.pk)))


@router.post("/disruptions/{disruption_id}/validate", response=DisruptionDetail)
def disruption_validate(request: HttpRequest, disruption_id: int) -> dict[str, Any]:
    """A second person (an analyst or coordinator of the recording agency, not the recorder) validates it."""
    actor = actor_for(request)
    d = _disruption_get(actor.user, disruption_id)
    with _service_errors():
        services.disruption_validate(actor=actor, disruption=d)
    return _disruption_detail(actor.user, _disruption_get(actor.user, d.pk))
