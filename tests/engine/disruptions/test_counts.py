"""Counts per OCG, theme, agency and period, validated disruptions only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from sochub.engine.disruptions import counts, period_label

ROWS: list[dict[str, Any]] = [
    {"ocg": "OCG-1", "theme": "drugs", "agency": "police", "impact": "major", "date": "2025-01-05", "validated": True},
    {
        "ocg": "OCG-1",
        "theme": "drugs",
        "agency": "hmrc",
        "impact": "minor",
        "date": date(2025, 1, 20),
        "validated": True,
    },
    {"ocg": "OCG-1", "theme": "drugs", "agency": "police", "impact": "minor", "date": "2025-02-01", "validated": True},
    {"ocg": "OCG-1", "theme": "drugs", "agency": "police", "impact": "major", "date": "2025-01-09", "validated": False},
    {
        "ocg": "OCG-2",
        "theme": "fraud",
        "agency": "dwp",
        "impact": "negative",
        "date": datetime(2025, 1, 3, 9, 30),
        "validated_by": "ds.patel",
    },
    {"ocg": "OCG-2", "theme": "fraud", "agency": "police", "impact": "none", "date": "2025-04-30", "validated_by": ""},
]

ZERO = {"major": 0, "moderate": 0, "minor": 0, "none": 0, "negative": 0}


def test_counts_by_ocg_and_month_leave_out_unvalidated() -> None:
    assert counts(ROWS, ["ocg"], period="month") == [
        {"ocg": "OCG-1", "period": "2025-01", "total": 2, **ZERO, "major": 1, "minor": 1},
        {"ocg": "OCG-1", "period": "2025-02", "total": 1, **ZERO, "minor": 1},
        {"ocg": "OCG-2", "period": "2025-01", "total": 1, **ZERO, "negative": 1},
    ]


def test_unvalidated_rows_count_when_asked() -> None:
    result = counts(ROWS, ["ocg"], include_unvalidated=True)
    assert result == [
        {"ocg": "OCG-1", "total": 4, **ZERO, "major": 2, "minor": 2},
        {"ocg": "OCG-2", "total": 2, **ZERO, "negative": 1, "none": 1},
    ]
    assert "net" not in str(result)


def test_counts_by_theme_agency_and_quarter_or_year() -> None:
    assert counts(ROWS, ["theme", "agency"], period="quarter") == [
        {"theme": "drugs", "agency": "hmrc", "period": "2025-Q1", "total": 1, **ZERO, "minor": 1},
        {"theme": "drugs", "agency": "police", "period": "2025-Q1", "total": 2, **ZERO, "major": 1, "minor": 1},
        {"theme": "fraud", "agency": "dwp", "period": "2025-Q1", "total": 1, **ZERO, "negative": 1},
    ]
    assert counts(ROWS, [], period="year") == [
        {"period": "2025", "total": 4, **ZERO, "major": 1, "minor": 2, "negative": 1}
    ]
    assert counts([], ["ocg"]) == []


def test_period_labels() -> None:
    assert period_label(date(2025, 12, 31), "month") == "2025-12"
    assert period_label(date(2025, 10, 1), "quarter") == "2025-Q4"
    assert period_label(date(2025, 3, 31), "quarter") == "2025-Q1"
    with pytest.raises(ValueError, match="unknown period 'week'"):
        period_label(date(2025, 1, 1), "week")


def test_bad_rows_are_named() -> None:
    with pytest.raises(ValueError, match="row 0: no ocg"):
        counts([{"impact": "major", "validated": True}], ["ocg"])
    with pytest.raises(ValueError, match="row 0: impact 'huge' is not a level"):
        counts([{"ocg": "A", "impact": "huge", "validated": True}], ["ocg"])
    with pytest.raises(ValueError, match="row 0: date 'soon' is not a date"):
        counts([{"ocg": "A", "impact": "major", "date": "soon", "validated": True}], ["ocg"], period="month")
    with pytest.raises(ValueError, match="cannot group by total"):
        counts(ROWS, ["total"])
