"""Does a new fraud report name a person who already has a case?"""

from __future__ import annotations

from datetime import date

import pytest

from sochub.engine.victims import Person, compare, match_person

REPORT = Person("report:1", "Margaret Smith", date(1944, 3, 2), "BN1 1AA")


def test_nickname_and_sound_alike_surname_with_same_birth_date_match() -> None:
    found = match_person(REPORT, [Person("case:12", "Maggie Smyth", date(1944, 3, 2))])
    assert [m.key for m in found] == ["case:12"]
    match = found[0]
    assert 0.8 <= match.score <= 1
    assert "same date of birth" in match.reasons
    assert "name: Margaret / Maggie (nickname)" in match.reasons
    assert "surname: Smith / Smyth (sounds alike)" in match.reasons


def test_same_name_with_another_birth_date_and_postcode_does_not_match() -> None:
    other = Person("case:2", "Margaret Smith", date(1951, 7, 19), "SW1A 1AA")
    assert match_person(REPORT, [other]) == []
    assert match_person(REPORT, [other], threshold=0.0) == []
    assert compare(REPORT, other).score == 0


def test_swapped_day_and_month_scores_lower_than_the_same_date() -> None:
    same = Person("case:3", "Margaret Smith", date(1944, 3, 2), "BN1 1AA")
    swapped = Person("case:4", "Margaret Smith", date(1944, 2, 3), "BN1 1AA")
    found = match_person(REPORT, [swapped, same], threshold=0.5)
    assert [m.key for m in found] == ["case:3", "case:4"]
    assert found[0].score == 1.0
    assert found[1].score < found[0].score
    assert any("day and month swapped" in r for r in found[1].reasons)


def test_a_name_alone_never_matches() -> None:
    bare = Person("report:2", "Margaret Smith", None)
    people = [
        Person("case:5", "Margaret Smith", None),
        Person("case:6", "Margaret Smith", date(1944, 3, 2)),
        Person("case:7", "Margaret Smith", None, "BN1 1AA"),
    ]
    assert match_person(bare, people, threshold=0.0) == []
    assert match_person(REPORT, [Person("case:5", "Margaret Smith", None)], threshold=0.0) == []
    assert "not confirmed" in compare(bare, people[0]).reasons[-1]


def test_birth_date_and_postcode_without_the_name_do_not_match() -> None:
    stranger = Person("case:8", "Arthur Jones", date(1944, 3, 2), "BN1 1AA")
    assert match_person(REPORT, [stranger], threshold=0.0) == []


def test_postcode_or_phone_confirms_a_name() -> None:
    by_postcode = Person("case:9", "Mrs Margaret Smith", None, "bn11aa")
    by_phone = Person("case:10", "SMITH, Peggy", None, phone="+44 1273 000 000")
    report = Person("report:3", "Margaret Smith", None, "BN1 1AA", "01273 000000")
    found = match_person(report, [by_phone, by_postcode])
    assert [(m.key, m.score) for m in found] == [("case:10", 1.0), ("case:9", 1.0)]  # ties in key order
    assert "same phone number" in found[0].reasons
    assert "name: Margaret / Peggy (nickname)" in found[0].reasons
    assert "same postcode" in found[1].reasons


def test_results_are_sorted_best_first_and_filtered_by_threshold() -> None:
    people = [
        Person("case:a", "Maggie Smyth", date(1944, 2, 3)),  # nickname, sounds alike, swapped: 6.5 / 9
        Person("case:b", "Margaret Smith", date(1944, 3, 2), "BN1 1AA"),  # everything: 1.0
        Person("case:c", "Margaret Smith", date(1944, 3, 2), "BN2 9ZZ"),  # moved house: 9 / 11
        Person("case:d", "M Smith", date(1944, 3, 2), "BN1 1AA"),  # initial: 9.5 / 11
    ]
    found = match_person(REPORT, people)
    assert [m.key for m in found] == ["case:b", "case:d", "case:c"]
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert found[2].score == pytest.approx(9 / 11, abs=1e-4)
    everyone = match_person(REPORT, people, threshold=0.5)
    assert [m.key for m in everyone][-1] == "case:a"
    assert everyone[-1].score == pytest.approx(6.5 / 9, abs=1e-4)
    with pytest.raises(ValueError, match="threshold"):
        match_person(REPORT, people, threshold=1.5)


def test_a_one_digit_slip_in_the_birth_date_is_not_a_contradiction() -> None:
    slip = Person("case:11", "Margaret Smith", date(1944, 3, 12), "BN1 1AA")
    match = compare(REPORT, slip)
    assert any("one digit different" in r for r in match.reasons)
    assert match.score == pytest.approx(8 / 11, abs=1e-4)
