"""Deadlines of an asset recovery case, alerts for those overdue or due soon, and totals for reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from sochub.engine.periods import PERIODS, period_label
from sochub.engine.recovery.checks import objection_deadline, time_to_pay
from sochub.engine.recovery.clock import period_end, working_hours_deadline
from sochub.engine.recovery.rules import Rules

AlertLevel = Literal["overdue", "due soon"]


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str
    due: datetime | date
    """A moment, or a day (the deadline is the end of that day)."""
    source_rule: str

    def moment(self, tzinfo: Any = None) -> datetime:
        """When the deadline passes: ``due`` itself, or midnight at the end of a due day (in ``tzinfo``)."""
        if isinstance(self.due, datetime):
            return self.due
        return datetime.combine(self.due + timedelta(days=1), time(0), tzinfo=tzinfo)


@dataclass(frozen=True)
class Alert:
    level: AlertLevel
    deadline: Deadline


def deadlines_for(case: Mapping[str, Any], rules: Rules) -> list[Deadline]:
    """The deadlines that follow from the events recorded for a case, soonest first.

    Keys read (each optional): ``seized_at`` with ``nation``; ``detention_orders`` as (granted on, last day)
    pairs; ``acfn_given_on`` and ``afn_given_on``, each with the period the notice specifies in
    ``acfn_objection_days`` / ``afn_objection_days`` (the minimum if absent); ``afo_made_on`` with
    ``afo_months``; ``confiscation_made_on`` with ``time_to_pay_months`` and ``time_to_pay_extended``;
    ``compliance_reviews`` as (label, review day) pairs. (DAML notice periods and moratoriums are
    ``sochub.engine.suspicious_activity``'s.)
    """
    out: list[Deadline] = []
    nation = case.get("nation", "england-wales")
    if case.get("seized_at") is not None:
        due = working_hours_deadline(case["seized_at"], rules.value("initial_detention_hours"), nation)
        out.append(
            Deadline(
                "initial_detention",
                "Initial detention of seized cash ends: apply for a detention order",
                due,
                rules.cite("initial_detention_hours"),
            )
        )
    orders = sorted(case.get("detention_orders") or ())
    if orders:
        out.append(
            Deadline(
                "detention_order",
                "Detention order ends: apply for a further order, forfeiture or release the cash",
                orders[-1][1],
                rules.cite("detention_order_max_months"),
            )
        )
        out.append(
            Deadline(
                "detention_limit",
                "Last day cash may be detained (2 years from the first order)",
                period_end(orders[0][0], rules.value("detention_total_max_months")),
                rules.cite("detention_total_max_months"),
            )
        )
    for kind, key, label in (
        ("acfn", "acfn_given_on", "Objection period of the cash forfeiture notice ends"),
        ("afn", "afn_given_on", "Objection period of the account forfeiture notice ends"),
    ):
        if case.get(key) is not None:
            due_day = objection_deadline(kind, case[key], rules, case.get(f"{kind}_objection_days"))  # type: ignore[arg-type]
            out.append(Deadline(f"{kind}_objection", label, due_day, rules.cite(f"{kind}_objection_min_days")))
    if case.get("afo_made_on") is not None:
        months = case.get("afo_months") or rules.value("afo_max_months")
        out.append(
            Deadline(
                "afo",
                "Account freezing order ends",
                period_end(case["afo_made_on"], months),
                rules.cite("afo_max_months"),
            )
        )
    if case.get("confiscation_made_on") is not None:
        check = time_to_pay(
            made_on=case["confiscation_made_on"],
            months=case.get("time_to_pay_months") or 0,
            rules=rules,
            extended=bool(case.get("time_to_pay_extended")),
        )
        out.append(Deadline("time_to_pay", "Confiscation order to be paid", check.ends_on, check.source_rule))
    for label, review_on in case.get("compliance_reviews") or ():
        out.append(
            Deadline(
                "compliance_review",
                f"Compliance order to be reviewed: {label}",
                review_on,
                f"compliance_order ({rules.compliance_order.source})",
            )
        )
    return sorted(out, key=lambda d: d.moment().replace(tzinfo=None))


def alerts(deadlines: Iterable[Deadline], now: datetime, warn_within: timedelta) -> list[Alert]:
    """Deadlines that have passed ("overdue") or pass within ``warn_within`` ("due soon"), overdue first."""
    out: list[Alert] = []
    for deadline in deadlines:
        moment = deadline.moment(now.tzinfo)
        if now >= moment:
            out.append(Alert("overdue", deadline))
        elif moment - now <= warn_within:
            out.append(Alert("due soon", deadline))
    return sorted(out, key=lambda a: (a.level != "overdue", a.deadline.moment(now.tzinfo)))


def totals(
    rows: Iterable[Mapping[str, Any]], by: Sequence[str], *, amount: str = "amount", when: str = "date"
) -> list[dict[str, Any]]:
    """Sums of ``amount`` (as Decimal) and counts of rows grouped by ``by``, sorted by the group.

    ``by`` names columns (such as ``agency`` or ``region``) or a period of the ``when`` date: ``month``
    (``2026-04``), ``quarter`` (``2026-Q2``) or ``year``.
    """
    groups: dict[tuple[str, ...], list[Decimal]] = {}
    for row in rows:
        key: list[str] = []
        for column in by:
            if column in PERIODS:
                value = row[when]
                key.append(period_label(value.date() if isinstance(value, datetime) else value, column))
            else:
                key.append(str(row[column]))
        groups.setdefault(tuple(key), []).append(Decimal(str(row[amount])))
    return [
        {**dict(zip(by, key, strict=True)), "amount": sum(values, Decimal(0)), "count": len(values)}
        for key, values in sorted(groups.items())
    ]


def measure_totals(
    rows: Iterable[Mapping[str, Any]],
    by: Sequence[str],
    measures: Sequence[str],
    *,
    amount: str = "amount",
    when: str = "date",
    measure: str = "measure",
) -> list[dict[str, Any]]:
    """Totals of several measures side by side: one row per group of ``by``, with each measure's sum (Decimal)
    and its count as ``<measure>_count``. Each input row names its measure in ``measure``; rows of measures
    not listed are left out. Groups are sorted as :func:`totals` sorts them.
    """
    wanted = [r for r in rows if r[measure] in measures]
    found = totals(wanted, [*by, measure], amount=amount, when=when)
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in found:
        key = tuple(row[column] for column in by)
        if key not in out:
            out[key] = {
                **dict(zip(by, key, strict=True)),
                **{m: Decimal(0) for m in measures},
                **{f"{m}_count": 0 for m in measures},
            }
        out[key][row[measure]] = row["amount"]
        out[key][f"{row[measure]}_count"] = row["count"]
    return [out[key] for key in sorted(out)]
