"""API of operations: the same selectors, policies and audit as its web pages.

Joint operations (list, detail, record an outcome) and the problem premises register (list, this month's
coordination list). An operation the caller's agency takes no part in (and does not coordinate) answers 404.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.intel.services import NotFound
from sochub.operations import selectors, services
from sochub.operations.models import JointOperation, OperationOutcome, OperationStatus, ProblemPremises
from sochub.partners.models import Region

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


@router.get("/joint/{operation_id}", response=OperationDetail)
def operation_detail(request: HttpRequest, operation_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    r = services.operation_consult(actor=actor, operation=op, view="api_operation_detail")
    return {
        **_operation_item(op),
        "objective": op.objective,
        "targets": [
            {
                "id": t.target.pk,
                "kind": t.target.kind,
                "label": t.label,
                "visible": t.visible,
                "nominal_id": t.nominal_id,
                "ocg_id": t.ocg_id,
                "problem_premises_id": t.problem_premises_id,
                "added_by": t.target.agency.code,
            }
            for t in r.targets
        ],
        "tasks": [
            {
                "id": t.pk,
                "agency": t.agency.code,
                "description": t.description,
                "assigned_to": t.assigned_to,
                "status": t.status,
                "due": t.due,
            }
            for t in r.tasks
        ],
        "outcomes": [_outcome_item(o) for o in r.outcomes],
        "outcome_totals": r.totals,
    }


@router.post("/joint/{operation_id}/outcomes", response={201: OutcomeItem})
def outcome_add(request: HttpRequest, operation_id: int, payload: OutcomeIn) -> Status[dict[str, Any]]:
    actor = actor_for(request)
    op = _get(actor.user, operation_id)
    target = None
    if payload.target is not None:
        target = op.targets.filter(pk=payload.target).first()
        if target is None:
            raise HttpError(422, "target: choose a target of this operation")
    try:
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
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise _invalid(exc) from exc
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
