"""Proceeds of Crime Act asset recovery: cash seizure and detention, forfeiture notices, account freezing
orders, confiscation time to pay and compliance orders, with deadlines counted in each UK nation's working
days and alerted. Rules and periods are reference data (``reference/poca.yaml``). Pure: no Django.
"""

from sochub.engine.recovery.checks import (
    DetentionCheck,
    NoticeKind,
    PeriodCheck,
    SeizureCheck,
    account_freezing_order,
    cash_seizure,
    detention_order,
    objection_deadline,
    time_to_pay,
)
from sochub.engine.recovery.clock import (
    NATIONS,
    Nation,
    add_months,
    add_working_days,
    bank_holiday,
    is_working_day,
    period_end,
    working_hours_deadline,
)
from sochub.engine.recovery.deadlines import Alert, Deadline, alerts, deadlines_for, totals
from sochub.engine.recovery.rules import (
    DEFAULT_RULES,
    RULE_IDS,
    Rule,
    Rules,
    RulesError,
    fingerprint,
    load_rules,
    parse_rules,
)

__all__ = [
    "DEFAULT_RULES",
    "NATIONS",
    "RULE_IDS",
    "Alert",
    "Deadline",
    "DetentionCheck",
    "Nation",
    "NoticeKind",
    "PeriodCheck",
    "Rule",
    "Rules",
    "RulesError",
    "SeizureCheck",
    "account_freezing_order",
    "add_months",
    "add_working_days",
    "alerts",
    "bank_holiday",
    "cash_seizure",
    "deadlines_for",
    "detention_order",
    "fingerprint",
    "is_working_day",
    "load_rules",
    "objection_deadline",
    "parse_rules",
    "period_end",
    "time_to_pay",
    "totals",
    "working_hours_deadline",
]
