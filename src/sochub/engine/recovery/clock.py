"""Working-day clocks with the bank holidays of each UK nation, and month arithmetic.

Bank holidays come from the offline ``holidays`` library (England and Wales share theirs; substitute days
count as bank holidays). Christmas Day and Good Friday, which POCA s295(1B) names on their own, are bank
holidays in every nation's list. Scottish court holidays (also excluded by s295(1B)) are set locally by each
sheriffdom and are not in the library: only Scotland's bank holidays are used.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Literal, get_args

import holidays

Nation = Literal["england-wales", "scotland", "northern-ireland"]
NATIONS: tuple[Nation, ...] = get_args(Nation)

_SUBDIVISION: dict[Nation, str] = {"england-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}


def _nation(nation: str) -> Nation:
    if nation not in _SUBDIVISION:
        raise ValueError(f"unknown nation {nation!r} (nations: {', '.join(NATIONS)})")
    return nation  # type: ignore[return-value]


@cache
def _bank_holidays(nation: Nation) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=_SUBDIVISION[nation])


def bank_holiday(day: date, nation: str) -> str | None:
    """The name of the bank holiday on ``day`` in ``nation``, or None."""
    found = _bank_holidays(_nation(nation)).get(day)
    return str(found) if found else None


def is_working_day(day: date, nation: str) -> bool:
    """Monday to Friday and not a bank holiday of ``nation``."""
    return day.weekday() < 5 and bank_holiday(day, nation) is None


def next_working_day(day: date, nation: str) -> date:
    """The first working day after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day, nation):
        day += timedelta(days=1)
    return day


def working_hours_deadline(start: datetime, hours: int, nation: str) -> datetime:
    """When a clock of ``hours`` started at ``start`` runs out, if it stops on non-working days.

    The clock runs all 24 hours of each working day and not at all on Saturdays, Sundays or the bank holidays
    of ``nation`` (POCA s295(1B)). A clock started on a non-working day starts at midnight at the beginning of
    the next working day. A clock that runs out exactly at the end of a working day gives midnight at the start
    of the following day. Hours are wall-clock hours in ``start``'s own time zone (naive or aware), so a day
    of a clock change still counts as 24 hours.
    """
    if hours < 0:
        raise ValueError(f"hours must not be negative (got {hours})")
    _nation(nation)
    zone = start.tzinfo
    current = start
    if not is_working_day(current.date(), nation):
        current = datetime.combine(next_working_day(current.date(), nation), time(0), tzinfo=zone)
    remaining = timedelta(hours=hours)
    while True:
        day_end = datetime.combine(current.date() + timedelta(days=1), time(0), tzinfo=zone)
        available = day_end - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = datetime.combine(next_working_day(current.date(), nation), time(0), tzinfo=zone)


def add_working_days(day: date, days: int, nation: str) -> date:
    """The ``days``-th working day after ``day`` (a period "starting with the day after")."""
    if days < 0:
        raise ValueError(f"days must not be negative (got {days})")
    for _ in range(days):
        day = next_working_day(day, nation)
    return day


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, kept to the last day of a shorter month (31 Aug + 6 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, months: int) -> date:
    """The last day of a period of ``months`` months "beginning with" ``start`` (the corresponding-date rule).

    It ends the day before the same date ``months`` later (1 January + 6 months ends 30 June); where that month
    has no such date, at the end of that month (31 August + 6 months ends 28 or 29 February).
    """
    if months < 1:
        raise ValueError(f"a period needs at least one month (got {months})")
    same = add_months(start, months)
    return same if same.day != start.day else same - timedelta(days=1)


def long_date(day: date | datetime) -> str:
    """A day as people read it: "Friday 14 March 2025"."""
    return f"{day:%A} {day.day} {day:%B %Y}"
