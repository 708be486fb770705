"""Scoring one fraud victim against a checklist: points, priority, plain-English reasons and due dates.

Points are the sum of the victim's age band, the band of the money lost and the points of every indicator
ticked. The priority is the highest whose ``min_points`` the total reaches, except that any indicator in
``always_high`` makes the case high priority (the first priority) on its own.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .checklist import Checklist, Priority


def _points(n: int) -> str:
    return "1 point" if n == 1 else f"{n} points"


@dataclass(frozen=True)
class Assessment:
    points: int
    priority: Priority
    reasons: list[str]  # plain English, e.g. "Aged 82 (3 points)"
    visit_within_days: int
    indicators: tuple[str, ...] = ()  # the indicator ids ticked, in checklist order
    high_on_its_own: tuple[str, ...] = ()  # those of them in the checklist's always_high
    measures: tuple[str, ...] = ()  # measure ids the ticked indicators suggest, in checklist order
    checklist: str = ""  # "name version" of the checklist used

    @property
    def review_every_days(self) -> int:
        return self.priority.review_every_days

    @property
    def volunteer(self) -> bool:
        """Whether to offer a volunteer."""
        return self.priority.volunteer

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, e.g. to store with the case."""
        return {
            "points": self.points,
            "priority": self.priority.id,
            "priority_label": self.priority.label,
            "visit_within_days": self.visit_within_days,
            "review_every_days": self.priority.review_every_days,
            "volunteer": self.priority.volunteer,
            "reasons": list(self.reasons),
            "indicators": list(self.indicators),
            "high_on_its_own": list(self.high_on_its_own),
            "measures": list(self.measures),
            "checklist": self.checklist,
        }


def assess(c: Checklist, *, age: int | None, loss_pounds: int | None, indicators: Collection[str]) -> Assessment:
    """Score one victim. ``age`` and ``loss_pounds`` may be unknown (None); ``indicators`` are ids from the
    checklist (an unknown id is a ValueError naming it; a repeated id counts once)."""
    if isinstance(indicators, str):
        raise TypeError("indicators must be a collection of indicator ids, not one string")
    known = {i.id for i in c.indicators}
    unknown = sorted({i for i in indicators if i not in known})
    if unknown:
        raise ValueError(f"unknown indicator {', '.join(repr(u) for u in unknown)} (not in {c.label})")
    if age is not None and not 0 <= age <= 130:
        raise ValueError(f"age {age} is not a plausible age")
    if loss_pounds is not None and loss_pounds < 0:
        raise ValueError(f"loss_pounds {loss_pounds} is negative")

    points = 0
    reasons: list[str] = []
    if age is not None:
        band = next((b for b in reversed(c.age_points) if age >= b.min_age), None)
        if band is not None and band.points:
            points += band.points
            reasons.append(f"Aged {age} ({_points(band.points)})")
    if loss_pounds is not None:
        loss = next((b for b in reversed(c.loss_points) if loss_pounds >= b.min_amount), None)
        if loss is not None and loss.points:
            points += loss.points
            reasons.append(f"Lost £{loss_pounds:,} ({_points(loss.points)})")

    wanted = set(indicators)
    ticked = [i for i in c.indicators if i.id in wanted]
    always = set(c.always_high)
    on_its_own: list[str] = []
    for indicator in ticked:
        points += indicator.points
        if indicator.id in always:
            on_its_own.append(indicator.id)
            reasons.append(f"{indicator.label}: high priority on its own ({_points(indicator.points)})")
        elif indicator.points:
            reasons.append(f"{indicator.label} ({_points(indicator.points)})")
        else:
            reasons.append(indicator.label)

    # the first priority is the highest; the last starts at 0 points, so one always fits
    priority = c.priorities[0] if on_its_own else next(p for p in c.priorities if points >= p.min_points)
    ids = {i.id for i in ticked}
    measures = tuple(m.id for m in c.measures if ids.intersection(m.suggest_for))
    return Assessment(
        points=points,
        priority=priority,
        reasons=reasons,
        visit_within_days=priority.visit_within_days,
        indicators=tuple(i.id for i in ticked),
        high_on_its_own=tuple(on_its_own),
        measures=measures,
        checklist=c.label,
    )


def visit_due(assessment: Assessment, referred_on: date) -> date:
    """The last day for the home visit: ``visit_within_days`` calendar days after the referral."""
    return referred_on + timedelta(days=assessment.visit_within_days)


def review_due(c: Checklist, priority_id: str, last: date) -> date:
    """The next review of a case at this priority, counted in calendar days from the last review (or the
    referral). An unknown priority id is a KeyError."""
    return last + timedelta(days=c.priority(priority_id).review_every_days)
