"""API of asset recovery: the same selectors, policies and audit as its web pages.

Cash seizures of the caller's agency (list, detail, record), the open deadlines, and totals by agency or region
and period. A seizure of another agency answers 404; a refused write answers 422 (rules) or 403 (role).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, Nominal
from sochub.recovery import policies, selectors, services
from sochub.recovery.models import CashSeizure

from .common import Page, actor_for, limits

router = Router(tags=["asset recovery"])


class SeizureItem(Schema):
    id: int
    agency: str
    amount: Decimal
    seized_at: datetime
    nation: str
    status: str
    initial_detention_ends: datetime
    source_rule: str


class SeizureList(Schema):
    items: list[SeizureItem]
    count: int


class DetentionOrderOut(Schema):
    granted_on: date
    months: int
    expires_on: date
    court: str


class NoticeOut(Schema):
    id: int
    kind: str
    given_on: date
    objection_deadline: date
    amount: Decimal | None
    outcome: str


class SeizureDetail(SeizureItem):
    place: str
    officer: str
    nominal: str | None
    ocg: int | None
    orders: list[DetentionOrderOut]
    notices: list[NoticeOut]


class SeizureIn(Schema):
    amount: Decimal
    seized_at: datetime
    """Local (UK) time when no offset is given."""
    nation: str = "england-wales"
    place: str = ""
    officer: str = ""
    nominal: str | None = None
    ocg: int | None = None


class DeadlineOut(Schema):
    kind: str
    label: str
    due: datetime
    """When it passes (for an all-day deadline, midnight at the end of ``due_day``)."""
    due_day: date
    all_day: bool
    level: str
    source_rule: str
    record_type: str
    record_id: int | None
    notice_id: int | None
    agency: str


class TotalsQuery(Schema):
    period: str = "month"
    group: str = "agency"
    start: date | None = None
    end: date | None = None


def _item(s: CashSeizure) -> dict[str, Any]:
    return {
        "id": s.pk,
        "agency": s.agency.code,
        "amount": s.amount,
        "seized_at": timezone.localtime(s.seized_at),
        "nation": s.nation,
        "status": s.status,
        "initial_detention_ends": timezone.localtime(s.initial_detention_ends),
        "source_rule": s.source_rule,
    }


def _refused(exc: ValidationError | PermissionDenied) -> HttpError:
    if isinstance(exc, PermissionDenied):
        return HttpError(403, str(exc) or "Not allowed")
    return HttpError(422, "; ".join(exc.messages))


@router.get("/seizures", response=SeizureList)
def seizure_list(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """Cash seizures of the caller's agency, newest first."""
    actor = actor_for(request)
    limit, offset = limits(page)
    qs = selectors.seizures(user=actor.user)
    shown = list(qs[offset : offset + limit])
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="cash_seizure",
        object_ids=[s.pk for s in shown],
        detail={"view": "api_seizure_list"},
    )
    return {"items": [_item(s) for s in shown], "count": qs.count()}


def _detail(request: HttpRequest, seizure: CashSeizure) -> dict[str, Any]:
    actor = actor_for(request)
    show_nominal = policies.shows_nominal(actor.user, seizure.nominal)
    ids: list[Any] = [seizure.pk] + ([str(seizure.nominal_id)] if show_nominal else [])
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="cash_seizure",
        object_ids=ids,
        detail={"view": "api_seizure"},
    )
    return {
        **_item(seizure),
        "place": seizure.place,
        "officer": seizure.officer,
        "nominal": str(seizure.nominal_id) if show_nominal else None,
        "ocg": seizure.ocg_id if policies.shows_ocg(actor.user, seizure.ocg) else None,
        "orders": [
            {"granted_on": o.granted_on, "months": o.months, "expires_on": o.expires_on, "court": o.court}
            for o in seizure.orders.all()
        ],
        "notices": [
            {
                "id": n.pk,
                "kind": n.kind,
                "given_on": n.given_on,
                "objection_deadline": n.objection_deadline,
                "amount": n.amount,
                "outcome": n.outcome,
            }
            for n in seizure.notices.all()
        ],
    }


@router.get("/seizures/{seizure_id}", response=SeizureDetail)
def seizure_detail(request: HttpRequest, seizure_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    seizure = selectors.seizure_get(user=actor.user, seizure_id=seizure_id)
    if seizure is None:
        raise HttpError(404, "Not found")
    return _detail(request, seizure)


@router.post("/seizures", response={201: SeizureDetail})
def seizure_create(request: HttpRequest, payload: SeizureIn) -> Status[dict[str, Any]]:
    """Record a cash seizure; the answer gives the end of initial detention the engine computed."""
    actor = actor_for(request)
    nominal: Nominal | None = None
    if payload.nominal:
        nominal = intel_selectors.nominal_resolve(user=actor.user, nominal_id=payload.nominal[:64])
        if nominal is None:
            raise HttpError(422, "No nominal you can see has that id")
    ocg: OCG | None = None
    if payload.ocg is not None:
        ocg = intel_selectors.ocg_get(user=actor.user, ocg_id=payload.ocg)
        if ocg is None:
            raise HttpError(422, "No OCG you can see has that id")
    try:
        seizure = services.seizure_record(
            actor=actor,
            amount=payload.amount,
            seized_at=payload.seized_at,
            nation=payload.nation[:20],
            place=payload.place,
            officer=payload.officer,
            nominal=nominal,
            ocg=ocg,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    found = selectors.seizure_get(user=actor.user, seizure_id=seizure.pk)
    assert found is not None
    return Status(201, _detail(request, found))


@router.get("/deadlines", response=list[DeadlineOut])
def deadlines(request: HttpRequest) -> list[dict[str, Any]]:
    """Open deadlines of the caller's agency, soonest first, with "overdue" or "due soon"."""
    actor = actor_for(request)
    rows = selectors.deadlines(user=actor.user)
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="recovery_deadlines",
        object_ids=sorted({f"{r.record_type}:{r.record_id}" for r in rows}),
    )
    return [
        {
            "kind": r.deadline.kind,
            "label": r.deadline.label,
            "due": r.due,
            "due_day": r.due_day,
            "all_day": r.all_day,
            "level": r.level,
            "source_rule": r.deadline.source_rule,
            "record_type": r.record_type,
            "record_id": r.record_id,
            "notice_id": r.notice.pk if r.notice else None,
            "agency": r.agency.code if r.agency else "",
        }
        for r in rows
    ]


@router.get("/totals", response=list[dict[str, Any]])
def totals(request: HttpRequest, q: Query[TotalsQuery]) -> list[dict[str, Any]]:
    """Amounts seized, forfeited, frozen, ordered and paid by agency (or region) and period (month, quarter,
    year), for the caller's agency and, for a GAIN coordinator, their region's agencies."""
    actor = actor_for(request)
    if q.period not in selectors.PERIODS or q.group not in selectors.GROUPS:
        raise HttpError(422, "period must be month, quarter or year and group agency or region")
    rows = services.totals_export(actor=actor, period=q.period, group=q.group, start=q.start, end=q.end)
    return [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in rows]
