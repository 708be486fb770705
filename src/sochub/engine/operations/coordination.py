"""The monthly coordination list of problem premises, and outcome totals of joint operations.

The list answers "which premises should partners visit this month?": higher risk first; within a risk level the
premises nobody has visited for longest (never visited first), because a recent visit means a partner has eyes
on it; then those with more open enforcement actions, which need follow-up; then the oldest entry on the register.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

RISK_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}
"""Rank of each risk level (lower comes first); an unknown level comes after them all."""


@dataclass(frozen=True)
class CoordinationRow:
    """One premises as the ranking sees it. ``key`` is whatever the caller uses to find it again."""

    key: Hashable
    risk_level: str
    last_visit: date | None
    open_actions: int
    registered_on: date


def _sort_key(row: CoordinationRow) -> tuple[Any, ...]:
    return (
        RISK_ORDER.get(row.risk_level, len(RISK_ORDER)),
        row.last_visit is not None,  # never visited first
        row.last_visit or date.min,  # then the longest since a visit
        -row.open_actions,
        row.registered_on,
        str(row.key),
    )


def rank_for_month(rows: Iterable[CoordinationRow], *, limit: int | None = None) -> list[CoordinationRow]:
    """The rows in the order partners should take them this month (see the module docstring)."""
    ranked = sorted(rows, key=_sort_key)
    return ranked if limit is None else ranked[: max(limit, 0)]


def days_since(last_visit: date | None, today: date) -> int | None:
    """Whole days from the last visit to today (None when never visited)."""
    return None if last_visit is None else (today - last_visit).days


def outcome_totals(rows: Iterable[tuple[str, int]], kinds: Iterable[str] = ()) -> dict[str, int]:
    """Sum of quantities per outcome kind; every kind in ``kinds`` appears, with 0 when nothing was recorded."""
    totals: dict[str, int] = dict.fromkeys(kinds, 0)
    for kind, quantity in rows:
        totals[kind] = totals.get(kind, 0) + int(quantity)
    return totals
