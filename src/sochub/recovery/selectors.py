"""Reads of asset recovery records, filtered by the policies; the deadlines of the dashboard and of a GAIN
region, and totals by agency, region and period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from sochub.engine import recovery as engine
from sochub.partners.models import Agency, Region, User

from . import policies
from .models import (
    AccountFreezingOrder,
    CashSeizure,
    ComplianceOrder,
    ConfiscationOrder,
    ConfiscationStatus,
    FreezingOrderStatus,
    NoticeKind,
    NoticeOutcome,
    RecoveryNotice,
    SeizureStatus,
)

WARN_WITHIN = timedelta(days=7)
"""A deadline passing within this time is "due soon"."""

MEASURES: dict[str, str] = {
    "seized": "Cash seized",
    "forfeited": "Forfeited",
    "frozen": "Frozen in accounts",
    "confiscation_ordered": "Confiscation ordered",
    "confiscation_paid": "Confiscation paid",
}
"""What the totals add up, with the heading each has."""

GROUPS = ("agency", "region")
PERIODS = engine.PERIODS


def rules() -> engine.Rules:
    return engine.load_rules()


# Single records ---------------------------------------------------------------------------------------


def seizure_get(*, user: User, seizure_id: int) -> CashSeizure | None:
    return policies.visible_seizures(user).select_related("agency", "nominal", "ocg").filter(pk=seizure_id).first()


def freezing_order_get(*, user: User, order_id: int) -> AccountFreezingOrder | None:
    qs = policies.visible_freezing_orders(user).select_related("agency", "nominal", "ocg")
    return qs.filter(pk=order_id).first()


def confiscation_get(*, user: User, order_id: int) -> ConfiscationOrder | None:
    return policies.visible_confiscations(user).select_related("agency", "nominal").filter(pk=order_id).first()


def notice_get(*, user: User, notice_id: int) -> RecoveryNotice | None:
    qs = policies.visible_notices(user).select_related("seizure", "freezing_order", "agency")
    return qs.filter(pk=notice_id).first()


def seizures(*, user: User) -> QuerySet[CashSeizure]:
    return policies.visible_seizures(user).select_related("agency")


def freezing_orders(*, user: User) -> QuerySet[AccountFreezingOrder]:
    return policies.visible_freezing_orders(user).select_related("agency")


def confiscations(*, user: User) -> QuerySet[ConfiscationOrder]:
    return policies.visible_confiscations(user).select_related("agency").annotate(paid=Sum("payments__amount"))


def amount_paid(order: ConfiscationOrder) -> Decimal:
    """What has been paid towards a confiscation order so far."""
    total = order.payments.aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0)


# Deadlines --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    """One open deadline: what runs out, when (local time), its alert, and the record it belongs to.

    ``own`` says whether the user's agency holds the record (and so may open it: ``url_name`` with
    ``record_id``); a GAIN coordinator sees other agencies' rows with ``own`` False. ``summary`` names the record
    without the person it is about.
    """

    deadline: engine.Deadline
    due: datetime
    """When it passes, in local time."""
    level: str
    """"overdue", "due soon" or ""."""
    seizure: CashSeizure | None = None
    notice: RecoveryNotice | None = None
    freezing_order: AccountFreezingOrder | None = None
    confiscation: ConfiscationOrder | None = None
    compliance_order: ComplianceOrder | None = None
    agency: Agency | None = None
    own: bool = True

    @property
    def record_type(self) -> str:
        if self.seizure is not None:
            return "seizure"
        if self.freezing_order is not None:
            return "freezing_order"
        return "confiscation"

    @property
    def record(self) -> CashSeizure | AccountFreezingOrder | ConfiscationOrder | None:
        return self.seizure or self.freezing_order or self.confiscation

    @property
    def record_id(self) -> int | None:
        record = self.record
        return record.pk if record is not None else None

    @property
    def url_name(self) -> str:
        """The web route of the record (``web:...``), taking ``record_id``."""
        return {
            "seizure": "web:recovery_seizure",
            "freezing_order": "web:recovery_afo",
            "confiscation": "web:recovery_confiscation",
        }[self.record_type]

    @property
    def summary(self) -> str:
        record = self.record
        if record is None:
            return ""
        name = {
            "seizure": "Cash seizure",
            "freezing_order": "Account freezing order",
            "confiscation": "Confiscation order",
        }[self.record_type]
        return f"{name} {record.pk} (£{record.amount:,.2f})"

    @property
    def all_day(self) -> bool:
        """The deadline is the end of a day rather than a moment."""
        return not isinstance(self.deadline.due, datetime)

    @property
    def due_day(self) -> date:
        """The day the deadline falls on (for an all-day deadline, that day, not the midnight after it)."""
        due = self.deadline.due
        return due if not isinstance(due, datetime) else timezone.localtime(due).date()


def _case_deadlines(seizure: CashSeizure, r: engine.Rules) -> list[engine.Deadline]:
    orders = [(o.granted_on, o.expires_on) for o in seizure.orders.all()]
    case: dict[str, Any] = {"nation": seizure.nation, "detention_orders": orders}
    if not orders:  # once an order is made, initial detention no longer runs out
        case["seized_at"] = timezone.localtime(seizure.seized_at)
    return engine.deadlines_for(case, r)


@dataclass
class _Found:
    deadline: engine.Deadline
    parts: dict[str, Any] = field(default_factory=dict)


def _collect(agency_ids: Iterable[int], r: engine.Rules) -> list[_Found]:
    """The open deadlines of the records of ``agency_ids`` (already decided by a policy)."""
    ids = list(agency_ids)
    found: list[_Found] = []
    detained = CashSeizure.objects.filter(agency_id__in=ids, status=SeizureStatus.DETAINED)
    for seizure in detained.select_related("agency").prefetch_related("orders"):
        found += [_Found(d, {"seizure": seizure}) for d in _case_deadlines(seizure, r)]
    notices = RecoveryNotice.objects.filter(agency_id__in=ids, outcome=NoticeOutcome.PENDING).select_related(
        "seizure", "freezing_order"
    )
    for notice in notices:
        if notice.kind == NoticeKind.ACFN and (notice.seizure is None or notice.seizure.status != "detained"):
            continue
        if notice.kind == NoticeKind.AFN and (
            notice.freezing_order is None or notice.freezing_order.status != FreezingOrderStatus.IN_FORCE
        ):
            continue
        case = {f"{notice.kind}_given_on": notice.given_on, f"{notice.kind}_objection_days": notice.objection_days}
        parts: dict[str, Any] = {"notice": notice, "seizure": notice.seizure, "freezing_order": notice.freezing_order}
        found += [_Found(d, parts) for d in engine.deadlines_for(case, r)]
    afos = AccountFreezingOrder.objects.filter(agency_id__in=ids, status=FreezingOrderStatus.IN_FORCE)
    for afo in afos:
        case = {"afo_made_on": afo.made_on, "afo_months": afo.months}
        found += [_Found(d, {"freezing_order": afo}) for d in engine.deadlines_for(case, r)]
    outstanding = ConfiscationOrder.objects.filter(agency_id__in=ids, status=ConfiscationStatus.OUTSTANDING)
    for order in outstanding:
        case = {
            "confiscation_made_on": order.made_on,
            "time_to_pay_months": order.time_to_pay_months,
            "time_to_pay_extended": order.extended,
        }
        found += [_Found(d, {"confiscation": order}) for d in engine.deadlines_for(case, r)]
    reviews = (
        ComplianceOrder.objects.filter(
            confiscation__agency_id__in=ids, discharged_on__isnull=True, review_on__isnull=False
        )
        .exclude(confiscation__status=ConfiscationStatus.PAID)
        .select_related("confiscation")
    )
    for compliance in reviews:
        label = r.compliance_order.kind_label(compliance.kind) or compliance.kind
        assert compliance.review_on is not None
        case = {"compliance_reviews": [(label, compliance.review_on)]}
        parts = {"compliance_order": compliance, "confiscation": compliance.confiscation}
        found += [_Found(d, parts) for d in engine.deadlines_for(case, r)]
    return found


def _rows(found: list[_Found], user: User, now: datetime) -> list[DeadlineRow]:
    zone = now.tzinfo
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=_agency_ids_of(found))}
    rows = []
    for item in found:
        level = engine.alerts([item.deadline], now, WARN_WITHIN)
        record = item.parts.get("seizure") or item.parts.get("freezing_order") or item.parts.get("confiscation")
        agency_id = record.agency_id if record is not None else None
        rows.append(
            DeadlineRow(
                item.deadline,
                timezone.localtime(item.deadline.moment(zone)),
                level[0].level if level else "",
                agency=agencies.get(agency_id) if agency_id is not None else None,
                own=agency_id is not None and agency_id == user.agency_id,
                **{k: v for k, v in item.parts.items() if v is not None},
            )
        )
    return sorted(rows, key=lambda row: (row.due, row.record_type, row.record_id or 0))


def _agency_ids_of(found: list[_Found]) -> set[int]:
    out: set[int] = set()
    for item in found:
        record = item.parts.get("seizure") or item.parts.get("freezing_order") or item.parts.get("confiscation")
        if record is not None:
            out.add(record.agency_id)
    return out


def _now(now: datetime | None) -> datetime:
    return timezone.localtime(now or timezone.now())


def deadlines(*, user: User, now: datetime | None = None) -> list[DeadlineRow]:
    """The open deadlines of the user's agency (detained cash, pending notices, freezing orders in force,
    confiscation orders to be paid, compliance orders to review), soonest first, with alerts."""
    agency_ids = [user.agency_id] if user.works_with_intel and user.agency_id is not None else []
    return _rows(_collect(agency_ids, rules()), user, _now(now))


# Totals -----------------------------------------------------------------------------------------------


def _measure_rows(agency_ids: Iterable[int], start: date | None, end: date | None) -> list[dict[str, Any]]:
    """One row per amount (seized, forfeited, frozen, ordered, paid) of the agencies, with its agency, region
    and the day it counts on."""
    ids = list(agency_ids)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids).select_related("region")}

    def row(agency_id: int, measure: str, amount: Decimal, day: date) -> dict[str, Any]:
        agency = agencies[agency_id]
        region = agency.region.name if agency.region else "No region"
        return {"agency": agency.name, "region": region, "measure": measure, "amount": amount, "date": day}

    rows: list[dict[str, Any]] = []
    for s in CashSeizure.objects.filter(agency_id__in=ids):
        rows.append(row(s.agency_id, "seized", s.amount, timezone.localtime(s.seized_at).date()))
        if s.status == SeizureStatus.FORFEITED and s.closed_at is not None:
            rows.append(row(s.agency_id, "forfeited", s.amount, timezone.localtime(s.closed_at).date()))
    for o in AccountFreezingOrder.objects.filter(agency_id__in=ids):
        rows.append(row(o.agency_id, "frozen", o.amount, o.made_on))
        if o.status == FreezingOrderStatus.FORFEITED and o.ended_on is not None:
            rows.append(row(o.agency_id, "forfeited", o.forfeited_amount or o.amount, o.ended_on))
    for c in ConfiscationOrder.objects.filter(agency_id__in=ids).prefetch_related("payments"):
        rows.append(row(c.agency_id, "confiscation_ordered", c.amount, c.made_on))
        rows += [row(c.agency_id, "confiscation_paid", p.amount, p.paid_on) for p in c.payments.all()]
    return [r for r in rows if (start is None or r["date"] >= start) and (end is None or r["date"] <= end)]


def totals_table(
    *,
    user: User,
    period: str = "month",
    group: str = "agency",
    start: date | None = None,
    end: date | None = None,
) -> list[dict[str, Any]]:
    """Totals of each measure by agency (with its region) or by region, and by month, quarter or year, for the
    agencies whose totals the user sees (their own; a coordinator also their region's)."""
    period = period if period in PERIODS else "month"
    by = ["region", "agency", period] if group != "region" else ["region", period]
    agency_ids = policies.totals_agencies(user).values_list("pk", flat=True)
    return engine.measure_totals(_measure_rows(agency_ids, start, end), by, list(MEASURES))


def totals(*, user: User) -> list[dict[str, Any]]:
    """Amounts of the user's agency (and a coordinator's region), by agency and month (the dashboard's table)."""
    return totals_table(user=user, period="month", group="agency")


# The GAIN coordinator's regional dashboard ------------------------------------------------------------


@dataclass(frozen=True)
class RegionRecovery:
    """Asset recovery in one GAIN region as one user may see it."""

    region: Region
    coordinator: bool
    """The user coordinates the region and so sees every agency in it."""
    deadlines: list[DeadlineRow]
    totals: list[dict[str, Any]]
    """One row per agency seen, this year: ``agency`` and each measure of ``MEASURES`` (with ``<m>_count``)."""
    cash_detained: Decimal
    """Cash still detained by the agencies seen."""
    year: int


def region_recovery_summary(*, user: User, region: Region, now: datetime | None = None) -> RegionRecovery:
    """Open deadlines (soonest first, overdue and due soon flagged), this year's totals by agency and the cash
    still detained, for the agencies of ``region`` the user may see (all of them for its coordinator, else the
    user's own agency)."""
    moment = _now(now)
    agencies = list(policies.region_agencies(user, region).order_by("name"))
    ids = [a.pk for a in agencies]
    rows = _rows(_collect(ids, rules()), user, moment)
    year = moment.year
    found = {
        t["agency"]: t
        for t in engine.measure_totals(
            _measure_rows(ids, date(year, 1, 1), date(year, 12, 31)), ["agency"], list(MEASURES)
        )
    }
    empty = {**{m: Decimal(0) for m in MEASURES}, **{f"{m}_count": 0 for m in MEASURES}}
    table = [{**empty, **found.get(a.name, {}), "agency": a.name} for a in agencies]
    detained = CashSeizure.objects.filter(agency_id__in=ids, status=SeizureStatus.DETAINED).aggregate(
        total=Sum("amount")
    )["total"]
    return RegionRecovery(
        region=region,
        coordinator=policies.coordinates(user, region),
        deadlines=rows,
        totals=table,
        cash_detained=Decimal(detained or 0),
        year=year,
    )
