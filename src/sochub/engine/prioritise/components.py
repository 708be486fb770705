"""Database-mode components (intelligence, OCG membership) and what-if reweighting.

Plain data in, plain data out: the Django layer gathers policy-filtered rows and passes them here, so a
notebook can reproduce a run from an export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .model import PrioritisationModel, normalise_label
from .scoring import log_scale


@dataclass(frozen=True)
class IntelligenceReport:
    subject: str
    dated: date
    source_evaluation: str  # 1, 2 or 3
    intelligence_assessment: str  # A to E


@dataclass(frozen=True)
class Membership:
    subject: str
    role: str  # principal, significant, peripheral
    ocg_tier: str | None  # high, medium, low from the group's approved assessment; None when unassessed


def intelligence_values(
    reports: Iterable[IntelligenceReport], *, model: PrioritisationModel, as_of: date
) -> dict[str, float]:
    """0..1 per person: graded, recency-decayed volume of intelligence, log-scaled as network measures are."""
    settings = model.intelligence
    totals: dict[str, float] = {}
    for r in reports:
        grade = settings.source_evaluation.get(r.source_evaluation.upper(), 0.0) * (
            settings.intelligence_assessment.get(r.intelligence_assessment.upper(), 0.0)
        )
        age = max((as_of - r.dated).days, 0)
        totals[r.subject] = totals.get(r.subject, 0.0) + grade * 0.5 ** (age / settings.half_life_days)
    if not totals:
        return {}
    values = np.fromiter(totals.values(), dtype=float)
    scaled = log_scale(values, np.ones(len(values), dtype=bool))
    return dict(zip(totals, scaled.tolist(), strict=True))


def ocg_values(memberships: Iterable[Membership], *, model: PrioritisationModel) -> dict[str, float]:
    """0..1 per person: 1 - prod over their groups of (1 - role weight x group risk)."""
    settings = model.ocg_membership
    keep: dict[str, float] = {}
    for m in memberships:
        role = settings.roles.get(normalise_label(m.role), 0.0)
        risk = settings.unassessed if m.ocg_tier is None else settings.risk_tiers.get(normalise_label(m.ocg_tier), 0.0)
        keep[m.subject] = keep.get(m.subject, 1.0) * (1.0 - role * risk)
    return {subject: round(1.0 - k, 6) for subject, k in keep.items() if k < 1.0}


def reweight(values: pd.DataFrame, weights: Mapping[str, float], *, top: int) -> pd.DataFrame:
    """The top ``top`` of ``values`` (index id, one 0..1 column per component) under other component weights.

    Weights are rescaled to sum to 1 over the columns present, as the engine does; columns with no weight
    given count 0. Returns id, rank, score and one contribution column per component, best first (ties by id).
    """
    if top < 1:
        raise ValueError("top must be 1 or more")
    w = np.array([max(float(weights.get(c, 0.0)), 0.0) for c in values.columns])
    if w.sum() <= 0:
        raise ValueError("at least one component needs a weight above 0")
    w = w / w.sum()
    parts = values.to_numpy(dtype=float) * w
    frame = pd.DataFrame(parts, columns=values.columns, index=values.index)
    frame["score"] = parts.sum(axis=1)
    frame = frame[frame["score"] > 0].reset_index()
    frame = frame.sort_values(["score", "id"], ascending=[False, True], kind="stable").head(top)
    frame.insert(1, "rank", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)
