"""POCA asset recovery rules and periods as versioned YAML reference data, checked on load.

Each rule has a value, a unit and its statutory source; a value the research did not confirm says
``assumed: true`` with a note, and a file holding any such value may not call itself official. Errors name
the file and the key at fault.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sochub.engine.reference_data import content_fingerprint, read_yaml, validate

REFERENCE = Path(__file__).parent / "reference"
DEFAULT_RULES = REFERENCE / "poca.yaml"

RULE_IDS = (
    "minimum_cash_pounds",
    "initial_detention_hours",
    "detention_order_max_months",
    "detention_total_max_months",
    "acfn_objection_min_days",
    "afo_max_months",
    "afn_objection_min_days",
    "time_to_pay_initial_max_months",
    "time_to_pay_total_max_months",
)
"""The rules a file must give (the code keys on these ids)."""

OUTCOME_IDS = ("objected", "forfeited", "withdrawn")
"""The outcomes of a forfeiture notice a file must give (the code keys on these ids)."""


class RulesError(ValueError):
    """Rules that cannot be used; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    value: int = Field(ge=0)
    unit: str = Field(min_length=1)
    source: str = Field(min_length=1)
    note: str = ""
    assumed: bool = False


class Consideration(_Strict):
    id: str = Field(min_length=1)
    label: str = Field(min_length=1)


class ComplianceOrder(_Strict):
    source: str = Field(min_length=1)
    must_consider: list[Consideration] = Field(min_length=1)
    kinds: list[Consideration] = Field(min_length=1)
    """The kinds of compliance order a user may record (each ``must_consider`` id is one of them)."""
    note: str = ""

    def kind_label(self, id: str) -> str | None:
        return next((k.label for k in self.kinds if k.id == id), None)


NoticeTiming = Literal["within_objection_period", "after_objection_period", "any"]


class NoticeOutcomeRule(_Strict):
    """When an outcome of a forfeiture notice may be recorded, relative to its objection period."""

    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    timing: NoticeTiming
    source: str = Field(min_length=1)
    note: str = ""
    assumed: bool = False


class Rules(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    official: bool
    description: str
    rules: dict[str, Rule]
    compliance_order: ComplianceOrder
    notice_outcomes: list[NoticeOutcomeRule] = Field(min_length=1)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def rule(self, id: str) -> Rule:
        found = self.rules.get(id)
        if found is None:
            raise KeyError(f"no rule {id!r} in {self.label}")
        return found

    def value(self, id: str) -> int:
        return self.rule(id).value

    def cite(self, id: str) -> str:
        """``id (source)``: how a deadline names the rule it comes from."""
        return f"{id} ({self.rule(id).source})"

    def outcome(self, id: str) -> NoticeOutcomeRule:
        found = next((o for o in self.notice_outcomes if o.id == id), None)
        if found is None:
            raise KeyError(f"no notice outcome {id!r} in {self.label}")
        return found

    @property
    def assumed(self) -> list[str]:
        return [id for id, rule in self.rules.items() if rule.assumed] + [
            f"notice_outcomes.{o.id}" for o in self.notice_outcomes if o.assumed
        ]


def _problems(r: Rules) -> list[str]:
    problems: list[str] = []
    for id in RULE_IDS:
        if id not in r.rules:
            problems.append(f"rules.{id}: this rule is missing")
    for id in r.rules:
        if id not in RULE_IDS:
            problems.append(f"rules.{id}: not a rule here (rules: {', '.join(RULE_IDS)})")
    for id in RULE_IDS:
        if id in r.rules and r.rules[id].value == 0 and id != "minimum_cash_pounds":
            problems.append(f"rules.{id}.value: a period or limit of 0 leaves nothing to compute")
    pairs = (
        ("detention_order_max_months", "detention_total_max_months"),
        ("time_to_pay_initial_max_months", "time_to_pay_total_max_months"),
    )
    for each, total in pairs:
        if each in r.rules and total in r.rules and r.rules[each].value > r.rules[total].value:
            problems.append(f"rules.{each}.value: more than {total} ({r.rules[total].value})")
    kinds = {k.id for k in r.compliance_order.kinds}
    for item in r.compliance_order.must_consider:
        if item.id not in kinds:
            problems.append(f"compliance_order.must_consider.{item.id}: not one of compliance_order.kinds")
    if len(kinds) != len(r.compliance_order.kinds):
        problems.append("compliance_order.kinds: an id appears twice")
    outcomes = [o.id for o in r.notice_outcomes]
    for id in OUTCOME_IDS:
        if id not in outcomes:
            problems.append(f"notice_outcomes.{id}: this outcome is missing")
    for id in outcomes:
        if id not in OUTCOME_IDS:
            problems.append(f"notice_outcomes.{id}: not an outcome here (outcomes: {', '.join(OUTCOME_IDS)})")
    if len(set(outcomes)) != len(outcomes):
        problems.append("notice_outcomes: an id appears twice")
    if r.official and r.assumed:
        problems.append(f"official: true, but rules {', '.join(r.assumed)} are assumed")
    return problems


def parse_rules(data: object, source: str = "(rules)") -> Rules:
    """``data`` (as read from YAML) as :class:`Rules`, or :class:`RulesError` naming ``source`` and the key."""
    return validate(
        Rules,
        data,
        source,
        RulesError,
        "name, version, official, description, rules, compliance_order, notice_outcomes",
        check=_problems,
    )


def load_rules(path: Path | str | None = None) -> Rules:
    """The rules in ``path`` (SOC Hub's shipped ``poca.yaml`` by default), validated."""
    file = Path(path) if path is not None else DEFAULT_RULES
    return parse_rules(read_yaml(file, RulesError), str(file))


def fingerprint(rules: Rules) -> str:
    """A short hash of the content: tells apart two files that claim the same name and version."""
    return content_fingerprint(rules)
