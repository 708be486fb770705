"""Reads of asset recovery records, filtered by the policies, and the dashboard's deadlines and totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from sochub.engine import recovery as engine
from sochub.partners.models import User

from . import policies
from .models import CashSeizure, NoticeOutcome, RecoveryNotice, SeizureStatus

WARN_WITHIN = timedelta(days=7)
"""A deadline passing within this time is "due soon"."""


def rules() -> engine.Rules:
    return engine.load_rules()


def seizure_get(*, user: User, seizure_id: int) -> CashSeizure | None:
    return policies.visible_seizures(user).select_related("agency", "nominal", "ocg").filter(pk=seizure_id).first()


@dataclass(frozen=True)
class DeadlineRow:
    deadline: engine.Deadline
    due: datetime
    """When it passes, in local time."""
    level: str
    """"overdue", "due soon" or ""."""
    seizure: CashSeizure | None
    notice: RecoveryNotice | None


def _case_deadlines(seizure: CashSeizure, r: engine.Rules) -> list[engine.Deadline]:
    orders = [(o.granted_on, o.expires_on) for o in seizure.orders.all()]
    case: dict[str, Any] = {"nation": seizure.nation, "detention_orders": orders}
    if not orders:  # once an order is made, initial detention no longer runs out
        case["seized_at"] = timezone.localtime(seizure.seized_at)
    return engine.deadlines_for(case, r)


def deadlines(*, user: User, now: datetime | None = None) -> list[DeadlineRow]:
    """The open deadlines of the user's agency (detained cash, pending notices), soonest first, with alerts."""
    now = timezone.localtime(now or timezone.now())
    zone = now.tzinfo
    r = rules()
    found: list[tuple[engine.Deadline, CashSeizure | None, RecoveryNotice | None]] = []
    seizures = policies.visible_seizures(user).filter(status=SeizureStatus.DETAINED).prefetch_related("orders")
    for seizure in seizures:
        found += [(d, seizure, None) for d in _case_deadlines(seizure, r)]
    notices = policies.visible_notices(user).filter(outcome=NoticeOutcome.PENDING).select_related("seizure")
    for notice in notices:
        case = {f"{notice.kind}_given_on": notice.given_on}
        found += [(d, notice.seizure, notice) for d in engine.deadlines_for(case, r)]
    rows = []
    for deadline, case_seizure, case_notice in found:
        level = engine.alerts([deadline], now, WARN_WITHIN)
        due = timezone.localtime(deadline.moment(zone))
        rows.append(DeadlineRow(deadline, due, level[0].level if level else "", case_seizure, case_notice))
    return sorted(rows, key=lambda row: row.due)


def totals(*, user: User) -> list[dict[str, Any]]:
    """Cash seized by the user's agency, summed by agency and month (engine totals)."""
    rows = [
        {"agency": s.agency.name, "amount": s.amount, "date": timezone.localtime(s.seized_at)}
        for s in policies.visible_seizures(user).select_related("agency")
    ]
    return engine.totals(rows, ["agency", "month"])
