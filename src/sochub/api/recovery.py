"""API of asset recovery: the same selectors, services, policies and audit as its web pages.

Cash seizures of the caller's agency (list, detail, record, detention orders, cash forfeiture notices, close),
notice outcomes, account freezing orders (list, detail, record, account forfeiture notices, end), confiscation
orders (list, detail, record, payments, time to pay, default, compliance orders and their review or discharge),
the open deadlines, and totals by agency or region and period. A record of another agency answers 404; a refused
write answers 422 (rules, naming the field) or 403 (role). A frozen account shows only as the web shows it in
lists: the bank and the last four digits of the account number.
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
from sochub.recovery.models import (
    AccountFreezingOrder,
    CashSeizure,
    ComplianceOrder,
    ConfiscationOrder,
    NoticeKind,
    RecoveryNotice,
)

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
    outcome_on: date | None = None
    outcome_note: str = ""
    seizure: int | None = None
    freezing_order: int | None = None


class SeizureDetail(SeizureItem):
    place: str
    officer: str
    closed_reason: str
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


def _notice(n: RecoveryNotice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "given_on": n.given_on,
        "objection_deadline": n.objection_deadline,
        "amount": n.amount,
        "outcome": n.outcome,
        "outcome_on": n.outcome_on,
        "outcome_note": n.outcome_note,
        "seizure": n.seizure_id,
        "freezing_order": n.freezing_order_id,
    }


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
    """A service's refusal: 403 for the role, else 422 with each message after the field it is about."""
    if isinstance(exc, PermissionDenied):
        return HttpError(403, str(exc) or "Not allowed")
    if hasattr(exc, "error_dict"):
        return HttpError(422, "; ".join(f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs))
    return HttpError(422, "; ".join(exc.messages))


def _subjects(user: Any, nominal_id: str | None, ocg_id: int | None) -> tuple[Nominal | None, OCG | None]:
    """The nominal and OCG a record is to name, if the caller may see them (else 422, as the web form says)."""
    nominal: Nominal | None = None
    if nominal_id:
        nominal = intel_selectors.nominal_resolve(user=user, nominal_id=nominal_id[:64])
        if nominal is None:
            raise HttpError(422, "nominal: No nominal you can see has that id")
    ocg: OCG | None = None
    if ocg_id is not None:
        ocg = intel_selectors.ocg_get(user=user, ocg_id=ocg_id)
        if ocg is None:
            raise HttpError(422, "ocg: No OCG you can see has that id")
    return nominal, ocg


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
        "closed_reason": seizure.closed_reason,
        "nominal": str(seizure.nominal_id) if show_nominal else None,
        "ocg": seizure.ocg_id if policies.shows_ocg(actor.user, seizure.ocg) else None,
        "orders": [
            {"granted_on": o.granted_on, "months": o.months, "expires_on": o.expires_on, "court": o.court}
            for o in seizure.orders.all()
        ],
        "notices": [_notice(n) for n in seizure.notices.all()],
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
    nominal, ocg = _subjects(actor.user, payload.nominal, payload.ocg)
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


# Cash seizures: detention orders, cash forfeiture notices, closing ------------------------------------------


class DetentionOrderIn(Schema):
    granted_on: date
    months: int
    court: str = ""


class NoticeIn(Schema):
    given_on: date
    amount: Decimal | None = None
    """Required on an account forfeiture notice; optional on a cash forfeiture notice (all the cash)."""
    objection_days: int | None = None
    """The objection period the notice gives (none: the legal minimum)."""


class CloseIn(Schema):
    status: str
    reason: str = ""


class OutcomeIn(Schema):
    outcome: str
    decided_on: date
    note: str = ""


def _seizure(user: Any, seizure_id: int) -> CashSeizure:
    seizure = selectors.seizure_get(user=user, seizure_id=seizure_id)
    if seizure is None:
        raise HttpError(404, "Not found")
    return seizure


