"""Counts of suspicious activity reports by reporting sector and calendar period, and the comparison of two
periods that measures a campaign (the 'Flag it up' measure: the % change in reports from the legal and
accounting sectors).

Rows in are plain mappings with ``sector`` and ``submitted_on``; nothing about a report's subjects is read, so
no count can be broken down by person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..periods import PERIODS, as_date, period_label
from .reference_data import SECTOR_IDS


def _rows(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str, date]]:
    out = []
    for n, row in enumerate(rows):
        sector = row.get("sector")
        if sector not in SECTOR_IDS:
            raise ValueError(f"row {n}: sector {sector!r} is not in the controlled list")
        out.append((str(sector), as_date(row.get("submitted_on"), f"row {n}: submitted_on")))
    return out


@dataclass(frozen=True)
class CountTable:
    """Counts by period (rows, oldest first) and sector (columns, in the controlled list's order)."""

    period: str
    periods: list[str]
    sectors: list[str]
    cells: dict[tuple[str, str], int]
    """(period, sector) -> count; a missing pair is 0."""

    def count(self, period: str, sector: str) -> int:
        return self.cells.get((period, sector), 0)

    def period_total(self, period: str) -> int:
        return sum(self.count(period, s) for s in self.sectors)

    def sector_total(self, sector: str) -> int:
        return sum(self.count(p, sector) for p in self.periods)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def long_rows(self) -> list[dict[str, Any]]:
        """One row per period and sector (zeros included), for CSV and the API."""
        return [{"period": p, "sector": s, "count": self.count(p, s)} for p in self.periods for s in self.sectors]


def _period_labels(start: date, end: date, period: str) -> list[str]:
    """Every period label from ``start`` to ``end``, so a period with no reports still shows as 0."""
    labels: list[str] = []
    day = start.replace(day=1)
    while day <= end:
        label = period_label(day, period)
        if not labels or labels[-1] != label:
            labels.append(label)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return labels


def counts_by_sector(
    rows: Iterable[Mapping[str, Any]],
    *,
    period: str = "month",
    start: date | None = None,
    end: date | None = None,
    sectors: Sequence[str] | None = None,
) -> CountTable:
    """Reports counted by period and sector between ``start`` and ``end`` (inclusive; open when None), for
    ``sectors`` (all when None). Every period between the first and the last shows, even with no report."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r} (periods: {', '.join(PERIODS)})")
    chosen = [s for s in SECTOR_IDS if sectors is None or s in sectors]
    unknown = [s for s in (sectors or []) if s not in SECTOR_IDS]
    if unknown:
        raise ValueError(f"unknown sector {unknown[0]!r}")
    kept = [
        (s, d) for s, d in _rows(rows) if s in chosen and (start is None or d >= start) and (end is None or d <= end)
    ]
    cells: dict[tuple[str, str], int] = {}
    for sector, day in kept:
        key = (period_label(day, period), sector)
        cells[key] = cells.get(key, 0) + 1
    first = start or (min(d for _, d in kept) if kept else None)
    last = end or (max(d for _, d in kept) if kept else None)
    periods = _period_labels(first, last, period) if first and last and first <= last else []
    return CountTable(period=period, periods=periods, sectors=chosen, cells=cells)


@dataclass(frozen=True)
class SectorChange:
    sector: str
    before: int
    after: int
    change_pct: float | None


@dataclass(frozen=True)
class Comparison:
    """Reports from chosen sectors in two periods, and the % change from the first to the second."""

    sectors: list[str]
    before_start: date
    before_end: date
    after_start: date
    after_end: date
    before: int
    after: int
    change_pct: float | None
    """None when there were no reports in the first period (a change from nothing has no percentage)."""
    by_sector: list[SectorChange]
    target_pct: float | None
    before_days: int
    after_days: int
    rate_change_pct: float | None
    """The change in reports per day: the fair measure when the two periods differ in length."""

    @property
    def met(self) -> bool | None:
        """Whether the change reached the target (None without a target or a percentage)."""
        if self.target_pct is None or self.change_pct is None:
            return None
        return self.change_pct >= self.target_pct

    @property
    def same_length(self) -> bool:
        return self.before_days == self.after_days


def pct_change(before: int | float, after: int | float) -> float | None:
    """The % change from ``before`` to ``after``, rounded to one decimal place; None from nothing."""
    if before == 0:
        return None
    return round((after - before) / before * 100, 1)


def compare_periods(
    rows: Iterable[Mapping[str, Any]],
    *,
    sectors: Sequence[str],
    before: tuple[date, date],
    after: tuple[date, date],
    target_pct: float | None = None,
) -> Comparison:
    """Compare the reports from ``sectors`` in the period ``before`` with the period ``after`` (each a first and
    last day, inclusive). The periods must not overlap and the first must come first."""
    if not sectors:
        raise ValueError("choose at least one sector")
    for s in sectors:
        if s not in SECTOR_IDS:
            raise ValueError(f"unknown sector {s!r}")
    (b0, b1), (a0, a1) = before, after
    if b1 < b0 or a1 < a0:
        raise ValueError("each period must end on or after the day it starts")
    if a0 <= b1:
        raise ValueError("the second period must start after the first one ends")
    chosen = [s for s in SECTOR_IDS if s in sectors]
    tally = {s: [0, 0] for s in chosen}
    for sector, day in _rows(rows):
        if sector not in tally:
            continue
        if b0 <= day <= b1:
            tally[sector][0] += 1
        elif a0 <= day <= a1:
            tally[sector][1] += 1
    total_before = sum(v[0] for v in tally.values())
    total_after = sum(v[1] for v in tally.values())
    before_days, after_days = (b1 - b0).days + 1, (a1 - a0).days + 1
    return Comparison(
        sectors=chosen,
        before_start=b0,
        before_end=b1,
        after_start=a0,
        after_end=a1,
        before=total_before,
        after=total_after,
        change_pct=pct_change(total_before, total_after),
        by_sector=[SectorChange(s, v[0], v[1], pct_change(v[0], v[1])) for s, v in tally.items()],
        target_pct=target_pct,
        before_days=before_days,
        after_days=after_days,
        rate_change_pct=pct_change(total_before / before_days, total_after / after_days),
    )
