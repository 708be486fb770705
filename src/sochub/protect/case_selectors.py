"""Reads of the fraud-victim workflow, with the access rules of ``policies`` applied: case lists, one case, the
timeline, the case lead's alerts, and the agency's figures (cases by priority and area, time to visit against
target, measures in place, repeat victimisation)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from django.db.models import Count, Q, QuerySet

from sochub.partners.models import User

from . import policies
from .cases import checklist
from .models import CaseAlert, CaseEvent, CaseStatus, MeasureOutcome, ProtectiveMeasure, VictimCase


def case_list(
    *, user: User, status: str = "", priority: str = "", overdue: bool = False, today: date
) -> QuerySet[VictimCase]:
    qs = policies.visible_cases(user).select_related("lead", "volunteer")
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    if priority:
        qs = qs.filter(priority=priority)
    if overdue:
        qs = qs.filter(status=CaseStatus.OPEN).filter(
            Q(visited_on__isnull=True, visit_due__lt=today) | Q(next_review_due__lt=today)
        )
    return qs.annotate(n_repeats=Count("reports", filter=Q(reports__repeat=True))).order_by("-referred_on", "-pk")


def case_get(*, user: User, case_id: int) -> VictimCase | None:
    qs = VictimCase.objects.select_related("agency", "lead", "referred_by", "visit_officer", "volunteer")
    return policies.visible_cases(user, qs).filter(pk=case_id).first()


def timeline(case: VictimCase) -> QuerySet[CaseEvent]:
    return case.events.select_related("by").order_by("-at", "-pk")


def support_notes(case: VictimCase) -> QuerySet[CaseEvent]:
    return case.events.filter(kind="support_note").select_related("by").order_by("-at", "-pk")


def measures_in_place(case: VictimCase) -> QuerySet[ProtectiveMeasure]:
    return case.measures.filter(outcome=MeasureOutcome.IN_PLACE).order_by("requested_on", "pk")


def alerts_for(user: User) -> QuerySet[CaseAlert]:
    """The user's alerts about cases they may still see (newest first)."""
    visible = policies.visible_cases(user).values("pk")
    return CaseAlert.objects.filter(user=user, case_id__in=visible).select_related("case", "report")


def unread_alerts(user: User) -> int:
    return alerts_for(user).filter(read_at__isnull=True).count()


# Figures --------------------------------------------------------------------------------------------------------


@dataclass
class VisitFigures:
    priority: str
    label: str
    target_days: int
    cases: int = 0
    visited: int = 0
    within_target: int = 0
    median_days: float | None = None
    waiting: int = 0  # not visited yet
    waiting_overdue: int = 0

    @property
    def share_within(self) -> float | None:
        return self.within_target / self.visited if self.visited else None


@dataclass
class Figures:
    start: date
    end: date
    cases: int
    priorities: list[tuple[str, str]]  # (id, label), highest first
    districts: list[str]
    by_area: dict[str, dict[str, int]]  # district -> priority -> cases
    priority_totals: dict[str, int]
    visits: list[VisitFigures]
    measures: list[tuple[str, int, int]]  # (label, in place, recorded)
    repeat_cases: int
    repeat_rate: float | None
    open_cases: int
    closed_cases: int
    notes: list[str] = field(default_factory=list)


def figures(*, user: User, start: date, end: date, today: date) -> Figures:
    """The user's agency's cases referred from ``start`` to ``end`` (inclusive)."""
    c = checklist()
    cases = list(
        policies.visible_cases(user)
        .filter(agency_id=user.agency_id or 0, referred_on__gte=start, referred_on__lte=end)
        .annotate(n_repeats=Count("reports", filter=Q(reports__repeat=True)))
    )
    priorities = [(p.id, p.label) for p in c.priorities]
    known = {p for p, _ in priorities}
    for extra in sorted({x.priority for x in cases} - known):  # priorities of an older checklist
        priorities.append((extra, extra.title()))
    by_area: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        by_area[case.district or "Not given"][case.priority] += 1
    districts = sorted(by_area, key=lambda d: (d == "Not given", d))
    totals = Counter(case.priority for case in cases)

    visits = []
    for pid, label in priorities:
        mine = [x for x in cases if x.priority == pid]
        target = c.priority(pid).visit_within_days if pid in known else 0
        row = VisitFigures(pid, label, target, cases=len(mine))
        days = []
        for case in mine:
            if case.visited_on is None:
                row.waiting += 1
                row.waiting_overdue += int(case.is_open and case.visit_due < today)
                continue
            row.visited += 1
            days.append((case.visited_on - case.referred_on).days)
            row.within_target += int(case.visited_on <= case.visit_due)
        row.median_days = float(median(days)) if days else None
        visits.append(row)

    labels = {m.id: m.label for m in c.measures}
    rows = ProtectiveMeasure.objects.filter(case__in=[x.pk for x in cases])
    in_place = Counter(m.measure for m in rows if m.outcome == MeasureOutcome.IN_PLACE)
    recorded = Counter(m.measure for m in rows)
    order = [m.id for m in c.measures] + sorted(set(recorded) - set(labels))
    measures = [(labels.get(m, m), in_place[m], recorded[m]) for m in order]

    repeat_cases = sum(1 for x in cases if x.n_repeats)  # type: ignore[attr-defined]
    return Figures(
        start=start,
        end=end,
        cases=len(cases),
        priorities=priorities,
        districts=districts,
        by_area={d: dict(v) for d, v in by_area.items()},
        priority_totals=dict(totals),
        visits=visits,
        measures=measures,
        repeat_cases=repeat_cases,
        repeat_rate=repeat_cases / len(cases) if cases else None,
        open_cases=sum(1 for x in cases if x.status == CaseStatus.OPEN),
        closed_cases=sum(1 for x in cases if x.status == CaseStatus.CLOSED),
    )