@router.post("/seizures/{seizure_id}/orders", response={201: SeizureDetail})
def seizure_order(request: HttpRequest, seizure_id: int, payload: DetentionOrderIn) -> Status[dict[str, Any]]:
    """Add a court's detention order; the answer gives the order's last day the engine computed."""
    actor = actor_for(request)
    seizure = _seizure(actor.user, seizure_id)
    try:
        services.detention_order_add(
            actor=actor, seizure=seizure, granted_on=payload.granted_on, months=payload.months, court=payload.court
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return Status(201, _detail(request, _seizure(actor.user, seizure.pk)))


@router.post("/seizures/{seizure_id}/notices", response={201: NoticeOut})
def seizure_notice(request: HttpRequest, seizure_id: int, payload: NoticeIn) -> Status[dict[str, Any]]:
    """Give a cash forfeiture notice (s297A); the answer gives the objection deadline."""
    actor = actor_for(request)
    seizure = _seizure(actor.user, seizure_id)
    try:
        notice = services.notice_give(
            actor=actor,
            kind=NoticeKind.ACFN,
            given_on=payload.given_on,
            seizure=seizure,
            amount=payload.amount,
            objection_days=payload.objection_days,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return Status(201, _notice(notice))


@router.post("/seizures/{seizure_id}/close", response=SeizureDetail)
def seizure_close(request: HttpRequest, seizure_id: int, payload: CloseIn) -> dict[str, Any]:
    """Close a seizure as released, forfeited or returned; its deadlines stop."""
    actor = actor_for(request)
    seizure = _seizure(actor.user, seizure_id)
    try:
        services.seizure_close(actor=actor, seizure=seizure, status=payload.status[:20], reason=payload.reason)
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return _detail(request, _seizure(actor.user, seizure.pk))


@router.post("/notices/{notice_id}/outcome", response=NoticeOut)
def notice_outcome(request: HttpRequest, notice_id: int, payload: OutcomeIn) -> dict[str, Any]:
    """What became of a forfeiture notice; forfeiture ends the seizure or freezing order."""
    actor = actor_for(request)
    notice = selectors.notice_get(user=actor.user, notice_id=notice_id)
    if notice is None:
        raise HttpError(404, "Not found")
    try:
        notice = services.notice_outcome_record(
            actor=actor, notice=notice, outcome=payload.outcome[:20], decided_on=payload.decided_on, note=payload.note
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return _notice(notice)


# Account freezing orders ------------------------------------------------------------------------------------


class FreezingOrderItem(Schema):
    id: int
    agency: str
    account: str
    """The bank and the last four digits of the account number, as the web lists it."""
    bank: str
    account_ending: str
    amount: Decimal
    made_on: date
    months: int
    expires_on: date
    status: str
    source_rule: str


class FreezingOrderList(Schema):
    items: list[FreezingOrderItem]
    count: int


class FreezingOrderDetail(FreezingOrderItem):
    court: str
    ended_on: date | None
    forfeited_amount: Decimal | None
    notes: str
    nominal: str | None
    ocg: int | None
    notices: list[NoticeOut]


class FreezingOrderIn(Schema):
    bank: str
    sort_code: str
    """Kept (six digits) but never shown back by the API."""
    account_ending: str
    """The last four digits of the account number: never send the whole number."""
    amount: Decimal
    made_on: date
    months: int
    court: str = ""
    nominal: str | None = None
    ocg: int | None = None


class FreezingOrderEndIn(Schema):
    status: str
    ended_on: date
    reason: str = ""


def _afo_item(o: AccountFreezingOrder) -> dict[str, Any]:
    return {
        "id": o.pk,
        "agency": o.agency.code,
        "account": o.account_label,
        "bank": o.bank,
        "account_ending": o.account_ending,
        "amount": o.amount,
        "made_on": o.made_on,
        "months": o.months,
        "expires_on": o.expires_on,
        "status": o.status,
        "source_rule": o.source_rule,
    }


def _afo(user: Any, order_id: int) -> AccountFreezingOrder:
    order = selectors.freezing_order_get(user=user, order_id=order_id)
    if order is None:
        raise HttpError(404, "Not found")
    return order


def _afo_detail(request: HttpRequest, order: AccountFreezingOrder) -> dict[str, Any]:
    actor = actor_for(request)
    show_nominal = policies.shows_nominal(actor.user, order.nominal)
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="account_freezing_order",
        object_ids=[order.pk] + ([str(order.nominal_id)] if show_nominal else []),
        detail={"view": "api_freezing_order"},
    )
    return {
        **_afo_item(order),
        "court": order.court,
        "ended_on": order.ended_on,
        "forfeited_amount": order.forfeited_amount,
        "notes": order.notes,
        "nominal": str(order.nominal_id) if show_nominal else None,
        "ocg": order.ocg_id if policies.shows_ocg(actor.user, order.ocg) else None,
        "notices": [_notice(n) for n in order.notices.all()],
    }


@router.get("/freezing-orders", response=FreezingOrderList)
def freezing_order_list(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """Account freezing orders of the caller's agency, newest first."""
    actor = actor_for(request)
    limit, offset = limits(page)
    qs = selectors.freezing_orders(user=actor.user)
    shown = list(qs[offset : offset + limit])
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="account_freezing_order",
        object_ids=[o.pk for o in shown],
        detail={"view": "api_freezing_order_list"},
    )
    return {"items": [_afo_item(o) for o in shown], "count": qs.count()}


@router.get("/freezing-orders/{order_id}", response=FreezingOrderDetail)
def freezing_order_detail(request: HttpRequest, order_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    return _afo_detail(request, _afo(actor.user, order_id))


@router.post("/freezing-orders", response={201: FreezingOrderDetail})
def freezing_order_create(request: HttpRequest, payload: FreezingOrderIn) -> Status[dict[str, Any]]:
    """Record an account freezing order (s303Z1); the answer gives its last day the engine computed."""
    actor = actor_for(request)
    nominal, ocg = _subjects(actor.user, payload.nominal, payload.ocg)
    try:
        order = services.freezing_order_record(
            actor=actor,
            bank=payload.bank,
            sort_code=payload.sort_code[:20],
            account_ending=payload.account_ending[:20],
            amount=payload.amount,
            made_on=payload.made_on,
            months=payload.months,
            court=payload.court,
            nominal=nominal,
            ocg=ocg,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return Status(201, _afo_detail(request, _afo(actor.user, order.pk)))


@router.post("/freezing-orders/{order_id}/notices", response={201: NoticeOut})
def freezing_order_notice(request: HttpRequest, order_id: int, payload: NoticeIn) -> Status[dict[str, Any]]:
    """Give an account forfeiture notice (s303Z9) stating the amount; the answer gives the objection deadline."""
    actor = actor_for(request)
    order = _afo(actor.user, order_id)
    try:
        notice = services.notice_give(
            actor=actor,
            kind=NoticeKind.AFN,
            given_on=payload.given_on,
            freezing_order=order,
            amount=payload.amount,
            objection_days=payload.objection_days,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return Status(201, _notice(notice))


@router.post("/freezing-orders/{order_id}/end", response=FreezingOrderDetail)
def freezing_order_end(request: HttpRequest, order_id: int, payload: FreezingOrderEndIn) -> dict[str, Any]:
    """End an order: lapsed, set aside, or forfeited by the court in full."""
    actor = actor_for(request)
    order = _afo(actor.user, order_id)
    try:
        services.freezing_order_end(
            actor=actor, order=order, status=payload.status[:20], ended_on=payload.ended_on, reason=payload.reason
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return _afo_detail(request, _afo(actor.user, order.pk))


# Confiscation orders ----------------------------------------------------------------------------------------


class ConfiscationItem(Schema):
    id: int
    agency: str
    court: str
    made_on: date
    amount: Decimal
    paid: Decimal
    time_to_pay_months: int
    extended: bool
    due_on: date
    status: str
    source_rule: str


class ConfiscationList(Schema):
    items: list[ConfiscationItem]
    count: int


class PaymentOut(Schema):
    id: int
    paid_on: date
    amount: Decimal
    note: str


class ComplianceOut(Schema):
    id: int
    kind: str
    kind_label: str
    made_on: date
    terms: str
    review_on: date | None
    discharged_on: date | None


class ConfiscationDetail(ConfiscationItem):
    nominal: str | None
    benefit: Decimal | None
    available_amount: Decimal | None
    owed: Decimal
    overdue: bool
    default_note: str
    payments: list[PaymentOut]
    compliance_orders: list[ComplianceOut]


class ConfiscationIn(Schema):
    nominal: str
    court: str
    made_on: date
    amount: Decimal
    time_to_pay_months: int = 0
    benefit: Decimal | None = None
    available_amount: Decimal | None = None


class PaymentIn(Schema):
    amount: Decimal
    paid_on: date
    note: str = ""


class ExtendIn(Schema):
    months: int
    """The time to pay in all, in months from the order."""


class DefaultIn(Schema):
    default_note: str


class ComplianceIn(Schema):
    kind: str
    made_on: date
    terms: str
    review_on: date


class ComplianceReviewIn(Schema):
    """After a review: the next review date, or the day the court discharged the order."""

    next_review_on: date | None = None
    discharged_on: date | None = None


PENNY = Decimal("0.01")


def _confiscation_item(o: ConfiscationOrder, paid: Decimal) -> dict[str, Any]:
    """The order with what has been paid so far (in pounds and pence, whatever the database's sum gives)."""
    paid = paid.quantize(PENNY)
    return {
        "id": o.pk,
        "agency": o.agency.code,
        "court": o.court,
        "made_on": o.made_on,
        "amount": o.amount,
        "paid": paid,
        "time_to_pay_months": o.time_to_pay_months,
        "extended": o.extended,
        "due_on": o.due_on,
        "status": o.status,
        "source_rule": o.source_rule,
    }


def _confiscation(user: Any, order_id: int) -> ConfiscationOrder:
    order = selectors.confiscation_get(user=user, order_id=order_id)
    if order is None:
        raise HttpError(404, "Not found")
    return order


def _compliance(c: ComplianceOrder, label: str | None) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "kind_label": label or c.kind,
        "made_on": c.made_on,
        "terms": c.terms,
        "review_on": c.review_on,
        "discharged_on": c.discharged_on,
    }


def _confiscation_detail(request: HttpRequest, order: ConfiscationOrder) -> dict[str, Any]:
    actor = actor_for(request)
    show_nominal = policies.shows_nominal(actor.user, order.nominal)
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="confiscation_order",
        object_ids=[order.pk] + ([str(order.nominal_id)] if show_nominal else []),
        detail={"view": "api_confiscation_order"},
    )
    paid = selectors.amount_paid(order)
    kinds = selectors.rules().compliance_order
    return {
        **_confiscation_item(order, paid),
        "nominal": str(order.nominal_id) if show_nominal else None,
        "benefit": order.benefit,
        "available_amount": order.available_amount,
        "owed": (order.amount - paid).quantize(PENNY),
        "overdue": order.status == "outstanding" and timezone.localdate() > order.due_on,
        "default_note": order.default_note,
        "payments": [
            {"id": p.pk, "paid_on": p.paid_on, "amount": p.amount, "note": p.note} for p in order.payments.all()
        ],
        "compliance_orders": [_compliance(c, kinds.kind_label(c.kind)) for c in order.compliance_orders.all()],
    }


@router.get("/confiscations", response=ConfiscationList)
def confiscation_list(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """Confiscation orders of the caller's agency, newest first, with what has been paid (no person named)."""
    actor = actor_for(request)
    limit, offset = limits(page)
    qs = selectors.confiscations(user=actor.user)
    shown = list(qs[offset : offset + limit])
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="confiscation_order",
        object_ids=[o.pk for o in shown],
        detail={"view": "api_confiscation_list"},
    )
    items = [_confiscation_item(o, Decimal(o.paid or 0)) for o in shown]  # type: ignore[attr-defined]
    return {"items": items, "count": qs.count()}


@router.get("/confiscations/{order_id}", response=ConfiscationDetail)
def confiscation_detail(request: HttpRequest, order_id: int) -> dict[str, Any]:
    actor = actor_for(request)
    return _confiscation_detail(request, _confiscation(actor.user, order_id))


@router.post("/confiscations", response={201: ConfiscationDetail})
def confiscation_create(request: HttpRequest, payload: ConfiscationIn) -> Status[dict[str, Any]]:
    """Record a confiscation order against a person the caller may see; the answer gives the last day to pay."""
    actor = actor_for(request)
    nominal, _ = _subjects(actor.user, payload.nominal, None)
    if nominal is None:
        raise HttpError(422, "nominal: Enter the id of the nominal the order was made against")
    try:
        order = services.confiscation_record(
            actor=actor,
            nominal=nominal,
            court=payload.court,
            made_on=payload.made_on,
            amount=payload.amount,
            time_to_pay_months=payload.time_to_pay_months,
            benefit=payload.benefit,
            available_amount=payload.available_amount,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return Status(201, _confiscation_detail(request, _confiscation(actor.user, order.pk)))


@router.post("/confiscations/{order_id}/payments", response={201: ConfiscationDetail})
def confiscation_payment(request: HttpRequest, order_id: int, payload: PaymentIn) -> Status[dict[str, Any]]:
    """Record a payment; once the whole amount is paid the order is paid."""
    actor = actor_for(request)
    order = _confiscation(actor.user, order_id)
    try:
        services.confiscation_payment_add(
            actor=actor, order=order, amount=payload.amount, paid_on=payload.paid_on, note=payload.note
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return Status(201, _confiscation_detail(request, _confiscation(actor.user, order.pk)))


@router.post("/confiscations/{order_id}/extend", response=ConfiscationDetail)
def confiscation_extend(request: HttpRequest, order_id: int, payload: ExtendIn) -> dict[str, Any]:
    """Extend the time to pay (to ``months`` in all); the engine refuses beyond the maximum."""
    actor = actor_for(request)
    order = _confiscation(actor.user, order_id)
    try:
        services.confiscation_extend(actor=actor, order=order, months=payload.months)
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return _confiscation_detail(request, _confiscation(actor.user, order.pk))


@router.post("/confiscations/{order_id}/default", response=ConfiscationDetail)
def confiscation_default(request: HttpRequest, order_id: int, payload: DefaultIn) -> dict[str, Any]:
    """Mark the order in default once its time to pay has run out unpaid, with the default sentence."""
    actor = actor_for(request)
    order = _confiscation(actor.user, order_id)
    try:
        services.confiscation_default(actor=actor, order=order, note=payload.default_note)
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return _confiscation_detail(request, _confiscation(actor.user, order.pk))


@router.post("/confiscations/{order_id}/compliance-orders", response={201: ComplianceOut})
def compliance_add(request: HttpRequest, order_id: int, payload: ComplianceIn) -> Status[dict[str, Any]]:
    """Record a compliance order (s13A) of a kind the rules list, with its review date."""
    actor = actor_for(request)
    order = _confiscation(actor.user, order_id)
    try:
        compliance = services.compliance_order_add(
            actor=actor,
            confiscation=order,
            kind=payload.kind[:40],
            made_on=payload.made_on,
            terms=payload.terms,
            review_on=payload.review_on,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return Status(201, _compliance(compliance, selectors.rules().compliance_order.kind_label(compliance.kind)))


@router.post("/confiscations/{order_id}/compliance-orders/{compliance_id}/review", response=ComplianceOut)
def compliance_review(
    request: HttpRequest, order_id: int, compliance_id: int, payload: ComplianceReviewIn
) -> dict[str, Any]:
    """Set the next review date, or (with ``discharged_on``) record the court's discharge of the order."""
    actor = actor_for(request)
    order = _confiscation(actor.user, order_id)
    compliance = order.compliance_orders.select_related("confiscation").filter(pk=compliance_id).first()
    if compliance is None:
        raise HttpError(404, "Not found")
    try:
        compliance = services.compliance_order_review(
            actor=actor,
            order=compliance,
            next_review_on=payload.next_review_on,
            discharged_on=payload.discharged_on,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    return _compliance(compliance, selectors.rules().compliance_order.kind_label(compliance.kind))
