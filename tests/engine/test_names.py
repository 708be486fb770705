from datetime import date

import pytest

from sochub.engine import names


@pytest.mark.parametrize(
    ("query", "name", "at_least", "below"),
    [
        ("John Smith", "John SMITH", 100, 101),
        ("Jon Smiht", "John Smith", 80, 100),
        ("smyth", "John Smith", 80, 100),
        ("Smith John", "John Smith", 95, 100),
        ("Brown", "John Smith", 0, 55),
    ],
)
def test_name_similarity_forgives_typos_and_order(query: str, name: str, at_least: float, below: float) -> None:
    assert at_least <= names.name_similarity(query, name) < below


def test_exact_name_scores_above_any_near_miss() -> None:
    assert names.name_similarity("John Smith", "John Smith") > names.name_similarity("John Smith", "Jon Smith")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("sw1a1aa", "SW1A 1AA"), ("M1 1AE", "M1 1AE"), (" m14  5ab ", "M14 5AB"), ("hello", None), ("12345", None)],
)
def test_postcodes(raw: str, expected: str | None) -> None:
    assert names.normalise_postcode(raw) == expected


def test_identifiers() -> None:
    assert names.normalise_pnc_id("98/123456A") == "98/0123456A"
    assert names.normalise_pnc_id("1998/0123456a") == "98/0123456A"
    assert names.normalise_pnc_id("not a pnc") is None
    assert names.normalise_ni_number("ab 12 34 56 c") == "AB123456C"
    assert names.normalise_ni_number("QQ123456C") is None  # Q is never a first letter
    assert names.normalise_phone("+44 7700 900123") == "07700900123"
    assert names.normalise_phone("12") is None
    assert names.normalise_vrm("ab12 cde") == "AB12CDE"
    assert names.normalise_vrm("SMITH") is None


def test_dates_in_the_usual_forms_and_impossible_ones() -> None:
    assert names.parse_date("1985-03-14") == date(1985, 3, 14)
    assert names.parse_date("14/03/1985") == date(1985, 3, 14)
    assert names.parse_date("19850314") == date(1985, 3, 14)
    assert names.parse_date("31/02/1990") is None
    assert names.parse_date("yesterday") is None


def test_name_tokens_fold_accents_and_punctuation() -> None:
    assert names.name_tokens("Zoë O’Brien-Smith") == ["ZOE", "OBRIEN", "SMITH"]
    assert names.name_tokens("<script>") == ["SCRIPT"]
