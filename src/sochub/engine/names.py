"""Normalising and comparing the things people search by: names, dates, identifiers, postcodes.

Pure functions shared by the search index, imports and record linkage.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import jellyfish
from rapidfuzz import fuzz

_NON_LETTERS = re.compile(r"[^A-Z' -]+")
_SPACES = re.compile(r"\s+")
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
PNC_ID_RE = re.compile(r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$")
NI_NUMBER_RE = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")
VRM_RE = re.compile(r"^[A-Z0-9]{2,8}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d")


def fold(text: str) -> str:
    """Upper case with accents removed: 'Zoë O’Brien' -> 'ZOE O'BRIEN'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return text.replace("’", "'").upper()


def normalise_name(text: str) -> str:
    folded = _NON_LETTERS.sub(" ", fold(text.replace("’", "'")))
    return _SPACES.sub(" ", folded.replace("-", " ").replace("'", "")).strip()


def name_tokens(text: str) -> list[str]:
    return [t for t in normalise_name(text).split(" ") if t]


def phonetic_keys(token: str) -> tuple[str, str]:
    """(Soundex, Metaphone) of one upper-case word."""
    return jellyfish.soundex(token), jellyfish.metaphone(token)[:20]


def name_similarity(query: str, name: str) -> float:
    """0-100: how alike two names are, forgiving order, typos, sound-alikes and missing words.

    Each query word scores against its best-matching word of the name (a shared Soundex or
    Metaphone code counts as at least 85); an exact match of the whole name alone scores 100.
    """
    qa, nb = name_tokens(query), name_tokens(name)
    if not qa or not nb:
        return 0.0
    if qa == nb:
        return 100.0
    name_keys = [(t, phonetic_keys(t)) for t in nb]
    per_word = []
    for q in qa:
        q_keys = phonetic_keys(q)
        best = 0.0
        for t, keys in name_keys:
            score = fuzz.ratio(q, t)
            if keys[0] == q_keys[0] or keys[1] == q_keys[1]:
                score = max(score, 85.0)
            best = max(best, score)
        per_word.append(best)
    by_word = 0.97 * sum(per_word) / len(per_word)
    return max(by_word, min(fuzz.token_sort_ratio(" ".join(qa), " ".join(nb)), 99.0))


def normalise_postcode(text: str) -> str | None:
    """'sw1a1aa' -> 'SW1A 1AA'; None when it is not a UK postcode."""
    compact = _SPACES.sub("", fold(text))
    m = POSTCODE_RE.match(f"{compact[:-3]} {compact[-3:]}") if len(compact) >= 5 else None
    return f"{m.group(1)} {m.group(2)}" if m else None


def postcode_key(text: str) -> str | None:
    pc = normalise_postcode(text)
    return pc.replace(" ", "") if pc else None


def normalise_phone(text: str) -> str | None:
    digits = re.sub(r"\D", "", text)
    if text.strip().startswith("+44") or (digits.startswith("44") and len(digits) == 12):
        digits = "0" + digits[2:]
    return digits if 9 <= len(digits) <= 13 else None


def normalise_pnc_id(text: str) -> str | None:
    """PNC IDs are written YY/NNNNNNNL (year, serial, check letter); serial zero-padded to 7."""
    m = PNC_ID_RE.match(fold(text).replace(" ", ""))
    if not m:
        return None
    year = m.group(1)[-2:]
    return f"{year}/{int(m.group(2)):07d}{m.group(3)}"


def normalise_ni_number(text: str) -> str | None:
    compact = re.sub(r"\s", "", fold(text))
    return compact if NI_NUMBER_RE.match(compact) else None


def normalise_vrm(text: str) -> str | None:
    compact = re.sub(r"[\s-]", "", fold(text))
    return compact if VRM_RE.match(compact) and re.search(r"\d", compact) else None


def parse_date(text: str) -> date | None:
    """Read the usual written forms of a date (a date-time keeps its date); None when it is not a real date."""
    text = text.strip()
    if iso := _ISO_DATETIME.match(text):
        text = iso.group(1)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
