"""Does a new fraud report name a person who already has a vulnerable-victim case? (so the case lead is alerted)

Names, dates of birth, postcodes and phone numbers are normalised exactly as the linkage engine prepares
them for resolution: :func:`sochub.engine.names.normalise_name` (accents folded, punctuation dropped, upper
case), the linkage nickname list (:func:`sochub.engine.linkage.nicknames.canonical_given_name`, so 'Maggie'
and 'Margaret' agree), Soundex and Metaphone keys (:func:`sochub.engine.names.phonetic_keys`), UK postcodes
as 'BN1 1AA' and phone numbers as digits with +44 read as 0.

Why no Splink model here: a trained Splink model learns its weights from thousands of records during a
resolution run, and its output only means something on the data it was trained on. This is one report
compared against the few open cases of one force, when the report arrives. A transparent points score,
whose every point is listed as a reason a case lead can check, fits that better. The points are:

============================  =======  ========================================================
evidence                      points   when both records have it
============================  =======  ========================================================
first name                    2        same name, or the same formal name through a nickname
                              1.5      sounds alike (same Metaphone, or same Soundex and close spelling)
                              1        similar spelling (Jaro-Winkler 0.9 or more)
                              0.5      one is an initial that agrees
surname                       3        same
                              2.5      sounds alike (as for first names)
                              2        similar spelling (Jaro-Winkler 0.92 or more)
date of birth                 4        same
                              2        day and month swapped
                              1        one digit different
                              -3       different
postcode                      2        same (0 when different)
phone number                  2        same (0 when different)
============================  =======  ========================================================

The score is the points (never below 0) divided by the most the fields both records have could give, so a
case with no phone number is not marked down for it. A pair is only ever scored at all (otherwise 0) when
some part of the name agrees **and** the date of birth agrees (same or swapped) or the postcode or phone
number is the same: a name alone never matches. The default threshold is 0.8.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import jellyfish

from sochub.engine.linkage.nicknames import canonical_given_name
from sochub.engine.names import fold, normalise_name, normalise_phone, normalise_postcode, phonetic_keys

DEFAULT_THRESHOLD = 0.8

GIVEN_SAME = 2.0
GIVEN_NICKNAME = 2.0
GIVEN_SOUNDS_ALIKE = 1.5
GIVEN_SPELLING = 1.0
GIVEN_INITIAL = 0.5
SURNAME_SAME = 3.0
SURNAME_SOUNDS_ALIKE = 2.5
SURNAME_SPELLING = 2.0
DOB_SAME = 4.0
DOB_SWAPPED = 2.0
DOB_ONE_DIGIT = 1.0
DOB_DIFFERENT = -3.0
POSTCODE_SAME = 2.0
PHONE_SAME = 2.0

WEIGHTS: dict[str, float] = {
    "given_same": GIVEN_SAME,
    "given_nickname": GIVEN_NICKNAME,
    "given_sounds_alike": GIVEN_SOUNDS_ALIKE,
    "given_spelling": GIVEN_SPELLING,
    "given_initial": GIVEN_INITIAL,
    "surname_same": SURNAME_SAME,
    "surname_sounds_alike": SURNAME_SOUNDS_ALIKE,
    "surname_spelling": SURNAME_SPELLING,
    "dob_same": DOB_SAME,
    "dob_swapped": DOB_SWAPPED,
    "dob_one_digit": DOB_ONE_DIGIT,
    "dob_different": DOB_DIFFERENT,
    "postcode_same": POSTCODE_SAME,
    "phone_same": PHONE_SAME,
}
"""The points above, by name (for documentation and display)."""

_TITLES = frozenset({"MR", "MRS", "MS", "MISS", "MX", "DR", "REV", "REVD", "PROF", "SIR", "DAME", "LADY", "LORD"})
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


@dataclass(frozen=True)
class Person:
    key: str  # the caller's reference, e.g. "case:12"
    name: str
    birth_date: date | None
    postcode: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Match:
    key: str
    score: float  # 0..1
    reasons: list[str]  # the evidence, e.g. "same date of birth", "name: Margaret / Maggie (nickname)"


@dataclass(frozen=True)
class _Prepared:
    given: str | None
    surname: str | None
    dob: date | None
    postcode: str | None
    phone: str | None


def _split_name(raw: str) -> tuple[str | None, str | None]:
    """(first name, surname) cleaned as the linkage engine cleans names; 'Smith, Margaret' is turned round,
    titles are dropped, middle names ignored, and a single word is taken as the surname."""
    if "," in raw:
        last, _, first = raw.partition(",")
        raw = f"{first} {last}"
    tokens = [t for t in normalise_name(raw).split(" ") if t and t not in _TITLES]
    if not tokens:
        return None, None
    if len(tokens) == 1:
        return None, tokens[0]
    return tokens[0], tokens[-1]


def _postcode(raw: str) -> str | None:
    if not raw.strip():
        return None
    return normalise_postcode(raw) or _NON_ALNUM.sub("", fold(raw)) or None


def _prepare(p: Person) -> _Prepared:
    given, surname = _split_name(p.name or "")
    return _Prepared(
        given=given,
        surname=surname,
        dob=p.birth_date,
        postcode=_postcode(p.postcode or ""),
        phone=normalise_phone(p.phone) if p.phone and p.phone.strip() else None,
    )


def _show(token: str) -> str:
    return token.title()


def _sounds_alike(a: str, b: str) -> bool:
    soundex_a, meta_a = phonetic_keys(a)
    soundex_b, meta_b = phonetic_keys(b)
    if meta_a and meta_a == meta_b:
        return True
    return soundex_a == soundex_b and jellyfish.jaro_winkler_similarity(a, b) >= 0.85


def _given(a: str, b: str) -> tuple[float, str]:
    if a == b:
        return GIVEN_SAME, f"same first name ({_show(a)})"
    if len(a) == 1 or len(b) == 1:
        if a[0] == b[0]:
            return GIVEN_INITIAL, f"name: {_show(a)} / {_show(b)} (initial)"
        return 0.0, f"different first name ({_show(a)} / {_show(b)})"
    if canonical_given_name(a) == canonical_given_name(b):
        return GIVEN_NICKNAME, f"name: {_show(a)} / {_show(b)} (nickname)"
    if _sounds_alike(a, b):
        return GIVEN_SOUNDS_ALIKE, f"name: {_show(a)} / {_show(b)} (sounds alike)"
    if jellyfish.jaro_winkler_similarity(a, b) >= 0.9:
        return GIVEN_SPELLING, f"name: {_show(a)} / {_show(b)} (similar spelling)"
    return 0.0, f"different first name ({_show(a)} / {_show(b)})"


def _surname(a: str, b: str) -> tuple[float, str]:
    if a == b:
        return SURNAME_SAME, f"same surname ({_show(a)})"
    if _sounds_alike(a, b):
        return SURNAME_SOUNDS_ALIKE, f"surname: {_show(a)} / {_show(b)} (sounds alike)"
    if jellyfish.jaro_winkler_similarity(a, b) >= 0.92:
        return SURNAME_SPELLING, f"surname: {_show(a)} / {_show(b)} (similar spelling)"
    return 0.0, f"different surname ({_show(a)} / {_show(b)})"


def _dob(a: date, b: date) -> tuple[float, str]:
    if a == b:
        return DOB_SAME, "same date of birth"
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return DOB_SWAPPED, f"date of birth with day and month swapped ({a.isoformat()} / {b.isoformat()})"
    if sum(x != y for x, y in zip(a.isoformat(), b.isoformat(), strict=True)) == 1:
        return DOB_ONE_DIGIT, f"date of birth one digit different ({a.isoformat()} / {b.isoformat()})"
    return DOB_DIFFERENT, f"different date of birth ({a.isoformat()} / {b.isoformat()})"


def _compare(a: _Prepared, b: _Prepared, key: str) -> Match:
    points = 0.0
    most = 0.0
    reasons: list[str] = []
    name_agrees = confirmed = False
    if a.given and b.given:
        got, why = _given(a.given, b.given)
        points, most = points + got, most + GIVEN_SAME
        name_agrees |= got > 0
        reasons.append(why)
    if a.surname and b.surname:
        got, why = _surname(a.surname, b.surname)
        points, most = points + got, most + SURNAME_SAME
        name_agrees |= got > 0
        reasons.append(why)
    if a.dob and b.dob:
        got, why = _dob(a.dob, b.dob)
        points, most = points + got, most + DOB_SAME
        confirmed |= got >= DOB_SWAPPED
        reasons.append(why)
    if a.postcode and b.postcode:
        same = a.postcode == b.postcode
        points, most = points + (POSTCODE_SAME if same else 0.0), most + POSTCODE_SAME
        confirmed |= same
        reasons.append("same postcode" if same else f"different postcode ({a.postcode} / {b.postcode})")
    if a.phone and b.phone:
        same = a.phone == b.phone
        points, most = points + (PHONE_SAME if same else 0.0), most + PHONE_SAME
        confirmed |= same
        reasons.append("same phone number" if same else "different phone number")
    if not name_agrees:
        return Match(key, 0.0, [*reasons, "the names do not agree"])
    if not confirmed:
        return Match(key, 0.0, [*reasons, "not confirmed: no date of birth, postcode or phone number agrees"])
    return Match(key, round(max(points, 0.0) / most, 4), reasons)


def compare(report: Person, person: Person) -> Match:
    """The score and evidence for one pair, whatever the score (0 when the name does not agree or nothing
    confirms it); the match carries ``person.key``."""
    return _compare(_prepare(report), _prepare(person), person.key)


def match_person(report: Person, people: Sequence[Person], *, threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
    """The people the report may be about: score ``threshold`` or more (and above 0), best first (ties by key)."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold {threshold} is not between 0 and 1")
    prepared = _prepare(report)
    found = [_compare(prepared, _prepare(p), p.key) for p in people]
    kept = [m for m in found if m.score > 0 and m.score >= threshold]
    return sorted(kept, key=lambda m: (-m.score, m.key))
