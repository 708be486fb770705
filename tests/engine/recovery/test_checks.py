"""Cash seizure, detention orders, forfeiture notices, freezing orders and time to pay against the rules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from sochub.engine.recovery import (
    Rules,
    account_freezing_order,
    cash_seizure,
    detention_order,
    objection_deadline,
    time_to_pay,
)

SEIZED = datetime(2026, 1, 8, 14)  # Thursday


def test_cash_below_the_minimum_is_refused(rules: Rules) -> None:
    check = cash_seizure(seized_at=SEIZED, amount_pounds=Decimal("999"), nation="england-wales", rules=rules)
    assert not check.ok
    assert check.problems == [
        "£999.00 is below the minimum amount of £1,000 for a cash seizure (POCA 2002 s294 "
        "and s303 (minimum amount); SCA 2015 EN para 12)"
    ]


def test_cash_at_the_minimum_is_allowed_and_detention_ends_after_48_working_hours(rules: Rules) -> None:
    check = cash_seizure(seized_at=SEIZED, amount_pounds=Decimal("1000"), nation="england-wales", rules=rules)
    assert check.ok
    assert check.initial_detention_ends == datetime(2026, 1, 12, 14)
    assert check.source_rule.startswith("initial_detention_hours (POCA 2002 s295")


def test_a_six_month_detention_order_is_accepted_and_seven_refused(rules: Rules) -> None:
    six = detention_order(seizure=SEIZED, previous_orders=[], granted_on=date(2026, 1, 10), months=6, rules=rules)
    assert six.ok
    assert six.ends_on == date(2026, 7, 9)
    assert six.limit_on == date(2028, 1, 9)
    seven = detention_order(seizure=SEIZED, previous_orders=[], granted_on=date(2026, 1, 10), months=7, rules=rules)
    assert not seven.ok
    assert "7 months is more than the 6 months a detention order may last" in seven.problems[0]


def test_a_chain_of_orders_may_reach_two_years_from_the_first_but_not_go_beyond(rules: Rules) -> None:
    orders: list[tuple[date, date]] = []
    granted = date(2026, 1, 10)
    for _ in range(4):
        check = detention_order(seizure=SEIZED, previous_orders=orders, granted_on=granted, months=6, rules=rules)
        assert check.ok, check.problems
        orders.append((granted, check.ends_on))
        granted = check.ends_on  # the next order is made on the last day of the one before
    assert orders[-1][1] == date(2028, 1, 6)
    beyond = detention_order(seizure=SEIZED, previous_orders=orders, granted_on=granted, months=6, rules=rules)
    assert not beyond.ok
    assert beyond.problems == [
        "the order would run to 2028-07-05, beyond 2028-01-09: detention may not go beyond 24 months from the "
        "first order on 2026-01-10 (POCA 2002 s295(2)(b); Policing and Crime Act 2009 EN)"
    ]
    # a shorter last order that stays within the two years is fine
    last = detention_order(seizure=SEIZED, previous_orders=orders[:3], granted_on=orders[2][1], months=6, rules=rules)
    assert last.ok and last.ends_on <= last.limit_on


def test_a_detention_order_after_the_last_one_lapsed_or_before_the_seizure_is_flagged(rules: Rules) -> None:
    lapsed = detention_order(
        seizure=SEIZED,
        previous_orders=[(date(2026, 1, 10), date(2026, 7, 9))],
        granted_on=date(2026, 7, 20),
        months=3,
        rules=rules,
    )
    assert any("detention lapsed" in p for p in lapsed.problems)
    early = detention_order(seizure=SEIZED, previous_orders=[], granted_on=date(2026, 1, 1), months=1, rules=rules)
    assert any("before the seizure" in p for p in early.problems)


def test_objection_periods_start_the_day_after_the_notice(rules: Rules) -> None:
    assert objection_deadline("afn", date(2026, 3, 2), rules) == date(2026, 4, 1)
    assert objection_deadline("acfn", date(2026, 3, 2), rules) == date(2026, 4, 1)
    assert objection_deadline("afn", date(2026, 3, 2), rules, days=45) == date(2026, 4, 16)
    with pytest.raises(ValueError, match="shorter than the minimum of 30 days"):
        objection_deadline("afn", date(2026, 3, 2), rules, days=20)
    with pytest.raises(ValueError, match="unknown notice"):
        objection_deadline("sar", date(2026, 3, 2), rules)  # type: ignore[arg-type]


def test_an_account_freezing_order_may_not_exceed_two_years(rules: Rules) -> None:
    ok = account_freezing_order(made_on=date(2026, 2, 1), months=24, rules=rules)
    assert ok.ok and ok.ends_on == date(2028, 1, 31)
    too_long = account_freezing_order(made_on=date(2026, 2, 1), months=25, rules=rules)
    assert "25 months is more than the 24 months" in too_long.problems[0]


def test_time_to_pay_is_three_months_or_six_with_an_extension(rules: Rules) -> None:
    on_the_day = time_to_pay(made_on=date(2026, 5, 1), months=0, rules=rules)
    assert on_the_day.ok and on_the_day.ends_on == date(2026, 5, 1)
    three = time_to_pay(made_on=date(2026, 5, 1), months=3, rules=rules)
    assert three.ok and three.ends_on == date(2026, 7, 31)
    four = time_to_pay(made_on=date(2026, 5, 1), months=4, rules=rules)
    assert not four.ok and "without an extension" in four.problems[0]
    six = time_to_pay(made_on=date(2026, 5, 1), months=6, rules=rules, extended=True)
    assert six.ok and six.ends_on == date(2026, 10, 31)
    seven = time_to_pay(made_on=date(2026, 5, 1), months=7, rules=rules, extended=True)
    assert not seven.ok
