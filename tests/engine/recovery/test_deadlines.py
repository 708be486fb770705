"""Deadlines of a case, alerts for overdue and due soon, and totals by agency, region and period."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sochub.engine.recovery import Deadline, Rules, alerts, deadlines_for, totals


def test_deadlines_follow_from_the_events_of_a_case(rules: Rules) -> None:
    case = {
        "seized_at": datetime(2026, 4, 2, 17),
        "nation": "england-wales",
        "detention_orders": [(date(2026, 4, 8), date(2026, 10, 7))],
        "acfn_given_on": date(2026, 9, 1),
        "afo_made_on": date(2026, 2, 1),
        "afo_months": 6,
        "afn_given_on": date(2026, 6, 1),
        "confiscation_made_on": date(2026, 5, 1),
        "time_to_pay_months": 3,
    }
    found = {d.kind: d.due for d in deadlines_for(case, rules)}
    assert found == {
        "initial_detention": datetime(2026, 4, 8, 17),
        "detention_order": date(2026, 10, 7),
        "detention_limit": date(2028, 4, 7),
        "acfn_objection": date(2026, 10, 1),
        "afo": date(2026, 7, 31),
        "afn_objection": date(2026, 7, 1),
        "time_to_pay": date(2026, 7, 31),
    }
    ordered = deadlines_for(case, rules)
    assert [d.kind for d in ordered][:3] == ["initial_detention", "afn_objection", "afo"]
    assert all(d.source_rule for d in ordered)
    assert deadlines_for({}, rules) == []


def test_alerts_say_overdue_or_due_soon() -> None:
    now = datetime(2026, 4, 8, 12)
    passed = Deadline("initial_detention", "Initial detention ends", datetime(2026, 4, 8, 11), "r")
    today = Deadline("afn_objection", "Objection period ends", date(2026, 4, 8), "r")  # ends at midnight tonight
    soon = Deadline("afo", "AFO ends", date(2026, 4, 10), "r")
    later = Deadline("time_to_pay", "Pay", date(2026, 6, 1), "r")
    found = alerts([later, soon, today, passed], now, timedelta(days=3))
    assert [(a.level, a.deadline.kind) for a in found] == [
        ("overdue", "initial_detention"),
        ("due soon", "afn_objection"),
        ("due soon", "afo"),
    ]
    assert alerts([today], datetime(2026, 4, 9, 0), timedelta(days=1))[0].level == "overdue"


def test_totals_by_agency_and_month() -> None:
    rows = [
        {"agency": "Police", "region": "North", "date": date(2026, 1, 5), "amount": Decimal("1500")},
        {"agency": "Police", "region": "South", "date": date(2026, 1, 20), "amount": Decimal("2500.50")},
        {"agency": "HMRC", "region": "North", "date": date(2026, 1, 9), "amount": 4000},
        {"agency": "Police", "region": "North", "date": datetime(2026, 2, 1, 9), "amount": "1000"},
    ]
    assert totals(rows, ["agency", "month"]) == [
        {"agency": "HMRC", "month": "2026-01", "amount": Decimal("4000"), "count": 1},
        {"agency": "Police", "month": "2026-01", "amount": Decimal("4000.50"), "count": 2},
        {"agency": "Police", "month": "2026-02", "amount": Decimal("1000"), "count": 1},
    ]
    assert totals(rows, ["region", "quarter"]) == [
        {"region": "North", "quarter": "2026-Q1", "amount": Decimal("6500"), "count": 3},
        {"region": "South", "quarter": "2026-Q1", "amount": Decimal("2500.50"), "count": 1},
    ]
    assert totals(rows, []) == [{"amount": Decimal("9000.50"), "count": 4}]
    assert totals([], ["agency"]) == []
