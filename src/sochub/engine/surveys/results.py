"""Results of a survey: counts per option or scale point, figures for numbers, the text answers; bar charts as
geometry for an SVG drawn by the page; response rates by audience group; and the responses as CSV rows."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sochub.engine.imports.cells import escape_cell

from .definition import CHOICE_KINDS, KIND_LABELS, Question


@dataclass(frozen=True)
class QuestionResult:
    """What the submitted responses said to one question.

    ``counts`` holds (option or scale point, how many chose it) for choice and scale questions, in the
    question's order; ``figures`` the count, lowest, highest, total, mean and median of a number question;
    ``texts`` the (respondent, text) pairs of a free-text question.
    """

    question: Question
    responses: int
    """Responses counted (submitted ones)."""
    answered: int
    """Of those, how many answered this question."""
    counts: list[tuple[str, int]] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)
    texts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.question.kind, self.question.kind)

    @property
    def has_chart(self) -> bool:
        return bool(self.counts)


def _figures(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "count": float(len(values)),
        "lowest": min(values),
        "highest": max(values),
        "total": sum(values),
        "mean": round(statistics.fmean(values), 2),
        "median": float(statistics.median(values)),
    }


def aggregate(
    questions: Sequence[Question], responses: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[QuestionResult]:
    """One result per question from the submitted ``responses`` as (respondent's name, answers by key)."""
    results: list[QuestionResult] = []
    for question in questions:
        given = [(who, answers[question.key]) for who, answers in responses if question.key in answers]
        if question.kind in CHOICE_KINDS:
            tally = dict.fromkeys(question.options, 0)
            for _, value in given:
                for chosen in [value] if isinstance(value, str) else list(value):
                    if chosen in tally:
                        tally[chosen] += 1
            results.append(QuestionResult(question, len(responses), len(given), counts=list(tally.items())))
        elif question.kind == "scale":
            points = dict.fromkeys((str(p) for p in question.scale_points), 0)
            for _, value in given:
                if str(value) in points:
                    points[str(value)] += 1
            results.append(QuestionResult(question, len(responses), len(given), counts=list(points.items())))
        elif question.kind == "number":
            numbers = [float(v) for _, v in given if isinstance(v, (int, float)) and not isinstance(v, bool)]
            results.append(QuestionResult(question, len(responses), len(given), figures=_figures(numbers)))
        else:
            texts = [(who, str(v)) for who, v in given]
            results.append(QuestionResult(question, len(responses), len(given), texts=texts))
    return results


@dataclass(frozen=True)
class BarRow:
    label: str
    """As drawn (shortened when long); ``full_label`` is in the bar's tooltip and in the table."""
    full_label: str
    count: int
    y: float
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart's geometry in SVG user units; the template draws it (no inline styles)."""

    id: str
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    bar_height: int
    rows: list[BarRow]


LABEL_CHARS = 38


def bar_chart(
    chart_id: str,
    title: str,
    counts: Sequence[tuple[str, int]],
    *,
    width: int = 640,
    label_width: int = 280,
    bar_height: int = 22,
    gap: int = 10,
) -> BarChart:
    """Bars sized against the largest count; the description lists every count for screen readers."""
    biggest = max((c for _, c in counts), default=0)
    room = width - label_width - 60
    rows: list[BarRow] = []
    for i, (label, count) in enumerate(counts):
        y = gap + i * (bar_height + gap)
        bar = room * count / biggest if biggest else 0.0
        shown = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"
        rows.append(BarRow(shown, label, count, float(y), float(bar), float(label_width + bar + 6)))
    height = gap + len(counts) * (bar_height + gap)
    desc = "; ".join(f"{label}: {count}" for label, count in counts) or "No answers yet."
    return BarChart(chart_id, title, desc, width, max(height, 40), label_width, bar_height, rows)


@dataclass(frozen=True)
class RateRow:
    group: str
    invited: int
    responded: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.responded / self.invited, 1) if self.invited else 0.0


def response_rate(audience: Iterable[tuple[str, bool]]) -> tuple[list[RateRow], RateRow]:
    """Rows per group (sorted by name) and the overall row, from (group name, has submitted) per agency."""
    invited: dict[str, int] = {}
    responded: dict[str, int] = {}
    for group, done in audience:
        invited[group] = invited.get(group, 0) + 1
        responded[group] = responded.get(group, 0) + (1 if done else 0)
    rows = [RateRow(g, invited[g], responded[g]) for g in sorted(invited)]
    return rows, RateRow("All agencies", sum(invited.values()), sum(responded.values()))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return escape_cell("; ".join(str(v) for v in value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return escape_cell(str(value))


def csv_table(
    questions: Sequence[Question], responses: Sequence[tuple[Mapping[str, str], Mapping[str, Any]]]
) -> tuple[list[str], list[list[str]]]:
    """Header and rows: the respondent columns (the keys of each response's first mapping, in order) then one
    column per question ("Q1. text"); multiple choices are joined with "; "; formula-like cells are escaped."""
    meta_keys = list(responses[0][0].keys()) if responses else ["Agency", "Status", "Submitted"]
    header = [escape_cell(k) for k in meta_keys] + [
        escape_cell(f"Q{i}. {q.text}") for i, q in enumerate(questions, start=1)
    ]
    rows = [
        [escape_cell(str(meta.get(k, ""))) for k in meta_keys] + [_cell(answers.get(q.key)) for q in questions]
        for meta, answers in responses
    ]
    return header, rows
