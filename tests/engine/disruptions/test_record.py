"""Checking a disruption, the tactics offered and validation by a second person."""

from __future__ import annotations

import pytest

from sochub.engine.disruptions import Menu, check_disruption, options_for, validation_problems


def test_a_good_disruption_has_no_problems(menu: Menu) -> None:
    assert (
        check_disruption(
            menu,
            tactic="premises_licence_review",
            impact="moderate",
            rationale="Bar used to launder cash lost its licence; takings through it stopped.",
            target_kind="ocg",
            foreign_national=None,
        )
        == []
    )
    assert (
        check_disruption(
            menu,
            tactic="deportation",
            impact="major",
            rationale="Principal deported; the group's supply line collapsed.",
            target_kind="nominal",
            foreign_national=True,
        )
        == []
    )


@pytest.mark.parametrize(
    ("target_kind", "foreign_national", "message"),
    [
        ("nominal", False, "Deportation applies only to foreign nationals, and this nominal is not flagged as one."),
        ("nominal", None, "Deportation applies only to foreign nationals, and this nominal's nationality is not"),
        ("ocg", None, "record it against the nominal it was used on, not the OCG"),
    ],
)
def test_an_immigration_tactic_needs_a_foreign_national(
    menu: Menu, target_kind: str, foreign_national: bool | None, message: str
) -> None:
    problems = check_disruption(
        menu,
        tactic="deportation",
        impact="major",
        rationale="Removed from the UK.",
        target_kind=target_kind,
        foreign_national=foreign_national,
    )
    assert len(problems) == 1
    assert message in problems[0]


@pytest.mark.parametrize("rationale", ["", "   \n"])
def test_a_missing_rationale_is_refused(menu: Menu, rationale: str) -> None:
    problems = check_disruption(
        menu, tactic="cash_seizure", impact="minor", rationale=rationale, target_kind="nominal", foreign_national=False
    )
    assert problems == ["Say why the impact is minor: a rationale is required."]


def test_unknown_tactic_level_and_target_are_named(menu: Menu) -> None:
    problems = check_disruption(
        menu, tactic="curse", impact="huge", rationale="x", target_kind="street", foreign_national=None
    )
    assert problems == [
        "A disruption is recorded against an OCG or a nominal, not 'street'.",
        "'curse' is not a tactic on the menu (SOC Hub disruption menu 2025.1).",
        "'huge' is not a level of the national scale (major, moderate, minor, none, negative).",
    ]


def test_a_foreign_national_sees_immigration_options_first(menu: Menu) -> None:
    options = options_for(menu, foreign_national=True)
    kinds = [t.type for t in options]
    first_other = kinds.index(next(k for k in kinds if k != "immigration"))
    assert set(kinds[:first_other]) == {"immigration"}
    assert "immigration" not in kinds[first_other:]
    assert [t.id for t in options[:4]] == [
        "refusal_of_entry",
        "deportation",
        "revocation_of_leave",
        "refused_citizenship",
    ]
    assert len(options) == len(menu.tactics)


def test_others_are_not_offered_foreign_national_only_tactics(menu: Menu) -> None:
    options = options_for(menu, foreign_national=False)
    ids = [t.id for t in options]
    assert "deportation" not in ids and "refused_citizenship" not in ids
    assert "illegal_working_penalty" in ids
    assert ids == [t.id for t in menu.tactics if not t.foreign_national_only]


def test_options_for_an_agency(menu: Menu) -> None:
    hmrc = options_for(menu, foreign_national=False, agency_kind="hmrc")
    assert hmrc and all("hmrc" in t.agencies for t in hmrc)
    assert "tax_investigation" in [t.id for t in hmrc]
    immigration = options_for(menu, foreign_national=True, agency_kind="immigration_enforcement")
    assert immigration[0].id == "refusal_of_entry" and immigration[0].type == "immigration"
    with pytest.raises(ValueError, match="'mi5' is not an agency on the menu"):
        options_for(menu, foreign_national=False, agency_kind="mi5")


def test_a_second_person_must_validate() -> None:
    assert validation_problems(recorded_by="dc.jones", validated_by="ds.patel") == []
    same = "The person who recorded the disruption cannot validate it: a second person must validate it."
    assert validation_problems(recorded_by="dc.jones", validated_by="dc.jones") == [same]
    assert validation_problems(recorded_by="dc.jones", validated_by=" DC.Jones ") == [same]
    assert validation_problems(recorded_by="dc.jones", validated_by="") == [
        "A second person must validate the disruption."
    ]
    assert validation_problems(recorded_by="", validated_by="ds.patel") == ["Who recorded the disruption is missing."]
