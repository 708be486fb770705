"""Reads for the disruption pages: always through the policies."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from django.db.models import QuerySet

from sochub.engine import disruptions as engine
from sochub.intel import policies as intel_policies
from sochub.intel.models import FactKind, Nominal, NominalFact
from sochub.partners.models import User

from . import policies
from .models import Disruption

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
