"""Scoring a victim: points, priority, reasons and due dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sochub.engine.victims import Checklist, assess, parse_checklist, review_due, visit_due


def test_older_person_alone_hit_by_courier_fraud_is_high_priority(default: Checklist) -> None:
    result = assess(default, age=82, loss_pounds=4500, indicators=["lives_alone", "courier_or_impersonation"])
    assert result.priority.id == "high"
    assert result.visit_within_days == 2
    assert result.points == 3 + 1 + 2 + 3
    assert result.reasons[0] == "Aged 82 (3 points)"
    assert result.reasons[1] == "Lost £4,500 (1 point)"
    assert "Lives alone (2 points)" in result.reasons
    assert any(r.startswith("Courier fraud") and "high priority on its own" in r for r in result.reasons)
    assert result.high_on_its_own == ("courier_or_impersonation",)
    assert "bank_liaison" in result.measures
    data = result.as_dict()
    assert data["priority"] == "high" and data["volunteer"] is True and data["review_every_days"] == 14
    assert data["reasons"] == result.reasons


def test_younger_person_with_one_small_loss_is_standard(default: Checklist) -> None:
    result = assess(default, age=66, loss_pounds=1200, indicators=[])
    assert result.priority.id == "standard"
    assert result.points == 2
    assert result.visit_within_days == 14
    assert result.reasons == ["Aged 66 (1 point)", "Lost £1,200 (1 point)"]
    assert not result.priority.volunteer


def test_an_always_high_indicator_decides_on_its_own(default: Checklist) -> None:
    result = assess(default, age=None, loss_pounds=None, indicators=["cognitive_impairment"])
    assert result.points == 3
    assert result.priority.id == "high"
    assert result.reasons == ["Cognitive impairment: high priority on its own (3 points)"]


def test_points_set_the_priority_bands(default: Checklist) -> None:
    medium = assess(default, age=76, loss_pounds=None, indicators=["isolated"])
    assert (medium.points, medium.priority.id, medium.visit_within_days) == (4, "medium", 7)
    high = assess(default, age=76, loss_pounds=25_000, indicators={"isolated", "shame"})
    assert (high.points, high.priority.id) == (2 + 3 + 2 + 1, "high")
    nothing = assess(default, age=40, loss_pounds=50, indicators=())
    assert (nothing.points, nothing.priority.id, nothing.reasons) == (0, "standard", [])


def test_repeated_indicator_counts_once(default: Checklist) -> None:
    assert assess(default, age=None, loss_pounds=None, indicators=["shame", "shame"]).points == 1


def test_unknown_indicator_is_refused_by_name(default: Checklist) -> None:
    with pytest.raises(ValueError, match="'abducted_by_aliens'"):
        assess(default, age=70, loss_pounds=10, indicators=["lives_alone", "abducted_by_aliens"])
    with pytest.raises(ValueError, match="age"):
        assess(default, age=-1, loss_pounds=None, indicators=[])
    with pytest.raises(ValueError, match="negative"):
        assess(default, age=None, loss_pounds=-5, indicators=[])


def test_due_dates(default: Checklist) -> None:
    high = assess(default, age=None, loss_pounds=None, indicators=["scammer_in_contact_now"])
    assert visit_due(high, date(2025, 2, 27)) == date(2025, 3, 1)
    standard = assess(default, age=None, loss_pounds=None, indicators=[])
    assert visit_due(standard, date(2024, 12, 25)) == date(2025, 1, 8)
    assert review_due(default, "high", date(2025, 1, 1)) == date(2025, 1, 15)
    assert review_due(default, "medium", date(2025, 1, 31)) == date(2025, 3, 2)
    assert review_due(default, "standard", date(2025, 1, 1)) == date(2025, 4, 1)
    with pytest.raises(KeyError):
        review_due(default, "urgent", date(2025, 1, 1))


def test_a_zero_point_indicator_is_still_a_reason(raw: dict[str, Any]) -> None:
    raw["indicators"][-1]["points"] = 0
    checklist = parse_checklist(raw)
    ident = raw["indicators"][-1]["id"]
    result = assess(checklist, age=None, loss_pounds=None, indicators=[ident])
    assert result.reasons == [checklist.indicator(ident).label]
