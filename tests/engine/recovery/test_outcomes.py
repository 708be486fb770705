"""Notice outcomes timed against the objection period, compliance order kinds, the deadlines they add, totals of
several measures side by side, and long dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from sochub.engine.recovery import (
    OUTCOME_IDS,
    Rules,
    RulesError,
    account_freezing_order,
    deadlines_for,
    long_date,
    measure_totals,
    notice_outcome,
    parse_rules,
)

GIVEN, DEADLINE = date(2026, 3, 20), date(2026, 4, 19)


def test_forfeiture_is_recorded_only_after_the_objection_period(rules: Rules) -> None:
    early = notice_outcome(
        outcome="forfeited", given_on=GIVEN, objection_deadline=DEADLINE, decided_on=DEADLINE, rules=rules
    )
    assert early and "only after the objection period ends at the end of Sunday 19 April 2026" in early[0]
    assert (
        notice_outcome(
            outcome="forfeited", given_on=GIVEN, objection_deadline=DEADLINE, decided_on=date(2026, 4, 20), rules=rules
        )
        == []
    )


def test_an_objection_is_recorded_only_within_the_period(rules: Rules) -> None:
    assert (
        notice_outcome(
            outcome="objected", given_on=GIVEN, objection_deadline=DEADLINE, decided_on=DEADLINE, rules=rules
        )
        == []
    )
    late = notice_outcome(
        outcome="objected", given_on=GIVEN, objection_deadline=DEADLINE, decided_on=date(2026, 4, 20), rules=rules
    )
    assert "an objection must be made by the end of Sunday 19 April 2026" in late[0]


def test_withdrawal_any_time_after_the_notice_and_unknown_outcomes_refused(rules: Rules) -> None:
    for day in (GIVEN, date(2026, 4, 1), date(2026, 6, 1)):
        assert (
            notice_outcome(
                outcome="withdrawn", given_on=GIVEN, objection_deadline=DEADLINE, decided_on=day, rules=rules
            )
            == []
        )
    before = notice_outcome(
        outcome="withdrawn", given_on=GIVEN, objection_deadline=DEADLINE, decided_on=date(2026, 3, 19), rules=rules
    )
    assert "before the notice was given on Friday 20 March 2026" in before[0]
    assert (
        "unknown outcome 'lost'"
        in notice_outcome(outcome="lost", given_on=GIVEN, objection_deadline=DEADLINE, decided_on=GIVEN, rules=rules)[0]
    )


def test_the_rules_list_outcomes_and_compliance_order_kinds(rules: Rules, raw: dict[str, Any]) -> None:
    assert [o.id for o in rules.notice_outcomes] == list(OUTCOME_IDS)
    assert [k.id for k in rules.compliance_order.kinds] == ["travel_restriction", "passport_surrender", "other"]
    assert rules.compliance_order.kind_label("passport_surrender") == "Surrender of passport"
    assert rules.compliance_order.kind_label("curfew") is None
    raw["notice_outcomes"] = [o for o in raw["notice_outcomes"] if o["id"] != "forfeited"]
    with pytest.raises(RulesError, match=r"notice_outcomes\.forfeited: this outcome is missing"):
        parse_rules(raw)


def test_a_must_consider_item_must_be_a_kind(raw: dict[str, Any]) -> None:
    raw["compliance_order"]["kinds"] = [k for k in raw["compliance_order"]["kinds"] if k["id"] != "travel_restriction"]
    with pytest.raises(RulesError, match=r"compliance_order\.must_consider\.travel_restriction: not one of"):
        parse_rules(raw)
    raw["compliance_order"]["kinds"] = []
    with pytest.raises(RulesError, match=r"compliance_order\.kinds"):
        parse_rules(raw)


def test_a_bad_timing_is_refused(raw: dict[str, Any]) -> None:
    raw["notice_outcomes"][0]["timing"] = "whenever"
    with pytest.raises(RulesError, match=r"notice_outcomes\.0\.timing|notice_outcomes.*timing"):
        parse_rules(raw)


def test_a_freezing_order_below_the_minimum_amount_is_refused(rules: Rules) -> None:
    low = account_freezing_order(made_on=date(2026, 2, 1), months=6, rules=rules, amount_pounds=Decimal("999.99"))
    assert "£999.99 is below the minimum amount of £1,000" in low.problems[0]
    assert account_freezing_order(made_on=date(2026, 2, 1), months=6, rules=rules, amount_pounds=Decimal(1000)).ok


def test_longer_objection_periods_extensions_and_compliance_reviews(rules: Rules) -> None:
    case = {
        "afn_given_on": GIVEN,
        "afn_objection_days": 45,
        "confiscation_made_on": date(2026, 5, 1),
        "time_to_pay_months": 6,
        "time_to_pay_extended": True,
        "compliance_reviews": [("Surrender of passport", date(2026, 6, 15))],
    }
    found = {d.kind: (d.due, d.label) for d in deadlines_for(case, rules)}
    assert found["afn_objection"][0] == date(2026, 5, 4)
    assert found["time_to_pay"][0] == date(2026, 10, 31)
    assert found["compliance_review"] == (date(2026, 6, 15), "Compliance order to be reviewed: Surrender of passport")


def test_measures_side_by_side() -> None:
    rows = [
        {"agency": "GMP", "measure": "seized", "date": date(2026, 1, 5), "amount": Decimal("1500")},
        {"agency": "GMP", "measure": "seized", "date": datetime(2026, 1, 20, 9), "amount": Decimal("500.50")},
        {"agency": "GMP", "measure": "frozen", "date": date(2026, 2, 1), "amount": Decimal("9000")},
        {"agency": "HMRC", "measure": "paid", "date": date(2026, 1, 9), "amount": Decimal("100")},
        {"agency": "HMRC", "measure": "ignored", "date": date(2026, 1, 9), "amount": Decimal("1")},
    ]
    assert measure_totals(rows, ["agency", "month"], ["seized", "frozen", "paid"]) == [
        {
            "agency": "GMP",
            "month": "2026-01",
            "seized": Decimal("2000.50"),
            "frozen": Decimal(0),
            "paid": Decimal(0),
            "seized_count": 2,
            "frozen_count": 0,
            "paid_count": 0,
        },
        {
            "agency": "GMP",
            "month": "2026-02",
            "seized": Decimal(0),
            "frozen": Decimal("9000"),
            "paid": Decimal(0),
            "seized_count": 0,
            "frozen_count": 1,
            "paid_count": 0,
        },
        {
            "agency": "HMRC",
            "month": "2026-01",
            "seized": Decimal(0),
            "frozen": Decimal(0),
            "paid": Decimal("100"),
            "seized_count": 0,
            "frozen_count": 0,
            "paid_count": 1,
        },
    ]
    assert measure_totals([], ["agency"], ["seized"]) == []


def test_long_dates_read_as_people_write_them() -> None:
    assert long_date(date(2025, 3, 14)) == "Friday 14 March 2025"
    assert long_date(datetime(2026, 5, 27, 18, 0)) == "Wednesday 27 May 2026"
