"""Reads for risk pages, API and CLI: always through the policies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import QuerySet

from sochub.engine import prioritise as engine
from sochub.engine import scoring
from sochub.intel import policies as intel_policies
from sochub.intel.models import OCG, FactKind, Nominal
from sochub.partners.models import User

from . import policies
from .models import (
    Assessment,
    AssessmentStatus,
    PrioritisationRun,
    PrioritisedNominal,
    RetentionReview,
    RetentionStatus,
    RunStatus,
    Subject,
)


def assessments(*, user: User, subject_type: str = "", status: str = "") -> QuerySet[Assessment]:
    qs = policies.visible_assessments(user).select_related("ocg", "created_by", "approved_by")
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if status:
        qs = qs.filter(status=status)
    return qs


def assessment_get(*, user: User, assessment_id: int) -> Assessment | None:
    return assessments(user=user).filter(pk=assessment_id).first()


def _current(user: User, **subject: Any) -> Assessment | None:
    return (
        policies.visible_assessments(user, Assessment.objects.filter(**subject, status=AssessmentStatus.APPROVED))
        .order_by("-approved_at")
        .first()
    )


@dataclass
class OcgRisk:
    """An OCG's two assessments (latest approved of each) and whether they disagree."""

    harm: Assessment | None
    attributes: Assessment | None
    comparison: scoring.Comparison | None
    drafts: list[Assessment]


def ocg_risk(*, user: User, ocg: OCG) -> OcgRisk:
    harm = _current(user, ocg=ocg, subject_type=Subject.OCG)
    attributes = _current(user, ocg=ocg, subject_type=Subject.OCG_ATTRIBUTES)
    comparison = None
    if harm and attributes and harm.result and attributes.result:
        harm_result = _harm_result(harm.result)
        comparison = scoring.compare(harm_result, _attribute_result(attributes.result))
    drafts = list(
        policies.visible_assessments(
            user,
            Assessment.objects.filter(ocg=ocg).exclude(
                status__in=[AssessmentStatus.APPROVED, AssessmentStatus.SUPERSEDED]
            ),
        )
    )
    return OcgRisk(harm, attributes, comparison, drafts)


def _harm_result(data: dict[str, Any]) -> scoring.AssessmentResult:
    """Rebuild a stored result (plain JSON) as the engine's dataclass."""
    d = dict(data)
    d["dimensions"] = tuple(scoring.DimensionScore(**x) for x in d["dimensions"])
    d["sections"] = {k: scoring.SectionScore(**v) for k, v in d["sections"].items()}
    for key in ("confidence", "organisational_position"):
        d[key] = scoring.SectionScore(**d[key]) if d.get(key) else None
    d["notes"] = tuple(d.get("notes", ()))
    return scoring.AssessmentResult(**d)


def _attribute_result(data: dict[str, Any]) -> scoring.AttributeResult:
    d = dict(data)
    d["breakdown"] = tuple(scoring.AttributeScore(**x) for x in d["breakdown"])
    d["notes"] = tuple(d.get("notes", ()))
    return scoring.AttributeResult(**d)


def control_strategy(*, user: User) -> list[scoring.ThemeRow]:
    """The user's agency's approved theme assessments ranked into the control-strategy table."""
    approved = policies.visible_assessments(
        user, Assessment.objects.filter(subject_type=Subject.THEME, status=AssessmentStatus.APPROVED)
    ).filter(agency=user.agency)
    return scoring.rank_themes(_harm_result(a.result) for a in approved if a.result)


def review_due(*, user: User) -> QuerySet[Assessment]:
    """Approved assessments of the user's agency, soonest review first."""
    return (
        policies.visible_assessments(user, Assessment.objects.filter(status=AssessmentStatus.APPROVED))
        .filter(agency=user.agency)
        .order_by("review_due")
    )


# Prioritisation ----------------------------------------------------------------------------


def runs(*, user: User) -> QuerySet[PrioritisationRun]:
    return policies.visible_runs(user).select_related("created_by", "job")


