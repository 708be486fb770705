"""Quarterly editions are named after the season: Winter (December to February, named after the year of its
January), Spring (March to May), Summer (June to August) and Autumn (September to November)."""

from __future__ import annotations

from datetime import date

SEASONS: tuple[str, ...] = ("Winter", "Spring", "Summer", "Autumn")
_BY_MONTH = {12: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3}


def quarter_of(day: date) -> tuple[str, int]:
    """The season and year an edition planned for ``day`` belongs to; December counts towards next year's Winter.

    >>> quarter_of(date(2025, 12, 10))
    ('Winter', 2026)
    """
    season = SEASONS[_BY_MONTH[day.month]]
    return season, day.year + 1 if day.month == 12 else day.year


def quarter_name(day: date) -> str:
    season, year = quarter_of(day)
    return f"{season} {year}"


def next_quarter(season: str, year: int) -> tuple[str, int]:
    """The quarter after ``season`` ``year``: Autumn 2026 is followed by Winter 2027."""
    index = SEASONS.index(season)
    if index == len(SEASONS) - 1:
        return SEASONS[0], year + 1
    return SEASONS[index + 1], year
