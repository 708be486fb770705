"""The shipped POCA rules and the validation that refuses broken ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sochub.engine.recovery import RULE_IDS, Rules, RulesError, fingerprint, load_rules, parse_rules


def test_the_shipped_rules_give_every_period_with_its_source(rules: Rules) -> None:
    assert set(rules.rules) == set(RULE_IDS)
    assert rules.value("minimum_cash_pounds") == 1000
    assert rules.value("initial_detention_hours") == 48
    assert rules.value("detention_order_max_months") == 6
    assert rules.value("detention_total_max_months") == 24
    assert rules.value("afo_max_months") == 24
    assert rules.value("afn_objection_min_days") == 30
    assert rules.value("acfn_objection_min_days") == 30
    assert (rules.value("time_to_pay_initial_max_months"), rules.value("time_to_pay_total_max_months")) == (3, 6)
    assert "s295" in rules.rule("initial_detention_hours").source
    assert "s303Z9" in rules.rule("afn_objection_min_days").source
    assert all(rule.source for rule in rules.rules.values())
    assert [c.id for c in rules.compliance_order.must_consider] == ["travel_restriction"]
    assert "s13A" in rules.compliance_order.source


def test_an_assumed_value_is_labelled_and_the_file_is_not_official(rules: Rules) -> None:
    assert rules.assumed == ["acfn_objection_min_days"]
    assert rules.rule("acfn_objection_min_days").note
    assert rules.official is False


def test_the_fingerprint_follows_the_content(rules: Rules, raw: dict[str, Any]) -> None:
    assert fingerprint(rules) == fingerprint(load_rules())
    raw["rules"]["time_to_pay_initial_max_months"]["value"] = 4
    assert fingerprint(parse_rules(raw)) != fingerprint(rules)


def test_an_unknown_key_is_refused_naming_it(raw: dict[str, Any]) -> None:
    raw["rules"]["afn_objection_min_days"]["weeks"] = 4
    with pytest.raises(RulesError, match=r"rules\.afn_objection_min_days\.weeks: not a setting here"):
        parse_rules(raw, "poca.yaml")
    del raw["rules"]["afn_objection_min_days"]["weeks"]
    raw["rules"]["cash_days"] = {"value": 2, "unit": "days", "source": "s1"}
    with pytest.raises(RulesError, match=r"rules\.cash_days: not a rule here"):
        parse_rules(raw)


def test_a_negative_period_is_refused_naming_the_key(raw: dict[str, Any]) -> None:
    raw["rules"]["initial_detention_hours"]["value"] = -48
    with pytest.raises(RulesError, match=r"poca\.yaml: rules\.initial_detention_hours\.value: .*greater than or equal"):
        parse_rules(raw, "poca.yaml")


def test_other_broken_rules_are_refused(raw: dict[str, Any]) -> None:
    broken = yaml.safe_load(yaml.safe_dump(raw))
    del broken["rules"]["afo_max_months"]
    with pytest.raises(RulesError, match=r"rules\.afo_max_months: this rule is missing"):
        parse_rules(broken)
    broken = yaml.safe_load(yaml.safe_dump(raw))
    broken["rules"]["detention_order_max_months"]["value"] = 30
    with pytest.raises(RulesError, match=r"rules\.detention_order_max_months\.value: more than"):
        parse_rules(broken)
    broken = yaml.safe_load(yaml.safe_dump(raw))
    broken["official"] = True
    with pytest.raises(RulesError, match=r"official: true, but rules acfn_objection_min_days are assumed"):
        parse_rules(broken)


def test_a_broken_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    twice = tmp_path / "twice.yaml"
    twice.write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"twice\.yaml: not valid YAML: .*'name' appears twice"):
        load_rules(twice)
    with pytest.raises(RulesError, match=r"missing\.yaml: cannot read"):
        load_rules(tmp_path / "missing.yaml")
