"""A programme's figures from plain rows, with no names: numbers referred, accepted, active and completed per
year against capacity, completion and attendance rates, outcomes by phase and type, reoffending at 6 and 12
months; as rows for a CSV and as a small server-drawn SVG bar chart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from .rules import ABSENT, ACTIVE, ATTENDED, COMPLETED, LEFT

ACCEPTED_STATES = frozenset({ACTIVE, COMPLETED, LEFT})
REOFFENDING_RESULTS = ("none", "offending", "unknown", "pending")


@dataclass(frozen=True)
class Participant:
    """One referral, without who it is."""

    status: str
    referred_on: date
    accepted_on: date | None = None
    left_on: date | None = None


@dataclass(frozen=True)
class Outcome:
    kind: str
    phase: str  # the phase's label, or "" when not tied to one


@dataclass(frozen=True)
class Check:
    months: int
    result: str  # none, offending, unknown, or pending (not yet recorded)


@dataclass(frozen=True)
class YearRow:
    year: int
    referred: int
    accepted: int
    active: int
    completed: int
    capacity: int

    @property
    def capacity_used(self) -> float | None:
        """People active in the year as a share of the yearly capacity."""
        return self.active / self.capacity if self.capacity else None


@dataclass(frozen=True)
class ProgrammeReport:
    years: list[YearRow]
    referred: int
    accepted: int
    active_now: int
    completed: int
    left_early: int
    completion_rate: float | None
    attended: int
    absent: int
    attendance_rate: float | None
    outcomes_by_kind: dict[str, int]
    outcomes_by_phase: dict[str, int]
    reoffending: dict[int, dict[str, int]] = field(default_factory=dict)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def programme_report(
    *,
    participants: Sequence[Participant],
    marks: Iterable[str],
    outcomes: Iterable[Outcome],
    checks: Iterable[Check],
    capacity: int,
    check_months: Sequence[int],
    today: date,
) -> ProgrammeReport:
    """The figures of one programme up to ``today``."""
    accepted = [p for p in participants if p.status in ACCEPTED_STATES and p.accepted_on is not None]
    years = sorted({p.referred_on.year for p in participants} | {p.accepted_on.year for p in accepted if p.accepted_on})
    rows: list[YearRow] = []
    for year in years:
        start, end = date(year, 1, 1), date(year, 12, 31)
        rows.append(
            YearRow(
                year=year,
                referred=sum(1 for p in participants if p.referred_on.year == year),
                accepted=sum(1 for p in accepted if p.accepted_on and p.accepted_on.year == year),
                active=sum(
                    1
                    for p in accepted
                    if p.accepted_on and p.accepted_on <= min(end, today) and (p.left_on is None or p.left_on >= start)
                ),
                completed=sum(1 for p in accepted if p.status == COMPLETED and p.left_on and p.left_on.year == year),
                capacity=capacity,
            )
        )
    completed = sum(1 for p in accepted if p.status == COMPLETED)
    left_early = sum(1 for p in accepted if p.status == LEFT)
    marks = list(marks)
    attended, absent = marks.count(ATTENDED), marks.count(ABSENT)
    outcomes = list(outcomes)
    reoffending: dict[int, dict[str, int]] = {m: dict.fromkeys(REOFFENDING_RESULTS, 0) for m in check_months}
    for c in checks:
        if c.months in reoffending and c.result in reoffending[c.months]:
            reoffending[c.months][c.result] += 1
    return ProgrammeReport(
        years=rows,
        referred=len(participants),
        accepted=len(accepted),
        active_now=sum(1 for p in accepted if p.status == ACTIVE),
        completed=completed,
        left_early=left_early,
        completion_rate=_rate(completed, completed + left_early),
        attended=attended,
        absent=absent,
        attendance_rate=_rate(attended, attended + absent),
        outcomes_by_kind=dict(Counter(o.kind for o in outcomes).most_common()),
        outcomes_by_phase=dict(Counter(o.phase or "Not tied to a phase" for o in outcomes).most_common()),
        reoffending=reoffending,
    )


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def report_rows(report: ProgrammeReport, kind_labels: dict[str, str] | None = None) -> list[list[str]]:
    """The report as CSV rows (section, measure, value): counts and rates only, never a name."""
    labels = kind_labels or {}
    out: list[list[str]] = [["section", "measure", "value"]]
    for y in report.years:
        for name, value in (
            ("referred", y.referred),
            ("accepted", y.accepted),
            ("active", y.active),
            ("completed", y.completed),
            ("capacity", y.capacity),
        ):
            out.append([f"year {y.year}", name, str(value)])
        out.append([f"year {y.year}", "capacity used", _pct(y.capacity_used)])
    out += [
        ["overall", "referred", str(report.referred)],
        ["overall", "accepted", str(report.accepted)],
        ["overall", "active now", str(report.active_now)],
        ["overall", "completed", str(report.completed)],
        ["overall", "left early", str(report.left_early)],
        ["overall", "completion rate", _pct(report.completion_rate)],
        ["overall", "sessions attended", str(report.attended)],
        ["overall", "sessions missed", str(report.absent)],
        ["overall", "attendance rate", _pct(report.attendance_rate)],
    ]
    out += [["outcomes by type", labels.get(k, k), str(n)] for k, n in report.outcomes_by_kind.items()]
    out += [["outcomes by phase", k, str(n)] for k, n in report.outcomes_by_phase.items()]
    for months, results in report.reoffending.items():
        out += [[f"reoffending at {months} months", r, str(n)] for r, n in results.items()]
    return out


SERIES = (
    ("referred", "Referred", "#1d70b8"),
    ("accepted", "Accepted", "#00703c"),
    ("completed", "Completed", "#f47738"),
)


def year_chart_svg(report: ProgrammeReport, *, title: str = "Young people per year against capacity") -> str:
    """A grouped bar chart (referred, accepted, completed per year) with the yearly capacity as a dashed line.
    Every text is escaped; no ``style`` attribute is used (the pages' CSP forbids inline styles)."""
    width, height, left, bottom, top = 640, 320, 48, 40, 36
    plot_w, plot_h = width - left - 16, height - bottom - top
    years = report.years
    peak = max([1] + [max(y.referred, y.accepted, y.completed, y.capacity) for y in years])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="prevent-chart-title" class="app-prevent-chart" width="100%">',
        f'<title id="prevent-chart-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#0b0c0c"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="12">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="12">0</text>',
    ]
    for i, (_, label, colour) in enumerate(SERIES):
        x = left + i * 130
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="18" font-size="12">{escape(label)}</text>')
    cap_x = left + 3 * 130
    parts.append(f'<line x1="{cap_x}" y1="14" x2="{cap_x + 12}" y2="14" stroke="#d4351c" stroke-dasharray="4 2"/>')
    parts.append(f'<text x="{cap_x + 16}" y="18" font-size="12">Capacity</text>')
    if years:
        group = plot_w / len(years)
        bar = max(4.0, min(40.0, group / (len(SERIES) + 1)))
        for g, y in enumerate(years):
            x0 = left + g * group + (group - bar * len(SERIES)) / 2
            for i, (attr, label, colour) in enumerate(SERIES):
                value = getattr(y, attr)
                h = plot_h * value / peak
                parts.append(
                    f'<rect x="{x0 + i * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{y.year}: {escape(label)} {value}</title></rect>'
                )
            cap_y = top + plot_h - plot_h * y.capacity / peak
            x1, x2 = left + g * group, left + (g + 1) * group
            parts.append(
                f'<line x1="{x1:.1f}" y1="{cap_y:.1f}" x2="{x2:.1f}" y2="{cap_y:.1f}" '
                f'stroke="#d4351c" stroke-dasharray="4 2"/>'
            )
            parts.append(
                f'<text x="{left + g * group + group / 2:.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
                f'font-size="12">{y.year}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