def latest_run(*, user: User) -> PrioritisationRun | None:
    return runs(user=user).filter(status=RunStatus.DONE).order_by("-finished_at", "-id").first()


def run_get(*, user: User, run_id: int) -> PrioritisationRun | None:
    return runs(user=user).filter(pk=run_id).first()


@dataclass
class ListedNominal:
    entry: PrioritisedNominal
    name: str
    birth_date: str
    moved: int | None = None  # places up (+) or down (-) against the run's own list, on the what-if page


def names_for(*, user: User, ids: list[Any]) -> dict[str, tuple[str, str]]:
    """Nominal id -> (a name the user may see, a date of birth the user may see)."""
    facts = intel_policies.visible_facts(user).filter(nominal_id__in=ids, kind__in=[FactKind.NAME, FactKind.BIRTH_DATE])
    out: dict[str, list[str]] = {str(i): ["", ""] for i in ids}
    for nominal_id, kind, value in facts.order_by("recorded_at").values_list("nominal_id", "kind", "value"):
        slot = out[str(nominal_id)]
        if kind == FactKind.NAME and not slot[0]:
            slot[0] = value
        elif kind == FactKind.BIRTH_DATE and not slot[1]:
            slot[1] = value
    return {k: (v[0] or "Name not visible to you", v[1]) for k, v in out.items()}


def visible_entries(*, user: User, run: PrioritisationRun) -> QuerySet[PrioritisedNominal]:
    return run.entries.filter(nominal__in=intel_policies.visible_nominals(user))


def top_list(*, user: User, run: PrioritisationRun, top: int | None = None) -> list[ListedNominal]:
    """The run's top N as stored, leaving out anyone the viewer cannot see (their rank stays as it was)."""
    entries = list(visible_entries(user=user, run=run).filter(rank__lte=top or run.top).order_by("rank"))
    names = names_for(user=user, ids=[e.nominal_id for e in entries])
    return [ListedNominal(e, *names[str(e.nominal_id)]) for e in entries]


def what_if(*, user: User, run: PrioritisationRun, weights: dict[str, float], top: int) -> list[ListedNominal]:
    """The run's list re-ranked under other component weights (no new data, nothing stored)."""
    rows = list(visible_entries(user=user, run=run).values_list("nominal_id", "values", "rank"))
    if not rows:
        return []
    values = pd.DataFrame([v for _, v, _ in rows], index=pd.Index([str(n) for n, _, _ in rows], name="id")).fillna(0)
    ranked = engine.reweight(values, weights, top=top)
    by_id = {str(e.nominal_id): e for e in run.entries.filter(nominal_id__in=list(ranked["id"]))}
    names = names_for(user=user, ids=list(ranked["id"]))
    out = []
    for row in ranked.to_dict("records"):
        nid, rank = str(row["id"]), int(row["rank"])
        entry = by_id[nid]
        shown = PrioritisedNominal(
            run=run,
            nominal_id=entry.nominal_id,
            rank=rank,
            score=round(float(row["score"]), 6),
            values=entry.values,
            contributions={str(c): round(float(row[c]), 6) for c in values.columns},
            details=entry.details,
            explanation=entry.explanation,
            p_top=entry.p_top,
            rank_low=entry.rank_low,
            rank_high=entry.rank_high,
        )
        out.append(ListedNominal(shown, *names[nid], moved=entry.rank - rank))
    return out


def priority_of(*, user: User, nominal: Nominal) -> tuple[PrioritisationRun, PrioritisedNominal | None] | None:
    """The person's place in the agency's latest priority list, or None when there is no list yet."""
    run = latest_run(user=user)
    if run is None:
        return None
    return run, visible_entries(user=user, run=run).filter(nominal=nominal).first()


def retention_reviews(*, user: User, status: str = RetentionStatus.OPEN) -> QuerySet[RetentionReview]:
    if not user.works_with_intel:
        return RetentionReview.objects.none()
    return RetentionReview.objects.filter(
        agency=user.agency, status=status, nominal__in=intel_policies.visible_nominals(user)
    ).select_related("run", "previous_run")
