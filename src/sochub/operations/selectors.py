"""Reads for the operations pages (disruptions, joint operations, problem premises): always through the policies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from sochub.engine import disruptions as engine
from sochub.engine import operations as ops_engine
from sochub.intel import policies as intel_policies
from sochub.intel.models import FactKind, Nominal, NominalFact
from sochub.partners.models import Agency, Region, User

from . import policies
from .models import (
    ActionStatus,
    Disruption,
    JointOperation,
    OperationOutcome,
    OperationStatus,
    OperationTarget,
    OperationTask,
    OutcomeKind,
    PremisesAction,
    PremisesVisit,
    ProblemPremises,
    TaskStatus,
)

COUNT_BY = ("ocg", "theme", "agency")


@cache
def menu() -> engine.Menu:
    """The menu of tactics in force (SOC Hub's default, validated on first use)."""
    return engine.load_menu()


def foreign_national(*, user: User, nominal: Nominal) -> bool | None:
    """The nominal's foreign-national flag from the facts this user can see (None: not recorded)."""
    facts = intel_policies.visible_facts(
        user, NominalFact.objects.filter(nominal=nominal, kind=FactKind.FOREIGN_NATIONAL)
    )
    keys = set(facts.values_list("key", flat=True))
    if not keys:
        return None
    return "Y" in keys


def disruptions(
    *, user: User, start: date | None = None, end: date | None = None, validated_only: bool = False
) -> QuerySet[Disruption]:
    qs = policies.visible_disruptions(user).select_related("ocg", "nominal", "agency", "recorded_by", "validated_by")
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    if validated_only:
        qs = qs.filter(validated_by__isnull=False)
    return qs


def disruption_get(*, user: User, disruption_id: int) -> Disruption | None:
    return disruptions(user=user).filter(pk=disruption_id).first()


def _theme_label(tactic_type: str) -> str:
    m = menu()
    return next((t.label for t in m.types if t.id == tactic_type), tactic_type)


def count_rows(qs: QuerySet[Disruption]) -> list[dict[str, Any]]:
    """Disruptions as the engine's rows: OCG, theme (tactic type) and agency by name."""
    return [
        {
            "ocg": d.ocg.name if d.ocg_id and d.ocg else None,
            "theme": _theme_label(d.tactic_type),
            "agency": d.agency.name,
            "impact": d.impact,
            "date": d.date,
            "validated": d.validated_by_id is not None,
        }
        for d in qs
    ]


def counts(
    *, user: User, start: date | None = None, end: date | None = None, period: str = "month"
) -> dict[str, list[dict[str, Any]]]:
    """Validated disruptions the user can see, counted per OCG, theme, agency and period."""
    rows = count_rows(disruptions(user=user, start=start, end=end, validated_only=True))
    out = {by: engine.counts(rows, [by]) for by in COUNT_BY}
    out["period"] = engine.counts(rows, [], period=period)  # type: ignore[arg-type]
    return out


# Joint operations ----------------------------------------------------------------------------------------

RECENT = timedelta(days=90)
"""The regional summary lists operations that started within this time, and every one still to come."""


def operations(*, user: User, status: str = "", query: str = "") -> QuerySet[JointOperation]:
    qs = policies.visible_operations(user).select_related("lead_agency", "region").prefetch_related("partners")
    if status in OperationStatus.values:
        qs = qs.filter(status=status)
    if query.strip():
        qs = qs.filter(Q(name__icontains=query.strip()) | Q(area__icontains=query.strip()))
    return qs


def operation_get(*, user: User, operation_id: int) -> JointOperation | None:
    return operations(user=user).filter(pk=operation_id).first()


def nominal_names(*, user: User, nominal_ids: list[Any]) -> dict[str, str]:
    """The first visible name of each nominal the user may see (ids they may not see are left out)."""
    visible = set(
        intel_policies.visible_nominals(user, Nominal.objects.filter(pk__in=nominal_ids)).values_list("pk", flat=True)
    )
    names: dict[str, str] = {}
    facts = (
        intel_policies.visible_facts(user).filter(nominal_id__in=visible, kind=FactKind.NAME).order_by("recorded_at")
    )
    for nominal_id, value in facts.values_list("nominal_id", "value"):
        names.setdefault(str(nominal_id), value)
    for nominal_id in visible:
        names.setdefault(str(nominal_id), "Name not visible")
    return names


@dataclass(frozen=True)
class TargetView:
    """A target as one user may see it: ``label`` is its name, or only who holds it when they may not see it."""

    target: OperationTarget
    visible: bool
    label: str
    detail: str = ""
    nominal_id: str | None = None
    ocg_id: int | None = None
    problem_premises_id: int | None = None


_HIDDEN_LABEL = {
    "nominal": "a person",
    "ocg": "an organised crime group",
    "premises": "premises",
    "problem_premises": "a problem premises",
}


def target_views(*, user: User, targets: list[OperationTarget]) -> list[TargetView]:
    names = nominal_names(user=user, nominal_ids=[t.nominal_id for t in targets if t.nominal_id])
    out = []
    for t in targets:
        if not policies.can_see_target(user, t):
            out.append(TargetView(t, False, f"{_HIDDEN_LABEL[t.kind].capitalize()} (held by {t.agency.name})"))
        elif t.nominal_id is not None:
            out.append(
                TargetView(t, True, names.get(str(t.nominal_id), "Name not visible"), nominal_id=str(t.nominal_id))
            )
        elif t.ocg is not None:
            out.append(TargetView(t, True, t.ocg.name, t.ocg.urn, ocg_id=t.ocg.pk))
        elif t.premises is not None:
            out.append(TargetView(t, True, str(t.premises), t.premises.get_kind_display()))
        elif t.problem_premises is not None:
            pp = t.problem_premises
            label = f"{pp.name}, {pp.premises}" if pp.name else str(pp.premises)
            out.append(
                TargetView(
                    t,
                    True,
                    label,
                    f"{pp.get_risk_level_display()} risk; {pp.get_licence_status_display()}",
                    problem_premises_id=pp.pk,
                )
            )
    return out


def operation_targets(*, user: User, operation: JointOperation) -> list[TargetView]:
    targets = list(
        operation.targets.select_related("agency", "nominal", "ocg", "premises", "problem_premises__premises")
    )
    return target_views(user=user, targets=targets)


def outcome_totals(outcomes: list[OperationOutcome]) -> dict[str, int]:
    """People or items per outcome kind (every kind listed, 0 when none)."""
    return ops_engine.outcome_totals(((o.kind, o.quantity) for o in outcomes), OutcomeKind.values)


@dataclass
class OperationReport:
    """Everything the operation's page and report show to one user."""

    operation: JointOperation
    partners: list[Agency]
    targets: list[TargetView]
    tasks: list[OperationTask]
    task_counts: dict[str, int]
    outcomes: list[OperationOutcome]
    outcome_labels: dict[str, str]
    totals: dict[str, int]
    by_agency: list[tuple[str, dict[str, int]]]
    seizures: dict[str, int]
    seized_value: Decimal
    recovered: list[OperationOutcome]
    recovered_value: Decimal
    returned_value: Decimal
    returned_count: int
    target_labels: dict[int, str] = field(default_factory=dict)

    @property
    def nominal_ids(self) -> list[str]:
        """The people the user was shown (for the audit row)."""
        return [t.nominal_id for t in self.targets if t.visible and t.nominal_id]


def operation_report(*, user: User, operation: JointOperation) -> OperationReport:
    targets = operation_targets(user=user, operation=operation)
    tasks = list(operation.tasks.select_related("agency"))
    outcomes = list(operation.outcomes.select_related("agency", "target"))
    task_counts = {s.value: 0 for s in TaskStatus}
    for task in tasks:
        task_counts[task.status] += 1
    per_agency: dict[str, list[OperationOutcome]] = defaultdict(list)
    for o in outcomes:
        per_agency[o.agency.name].append(o)
    seizures = {k: 0 for k, _ in OperationOutcome._meta.get_field("seizure_kind").choices}  # type: ignore[union-attr]
    seized_value = Decimal(0)
    for o in outcomes:
        if o.kind == OutcomeKind.SEIZURE:
            seizures[o.seizure_kind] = seizures.get(o.seizure_kind, 0) + o.quantity
            seized_value += o.estimated_value or 0
    recovered = [o for o in outcomes if o.kind == OutcomeKind.RECOVERED_PROPERTY]
    returned = [o for o in recovered if o.returned_on is not None]
    return OperationReport(
        operation=operation,
        partners=list(operation.partners.all()),
        targets=targets,
        tasks=tasks,
        task_counts=task_counts,
        outcomes=outcomes,
        outcome_labels=dict(OutcomeKind.choices),
        totals=outcome_totals(outcomes),
        by_agency=[(name, outcome_totals(rows)) for name, rows in sorted(per_agency.items())],
        seizures=seizures,
        seized_value=seized_value,
        recovered=recovered,
        recovered_value=sum((o.estimated_value or Decimal(0) for o in recovered), Decimal(0)),
        returned_value=sum((o.estimated_value or Decimal(0) for o in returned), Decimal(0)),
        returned_count=sum(o.quantity for o in returned),
        target_labels={t.target.pk: t.label for t in targets},
    )


# Problem premises register -------------------------------------------------------------------------------


def problem_premises(
    *, user: User, region: Region | None = None, area: str = "", active_only: bool = False
) -> QuerySet[ProblemPremises]:
    qs = policies.visible_problem_premises(user).select_related("premises", "agency", "agency__region")
    if region is not None:
        qs = qs.filter(agency__region=region)
    if area.strip():
        qs = qs.filter(Q(area__icontains=area.strip()) | Q(premises__postcode__istartswith=area.strip()))
    if active_only:
        qs = qs.filter(active=True)
    return qs


def problem_premises_get(*, user: User, premises_id: int) -> ProblemPremises | None:
    return problem_premises(user=user).filter(pk=premises_id).first()


def premises_people(*, user: User, problem_premises: ProblemPremises) -> dict[str, str | None]:
    """The owner's and manager's names when the user may see them; None when there is one they may not see."""
    ids = [i for i in (problem_premises.owner_id, problem_premises.manager_id) if i]
    names = nominal_names(user=user, nominal_ids=ids)
    out: dict[str, str | None] = {}
    for role, nominal_id in (("owner", problem_premises.owner_id), ("manager", problem_premises.manager_id)):
        if nominal_id is None:
            continue
        out[role] = names.get(str(nominal_id))
    return out


def premises_visits(*, problem_premises: ProblemPremises) -> list[PremisesVisit]:
    return list(problem_premises.visits.select_related("agency", "operation"))


def premises_actions(*, problem_premises: ProblemPremises) -> list[PremisesAction]:
    return list(problem_premises.actions.select_related("agency"))


@dataclass(frozen=True)
class CoordinationEntry:
    """One row of the monthly coordination list."""

    rank: int
    premises: ProblemPremises
    last_visit: date | None
    days_since_visit: int | None
    open_actions: int
    visited_this_month: bool


def coordination_list(
    *,
    user: User,
    region: Region | None = None,
    area: str = "",
    limit: int | None = None,
    today: date | None = None,
) -> list[CoordinationEntry]:
    """Active problem premises the user may see, in the order to target them this month (see
    ``sochub.engine.operations.coordination``)."""
    today = today or timezone.localdate()
    qs = problem_premises(user=user, region=region, area=area, active_only=True).annotate(
        last_visit=Max("visits__visited_on"),
        open_actions=Count("actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True),
    )
    by_pk = {pp.pk: pp for pp in qs}
    rows = [
        ops_engine.CoordinationRow(
            key=pp.pk,
            risk_level=pp.risk_level,
            last_visit=pp.last_visit,  # type: ignore[attr-defined]
            open_actions=pp.open_actions,  # type: ignore[attr-defined]
            registered_on=timezone.localtime(pp.created_at).date(),
        )
        for pp in by_pk.values()
    ]
    month_start = today.replace(day=1)
    return [
        CoordinationEntry(
            rank=n,
            premises=by_pk[row.key],  # type: ignore[index]
            last_visit=row.last_visit,
            days_since_visit=ops_engine.days_since(row.last_visit, today),
            open_actions=row.open_actions,
            visited_this_month=row.last_visit is not None and month_start <= row.last_visit <= today,
        )
        for n, row in enumerate(ops_engine.rank_for_month(rows, limit=limit), start=1)
    ]


# The GAIN coordinator's regional dashboard ------------------------------------------------------------------


@dataclass
class RegionOperations:
    """Joint operations and problem premises of one region, as one user may see them."""

    operations: list[JointOperation]
    outcome_totals: dict[str, int]
    problem_premises: list[ProblemPremises]
    premises_count: int


def region_operations_summary(*, user: User, region: Region, now: datetime | None = None) -> RegionOperations:
    """Recent (started in the last 90 days) and upcoming joint operations in ``region`` that the user may see (for
    its GAIN coordinator, all of them), their outcomes counted per kind, and this month's coordination list of the
    region's problem premises (top 10) with how many active ones there are."""
    now = now or timezone.now()
    ops = list(
        operations(user=user)
        .filter(policies.in_region_q(region.pk))
        .filter(Q(starts_at__gte=now - RECENT) | Q(status__in=[OperationStatus.PLANNED, OperationStatus.LIVE]))
        .order_by("-starts_at", "-id")
    )
    rows = OperationOutcome.objects.filter(operation__in=[o.pk for o in ops]).values_list("kind", "quantity")
    listed = coordination_list(user=user, region=region, limit=10, today=timezone.localdate(now))
    return RegionOperations(
        operations=ops,
        outcome_totals=ops_engine.outcome_totals(rows, OutcomeKind.values),
        problem_premises=[entry.premises for entry in listed],
        premises_count=problem_premises(user=user, region=region, active_only=True).count(),
    )


def region_disruption_counts(
    *, user: User, region: Region, start: date | None = None, end: date | None = None, period: str = "month"
) -> dict[str, list[dict[str, Any]]]:
    """Validated disruptions recorded by agencies of ``region``, counted per OCG, theme, agency and period (the
    same shape as :func:`counts`).

    The region's GAIN coordinator counts every one of them, since counts name no person; an OCG they may not see
    is counted under "an OCG held by <agency>". Anyone else counts only the disruptions they can see."""
    if user.works_with_intel and user.coordinator_region_id == region.pk:
        qs = Disruption.objects.filter(agency__region=region, validated_by__isnull=False).select_related(
            "ocg", "agency"
        )
        if start is not None:
            qs = qs.filter(date__gte=start)
        if end is not None:
            qs = qs.filter(date__lte=end)
        seen = set(intel_policies.visible_ocgs(user).filter(pk__in=qs.values("ocg_id")).values_list("pk", flat=True))
        rows = count_rows(qs)
        for row, d in zip(rows, qs, strict=True):
            if d.ocg_id is not None and d.ocg_id not in seen:
                row["ocg"] = f"An OCG held by {d.agency.name}"
    else:
        rows = count_rows(
            disruptions(user=user, start=start, end=end, validated_only=True).filter(agency__region=region)
        )
    out = {by: engine.counts(rows, [by]) for by in COUNT_BY}
    out["period"] = engine.counts(rows, [], period=period)  # type: ignore[arg-type]
    return out
