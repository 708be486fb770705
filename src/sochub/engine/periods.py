"""Calendar periods for counts and totals, labelled the same way in every report (disruptions, asset
recovery, suspicious activity reports)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

PERIODS = ("month", "quarter", "year")
Period = Literal["month", "quarter", "year"]


def period_label(day: date, period: str) -> str:
    """The calendar period a day falls in: ``2025-03``, ``2025-Q1`` or ``2025``."""
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if period == "year":
        return str(day.year)
    raise ValueError(f"unknown period {period!r} (periods: {', '.join(PERIODS)})")


def as_date(value: Any, what: str) -> date:
    """A date from a date, a datetime or an ISO string; otherwise ValueError naming ``what`` (e.g. "row 3: date")."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ValueError(f"{what} {value!r} is not a date (YYYY-MM-DD)")
