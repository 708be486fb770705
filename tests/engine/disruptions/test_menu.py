"""The shipped menu and the validation that refuses broken ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sochub.engine.disruptions import (
    AREA_IDS,
    IMPACT_LEVELS,
    Menu,
    MenuError,
    fingerprint,
    load_menu,
    parse_menu,
)


def test_the_shipped_menu_is_soc_hubs_own_arrangement(menu: Menu) -> None:
    assert menu.official is False
    assert "not the Home Office's wording" in menu.description
    assert [a.id for a in menu.areas] == list(AREA_IDS)
    assert list(AREA_IDS) == ["lifestyle", "behaviour", "vehicles", "travel", "business", "crime"]
    assert all(tactics for tactics in menu.by_area().values())
    assert {"immigration", "poca", "licensing", "tax", "benefits", "regulatory", "criminal_justice", "other"} == {
        t.id for t in menu.types
    }
    assert all(tactics for tactics in menu.by_type().values())
    assert any("menu-of-tactics" in s.url for s in menu.sources)


def test_immigration_tactics_apply_to_foreign_nationals_only(menu: Menu) -> None:
    immigration = {t.id for t in menu.by_type()["immigration"]}
    for wanted in ("refused_citizenship", "revocation_of_leave", "deportation", "refusal_of_entry"):
        assert wanted in immigration
        assert menu.tactic(wanted).foreign_national_only
        assert "immigration_enforcement" in menu.tactic(wanted).agencies or wanted == "refusal_of_entry"
    assert menu.agency("immigration_enforcement").label == "Home Office Immigration Enforcement"
    # an employer's civil penalty is an immigration tactic that is not about the target's nationality
    assert not menu.tactic("illegal_working_penalty").foreign_national_only
    assert {t.id for t in menu.tactics if t.foreign_national_only} <= immigration


def test_agencies_named_on_tactics(menu: Menu) -> None:
    assert "hmrc" in menu.tactic("tax_investigation").agencies
    assert "dwp" in menu.tactic("benefit_review").agencies
    assert "dvla" in menu.tactic("driving_licence_revocation").agencies
    assert "local_authority_licensing" in menu.tactic("premises_licence_review").agencies
    assert "trading_standards" in menu.tactic("trading_standards_inspection").agencies
    assert menu.tactic("poca_confiscation").type == "poca"
    with pytest.raises(KeyError, match="no tactic 'nope'"):
        menu.tactic("nope")


def test_the_five_impact_levels(menu: Menu) -> None:
    assert [lv.id for lv in menu.impact_levels] == list(IMPACT_LEVELS)
    assert list(IMPACT_LEVELS) == ["major", "moderate", "minor", "none", "negative"]
    assert all(lv.rationale_required for lv in menu.impact_levels)
    negative = menu.level("negative")
    assert negative.official is True
    assert "more capable" in negative.definition and "increased the level of harm" in negative.definition
    for ident in ("major", "moderate", "minor"):
        assert menu.level(ident).official is False
        assert "no national criteria" in menu.level(ident).definition


def test_fingerprint_tells_contents_apart(menu: Menu, raw: dict[str, Any]) -> None:
    assert fingerprint(menu) == fingerprint(parse_menu(raw))
    raw["tactics"][0]["label"] = "Something else"
    assert fingerprint(parse_menu(raw)) != fingerprint(menu)


def _drop_level(d: dict[str, Any]) -> None:
    d["impact_levels"] = d["impact_levels"][:-1]


def _duplicate_tactic(d: dict[str, Any]) -> None:
    d["tactics"].append(dict(d["tactics"][0]))


def _unknown_area(d: dict[str, Any]) -> None:
    d["tactics"][0]["area"] = "leisure"


def _unknown_agency(d: dict[str, Any]) -> None:
    d["tactics"][0]["agencies"] = ["mi5"]


def _missing_label(d: dict[str, Any]) -> None:
    del d["tactics"][0]["label"]


def _foreign_only_not_immigration(d: dict[str, Any]) -> None:
    d["tactics"][0]["foreign_national_only"] = True


def _areas_renamed(d: dict[str, Any]) -> None:
    d["areas"][0]["id"] = "money"


@pytest.mark.parametrize(
    ("breaker", "message"),
    [
        (_drop_level, "impact_levels: expected the national scale major, moderate, minor, none, negative"),
        (_duplicate_tactic, "tactics.poca_confiscation: the id 'poca_confiscation' is used twice"),
        (_unknown_area, "tactics.poca_confiscation.area: unknown area 'leisure'"),
        (_unknown_agency, "tactics.poca_confiscation.agencies.mi5: unknown agency 'mi5'"),
        (_missing_label, "tactics.poca_confiscation.label: this setting is missing"),
        (_foreign_only_not_immigration, "tactics.poca_confiscation.foreign_national_only: only immigration"),
        (_areas_renamed, "areas: expected the Home Office menu's lifestyle, behaviour"),
    ],
)
def test_broken_menus_are_refused_naming_the_key(
    raw: dict[str, Any], breaker: Callable[[dict[str, Any]], None], message: str
) -> None:
    breaker(raw)
    with pytest.raises(MenuError, match=r"^broken\.yaml: ") as exc:
        parse_menu(raw, "broken.yaml")
    assert message in str(exc.value)


def test_a_broken_file_is_refused_naming_file_and_key(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["impact_levels"][0]["colour"] = "red"
    file = tmp_path / "menu.yaml"
    file.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(MenuError) as exc:
        load_menu(file)
    assert str(exc.value) == f"{file}: impact_levels.major.colour: not a setting here"


def test_a_key_written_twice_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "menu.yaml"
    file.write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(MenuError, match="the key 'name' appears twice"):
        load_menu(file)
