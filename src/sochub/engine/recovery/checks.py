"""Checks and deadlines for each POCA power: cash seizure, detention orders, notices, freezing orders, time to pay.

Each check returns what it found with plain-English problems (empty when the step is allowed) and the date or
time the step runs out, naming the rule (and its statutory source) it comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from sochub.engine.recovery.clock import long_date, period_end, working_hours_deadline
from sochub.engine.recovery.rules import Rules

NoticeKind = Literal["acfn", "afn"]
"""Administrative cash forfeiture notice (s297A) or account forfeiture notice (s303Z9)."""

_OBJECTION_RULE: dict[str, str] = {"acfn": "acfn_objection_min_days", "afn": "afn_objection_min_days"}


@dataclass(frozen=True)
class SeizureCheck:
    seized_at: datetime
    amount_pounds: Decimal
    nation: str
    initial_detention_ends: datetime
    """When the 48 working hours of initial detention run out: a detention order is needed by then."""
    problems: list[str] = field(default_factory=list)
    source_rule: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PeriodCheck:
    """An order or allowance for a number of months: its last day, the latest day the law allows, problems."""

    ends_on: date
    limit_on: date
    problems: list[str] = field(default_factory=list)
    source_rule: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


DetentionCheck = PeriodCheck


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def cash_seizure(*, seized_at: datetime, amount_pounds: Decimal, nation: str, rules: Rules) -> SeizureCheck:
    """Whether cash may be seized (not below the minimum amount, s294) and when initial detention ends (s295(1))."""
    minimum = rules.value("minimum_cash_pounds")
    problems: list[str] = []
    if amount_pounds < minimum:
        problems.append(
            f"£{amount_pounds:,.2f} is below the minimum amount of £{minimum:,} for a cash seizure "
            f"({rules.rule('minimum_cash_pounds').source})"
        )
    hours = rules.value("initial_detention_hours")
    return SeizureCheck(
        seized_at=seized_at,
        amount_pounds=amount_pounds,
        nation=nation,
        initial_detention_ends=working_hours_deadline(seized_at, hours, nation),
        problems=problems,
        source_rule=rules.cite("initial_detention_hours"),
    )


def detention_order(
    *,
    seizure: date | datetime,
    previous_orders: Sequence[tuple[date, date]],
    granted_on: date,
    months: int,
    rules: Rules,
) -> DetentionCheck:
    """Check a detention order (s295(2)) for ``months`` granted on ``granted_on``.

    ``previous_orders`` are the earlier orders as (granted on, last day). Each order may last at most
    ``detention_order_max_months`` and none may run beyond ``detention_total_max_months`` beginning with the
    date of the first order. ``ends_on`` is the order's last day; ``limit_on`` the last day any order may reach.
    """
    each_max = rules.value("detention_order_max_months")
    total_max = rules.value("detention_total_max_months")
    orders = sorted(previous_orders)
    first = orders[0][0] if orders else granted_on
    limit_on = period_end(first, total_max)
    problems: list[str] = []
    if months < 1:
        problems.append(f"a detention order must be for at least one month (got {months})")
        ends_on = granted_on
    else:
        ends_on = period_end(granted_on, months)
    if months > each_max:
        problems.append(
            f"{months} months is more than the {each_max} months a detention order may last "
            f"({rules.rule('detention_order_max_months').source})"
        )
    if ends_on > limit_on:
        problems.append(
            f"the order would run to {ends_on.isoformat()}, beyond {limit_on.isoformat()}: detention may not "
            f"go beyond {total_max} months from the first order on {first.isoformat()} "
            f"({rules.rule('detention_total_max_months').source})"
        )
    if granted_on < _day(seizure):
        problems.append(f"the order is dated {granted_on.isoformat()}, before the seizure")
    if orders and granted_on > orders[-1][1]:
        problems.append(
            f"the previous order ended on {orders[-1][1].isoformat()}: detention lapsed before this order "
            f"and the cash should have been released"
        )
    return PeriodCheck(ends_on, limit_on, problems, rules.cite("detention_order_max_months"))


def objection_deadline(kind: NoticeKind, given_on: date, rules: Rules, days: int | None = None) -> date:
    """The last day for objecting to a forfeiture notice given on ``given_on``.

    The period starts the day after the notice is given and lasts at least the minimum days of the rule
    (``days`` is the period the notice specifies, if longer).
    """
    if kind not in _OBJECTION_RULE:
        raise ValueError(f"unknown notice {kind!r} (notices: {', '.join(_OBJECTION_RULE)})")
    minimum = rules.value(_OBJECTION_RULE[kind])
    if days is None:
        days = minimum
    if days < minimum:
        raise ValueError(f"an objection period of {days} days is shorter than the minimum of {minimum} days")
    return given_on + timedelta(days=days)


def account_freezing_order(
    *, made_on: date, months: int, rules: Rules, amount_pounds: Decimal | None = None
) -> PeriodCheck:
    """Check the period of an account freezing order: no more than ``afo_max_months`` from the day it is made,
    and (when ``amount_pounds`` is given) not for less than the minimum amount (s303Z2)."""
    limit = rules.value("afo_max_months")
    limit_on = period_end(made_on, limit)
    problems: list[str] = []
    minimum = rules.value("minimum_cash_pounds")
    if amount_pounds is not None and amount_pounds < minimum:
        problems.append(
            f"£{amount_pounds:,.2f} is below the minimum amount of £{minimum:,} for an account freezing order "
            f"(POCA 2002 s303Z2)"
        )
    if months < 1:
        problems.append(f"an account freezing order must be for at least one month (got {months})")
        ends_on = made_on
    else:
        ends_on = period_end(made_on, months)
    if months > limit:
        problems.append(
            f"{months} months is more than the {limit} months an account freezing order may last "
            f"({rules.rule('afo_max_months').source})"
        )
    return PeriodCheck(ends_on, limit_on, problems, rules.cite("afo_max_months"))


def time_to_pay(*, made_on: date, months: int, rules: Rules, extended: bool = False) -> PeriodCheck:
    """When a confiscation order must be paid: on the day (0 months), or within the time the court allows.

    The court may allow up to ``time_to_pay_initial_max_months``, and on extension (``extended``) up to
    ``time_to_pay_total_max_months`` from the order in all; interest accrues once the time expires.
    """
    rule = "time_to_pay_total_max_months" if extended else "time_to_pay_initial_max_months"
    limit = rules.value(rule)
    problems: list[str] = []
    if months < 0:
        problems.append(f"time to pay cannot be negative (got {months} months)")
    if months > limit:
        what = "in all, with an extension" if extended else "without an extension"
        problems.append(
            f"{months} months is more than the {limit} months' time to pay allowed {what} ({rules.rule(rule).source})"
        )
    ends_on = period_end(made_on, months) if months >= 1 else made_on
    return PeriodCheck(ends_on, period_end(made_on, limit), problems, rules.cite(rule))


def notice_outcome(
    *, outcome: str, given_on: date, objection_deadline: date, decided_on: date, rules: Rules
) -> list[str]:
    """Why ``outcome`` may not be recorded on ``decided_on`` for a notice given on ``given_on`` whose objection
    period ends at the end of ``objection_deadline`` (empty when it may), following the rule's timing."""
    try:
        rule = rules.outcome(outcome)
    except KeyError:
        return [f"unknown outcome {outcome!r} (outcomes: {', '.join(o.id for o in rules.notice_outcomes)})"]
    problems: list[str] = []
    if decided_on < given_on:
        problems.append(
            f"the outcome is dated {long_date(decided_on)}, before the notice was given on {long_date(given_on)}"
        )
    if rule.timing == "within_objection_period" and decided_on > objection_deadline:
        problems.append(
            f"an objection must be made by the end of {long_date(objection_deadline)}, the last day of the "
            f"objection period ({rule.source})"
        )
    if rule.timing == "after_objection_period" and decided_on <= objection_deadline:
        problems.append(
            f"“{rule.label}” can be recorded only after the objection period ends at the end of "
            f"{long_date(objection_deadline)} ({rule.source})"
        )
    return problems
