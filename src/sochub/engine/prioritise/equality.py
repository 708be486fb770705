"""Equality report: does the priority list over- or under-represent a sex or an age band?

Compares the listed people with everyone who could have been ranked. The ICO found the Metropolitan Police's
Gangs Matrix over-represented young black men without a documented reason; this makes the comparison
routine and visible. Ethnicity is compared only where it is recorded (SOC Hub does not record it yet, and
the report says so rather than leaving it out silently).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 200))
NOTICEABLE_POINTS = 20.0  # a share differing by this many percentage points is called out


def age_band(born: date | None, on: date) -> str:
    if born is None:
        return "Not recorded"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}-{high}"
    return "Under 18"


def _sex(value: str | None) -> str:
    return {"M": "Male", "F": "Female"}.get((value or "").upper()[:1], "Not recorded")


def _table(population: Counter[str], listed: Counter[str], n_pop: int, n_list: int) -> list[dict[str, Any]]:
    rows = []
    for group in sorted(population, key=lambda g: (g == "Not recorded", g)):
        pop = 100 * population[group] / n_pop if n_pop else 0.0
        top = 100 * listed[group] / n_list if n_list else 0.0
        rows.append(
            {
                "group": group,
                "population": population[group],
                "population_percent": round(pop, 1),
                "listed": listed[group],
                "listed_percent": round(top, 1),
                "difference_points": round(top - pop, 1),
                "noticeable": abs(top - pop) >= NOTICEABLE_POINTS,
            }
        )
    return rows


def equality_report(
    *, population: Mapping[str, tuple[str | None, date | None]], listed: Sequence[str], as_of: date
) -> dict[str, Any]:
    """``population``: id -> (sex, date of birth) of everyone who could be ranked; ``listed``: the top ids."""
    n_pop, n_list = len(population), len(listed)
    sex_pop = Counter(_sex(s) for s, _ in population.values())
    age_pop = Counter(age_band(b, as_of) for _, b in population.values())
    sex_list = Counter(_sex(population[i][0]) for i in listed if i in population)
    age_list = Counter(age_band(population[i][1], as_of) for i in listed if i in population)
    tables = {"sex": _table(sex_pop, sex_list, n_pop, n_list), "age band": _table(age_pop, age_list, n_pop, n_list)}
    noticeable = [
        f"{name}: {row['group']} is {row['listed_percent']:g}% of the list but {row['population_percent']:g}% of "
        f"everyone who could be ranked"
        for name, rows in tables.items()
        for row in rows
        if row["noticeable"]
    ]
    return {
        "population": n_pop,
        "listed": n_list,
        "tables": tables,
        "noticeable": noticeable,
        "small_list_caution": n_list < 50,
        "ethnicity": "Not recorded in SOC Hub, so it cannot be compared; compare against force records.",
    }
