"""Readers' feedback on an edition as figures: how many found each article helpful, how many engaged a partner
as a result (with what they said), what they would like to read about, and the ratings; plus the geometry of
a horizontal bar chart drawn as SVG by the page (no JavaScript)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Response:
    helpful: frozenset[int]
    engaged: bool
    engaged_detail: str
    wishes: str
    rating: int


@dataclass
class FeedbackSummary:
    responses: int
    helpful: dict[int, int]
    engaged: int
    engagement_quotes: list[str]
    wishes: list[str]
    ratings: dict[int, int]
    average_rating: float | None = None
    notes: list[str] = field(default_factory=list)


def summarise(article_ids: Sequence[int], responses: Sequence[Response]) -> FeedbackSummary:
    """Counts per article (every article of the edition, zero included), engagement, wishes and ratings."""
    helpful: Counter[int] = Counter()
    ratings: Counter[int] = Counter()
    quotes: list[str] = []
    wishes: list[str] = []
    engaged = 0
    wanted = set(article_ids)
    for r in responses:
        helpful.update(a for a in r.helpful if a in wanted)
        if r.rating in RATINGS:
            ratings[r.rating] += 1
        if r.engaged:
            engaged += 1
            if r.engaged_detail.strip():
                quotes.append(r.engaged_detail.strip())
        if r.wishes.strip():
            wishes.append(r.wishes.strip())
    rated = sum(ratings.values())
    average = round(sum(k * v for k, v in ratings.items()) / rated, 2) if rated else None
    return FeedbackSummary(
        responses=len(responses),
        helpful={a: helpful.get(a, 0) for a in article_ids},
        engaged=engaged,
        engagement_quotes=quotes,
        wishes=wishes,
        ratings={k: ratings.get(k, 0) for k in RATINGS},
        average_rating=average,
    )


@dataclass(frozen=True)
class BarRow:
    label: str
    value: int
    y: float
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    bar_height: int
    rows: list[BarRow]


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, int]],
    *,
    width: int = 720,
    label_width: int = 300,
    bar_height: int = 22,
    gap: int = 10,
    max_label: int = 45,
) -> BarChart:
    """Bars scaled to the largest value; labels longer than ``max_label`` are shortened with an ellipsis (the
    table beside the chart gives them in full). ``desc`` reads the values for screen readers."""
    top = max((v for _, v in rows), default=0)
    room = width - label_width - 60
    out: list[BarRow] = []
    for i, (label, value) in enumerate(rows):
        short = label if len(label) <= max_label else label[: max_label - 1].rstrip() + "…"
        w = room * value / top if top else 0.0
        out.append(BarRow(short, value, gap + i * (bar_height + gap), w, label_width + w + 6))
    desc = "; ".join(f"{label}: {value}" for label, value in rows) or "No data"
    return BarChart(
        chart_id, title, desc, width, gap + len(rows) * (bar_height + gap) + gap, label_width, bar_height, out
    )
