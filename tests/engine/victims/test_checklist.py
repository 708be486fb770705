"""The shipped checklist and the validation that refuses broken ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sochub.engine.victims import GROUPS, Checklist, ChecklistError, fingerprint, load_checklist, parse_checklist


def test_the_shipped_checklist_is_soc_hubs_own_default(default: Checklist) -> None:
    assert default.official is False
    assert "not Operation Signature's" in default.description
    assert [p.id for p in default.priorities] == ["high", "medium", "standard"]
    high, medium, standard = default.priorities
    assert (high.visit_within_days, high.review_every_days, high.volunteer) == (2, 14, True)
    assert (medium.visit_within_days, medium.review_every_days, medium.volunteer) == (7, 30, True)
    assert (standard.visit_within_days, standard.review_every_days, standard.volunteer) == (14, 90, False)
    assert standard.min_points == 0
    assert [(b.min_age, b.points) for b in default.age_points] == [(65, 1), (75, 2), (80, 3)]
    assert [(b.min_amount, b.points) for b in default.loss_points] == [(1000, 1), (5000, 2), (20000, 3)]
    assert {"scammer_in_contact_now", "courier_or_impersonation", "cognitive_impairment"} <= set(default.always_high)
    assert {i.group for i in default.indicators} == set(GROUPS)
    assert list(default.grouped()) == list(GROUPS)
    for wanted in (
        "lives_alone",
        "isolated",
        "repeat_contact",
        "scam_mail_or_calls",
        "hoarding_goods",
        "unsanitary_home",
        "poor_hygiene",
        "high_cheque_card_use",
        "post_office_visits",
        "not_paying_bills",
        "deceit_about_scams",
        "distress_or_anger",
        "shame",
        "emotional_ties",
        "repeated_losses",
    ):
        assert default.indicator(wanted).label
    assert default.indicator("cognitive_impairment").label == "Cognitive impairment"
    assert "Dementia" in default.indicator("cognitive_impairment").hint


def test_measures_name_their_partners(default: Checklist) -> None:
    partners = {m.id: m.partner for m in default.measures}
    assert partners["call_blocker"] == "Trading Standards"
    assert partners["ex_directory"] == "Telephone provider"
    assert partners["mail_redirection"] == "Royal Mail"
    assert "Office of the Public Guardian" in partners["family_and_attorney"]
    assert partners["bank_liaison"] == "Bank or building society"
    assert partners["trading_standards"] == "Trading Standards"
    assert partners["adult_social_care"] == "Local authority adult social care"
    assert partners["volunteer_support"] == "Victim support volunteer scheme"
    assert "Banking Protocol" in default.measure("bank_liaison").label


def test_lookups_raise_key_error_for_unknown_ids(default: Checklist) -> None:
    for lookup in (default.indicator, default.priority, default.measure):
        with pytest.raises(KeyError, match="nope"):
            lookup("nope")


def test_fingerprint_is_stable_and_changes_with_content(default: Checklist, raw: dict[str, Any]) -> None:
    assert fingerprint(default) == fingerprint(load_checklist())
    assert default == load_checklist()
    raw["indicators"][0]["points"] += 1
    assert fingerprint(parse_checklist(raw)) != fingerprint(default)


def _indicator(data: dict[str, Any], ident: str) -> dict[str, Any]:
    return next(i for i in data["indicators"] if i["id"] == ident)


def _priority(data: dict[str, Any], ident: str) -> dict[str, Any]:
    return next(p for p in data["priorities"] if p["id"] == ident)


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("missing", lambda d: d.pop("priorities"), "priorities: this setting is missing"),
    ("extra", lambda d: d.update(colour="red"), "colour: not a setting here"),
    (
        "duplicate indicator",
        lambda d: d["indicators"].append(dict(d["indicators"][0])),
        "indicators.lives_alone: the id",
    ),
    ("bad group", lambda d: _indicator(d, "shame").update(group="feelings"), "indicators.shame.group: unknown group"),
    ("negative points", lambda d: _indicator(d, "shame").update(points=-1), "indicators.shame.points"),
    (
        "ages not ascending",
        lambda d: d["age_points"].__setitem__(1, {"min_age": 60, "points": 2}),
        "age_points.[1].min_age: 60 is not above the band before (65)",
    ),
    (
        "losses not ascending",
        lambda d: d["loss_points"].__setitem__(2, {"min_amount": 5000, "points": 3}),
        "loss_points.[2].min_amount",
    ),
    (
        "priorities not descending",
        lambda d: _priority(d, "medium").update(min_points=8),
        "priorities.medium.min_points: 8 is not below high's 6",
    ),
    (
        "last priority not from zero",
        lambda d: _priority(d, "standard").update(min_points=1),
        "priorities.standard.min_points: the last priority must start at 0 points",
    ),
    (
        "priority ids",
        lambda d: _priority(d, "medium").update(id="urgent"),
        "priorities: expected high, medium, standard",
    ),
    ("always_high unknown", lambda d: d["always_high"].append("on_fire"), "always_high.on_fire: unknown indicator"),
    (
        "measure suggests unknown",
        lambda d: d["measures"][0]["suggest_for"].append("on_fire"),
        "measures.call_blocker.suggest_for.on_fire: unknown indicator",
    ),
    ("bad id", lambda d: _indicator(d, "shame").update(id="Shame!"), "is not a usable id"),
]


@pytest.mark.parametrize(("change", "expected"), [(b[1], b[2]) for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_checklists_are_refused_naming_file_and_key(
    tmp_path: Path, raw: dict[str, Any], change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    change(raw)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(ChecklistError) as caught:
        load_checklist(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="cannot read"):
        load_checklist(tmp_path / "missing.yaml")
    twice = tmp_path / "twice.yaml"
    twice.write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(ChecklistError, match="appears twice"):
        load_checklist(twice)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(ChecklistError, match="expected a mapping"):
        load_checklist(listed)
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("name: !!python/object:os.system {}\n", encoding="utf-8")
    with pytest.raises(ChecklistError, match="not valid YAML"):
        load_checklist(tagged)
