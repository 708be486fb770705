"""The 48-hour clock that stops on weekends and each nation's bank holidays, and month arithmetic."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sochub.engine.recovery import (
    add_months,
    add_working_days,
    bank_holiday,
    is_working_day,
    period_end,
    working_hours_deadline,
)

EW, SCOT, NI = "england-wales", "scotland", "northern-ireland"


def test_thursday_afternoon_runs_over_the_weekend_to_monday_afternoon() -> None:
    # Thu 14:00 -> Fri 14:00 is 24 hours, Fri to midnight 10 more, then Monday 00:00 -> 14:00 the last 14
    assert working_hours_deadline(datetime(2026, 3, 12, 14), 48, EW) == datetime(2026, 3, 16, 14)


def test_a_clock_started_on_a_weekend_starts_at_the_next_working_days_midnight() -> None:
    assert working_hours_deadline(datetime(2026, 3, 14, 10), 48, EW) == datetime(2026, 3, 18, 0)
    assert working_hours_deadline(datetime(2026, 3, 15, 23, 59), 1, EW) == datetime(2026, 3, 16, 1)


def test_a_clock_running_out_at_the_end_of_a_working_day_gives_the_next_midnight() -> None:
    assert working_hours_deadline(datetime(2026, 3, 12, 0), 48, EW) == datetime(2026, 3, 14, 0)


def test_easter_stops_the_clock_longer_in_england_and_wales_than_in_scotland() -> None:
    seized = datetime(2026, 4, 2, 17)  # Thursday before Good Friday
    assert bank_holiday(date(2026, 4, 3), EW) == "Good Friday"
    assert bank_holiday(date(2026, 4, 6), EW) == "Easter Monday"
    assert bank_holiday(date(2026, 4, 6), SCOT) is None
    # 7 hours on Thursday; Good Friday, the weekend and Easter Monday do not count; 24 on Tuesday, 17 on Wednesday
    assert working_hours_deadline(seized, 48, EW) == datetime(2026, 4, 8, 17)
    assert working_hours_deadline(seized, 48, SCOT) == datetime(2026, 4, 7, 17)
    # a seizure on Good Friday evening starts on Tuesday in England, Monday in Scotland
    assert working_hours_deadline(datetime(2026, 4, 3, 17), 48, EW) == datetime(2026, 4, 9, 0)
    assert working_hours_deadline(datetime(2026, 4, 3, 17), 48, SCOT) == datetime(2026, 4, 8, 0)


def test_scotland_stops_for_2_january_and_st_andrews_day() -> None:
    assert working_hours_deadline(datetime(2025, 12, 31, 10), 48, EW) == datetime(2026, 1, 5, 10)
    assert working_hours_deadline(datetime(2025, 12, 31, 10), 48, SCOT) == datetime(2026, 1, 6, 10)
    assert bank_holiday(date(2026, 11, 30), SCOT) == "Saint Andrew's Day"
    assert working_hours_deadline(datetime(2026, 11, 27, 12), 48, EW) == datetime(2026, 12, 1, 12)
    assert working_hours_deadline(datetime(2026, 11, 27, 12), 48, SCOT) == datetime(2026, 12, 2, 12)


def test_northern_ireland_stops_for_st_patricks_day_and_the_twelfth() -> None:
    assert not is_working_day(date(2026, 3, 17), NI)
    assert is_working_day(date(2026, 3, 17), EW)
    assert working_hours_deadline(datetime(2026, 3, 16, 12), 48, EW) == datetime(2026, 3, 18, 12)
    assert working_hours_deadline(datetime(2026, 3, 16, 12), 48, NI) == datetime(2026, 3, 19, 12)
    assert not is_working_day(date(2027, 7, 12), NI)  # a Monday
    assert working_hours_deadline(datetime(2027, 7, 9, 12), 48, NI) == datetime(2027, 7, 14, 12)
    assert working_hours_deadline(datetime(2027, 7, 9, 12), 48, EW) == datetime(2027, 7, 13, 12)


def test_christmas_and_substitute_days_stop_the_clock_everywhere() -> None:
    # Christmas Day 2026 is a Friday; Boxing Day falls on Saturday so Monday 28 December is the substitute day
    for nation in (EW, SCOT, NI):
        assert working_hours_deadline(datetime(2026, 12, 24, 12), 48, nation) == datetime(2026, 12, 30, 12)


def test_an_aware_start_keeps_its_zone_and_counts_wall_clock_hours() -> None:
    london = ZoneInfo("Europe/London")
    end = working_hours_deadline(datetime(2026, 3, 27, 14, tzinfo=london), 48, EW)  # clocks go forward 29 March
    assert end == datetime(2026, 3, 31, 14, tzinfo=london)
    assert end.tzinfo is london


def test_unknown_nation_and_negative_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown nation 'wales'"):
        working_hours_deadline(datetime(2026, 3, 12), 48, "wales")
    with pytest.raises(ValueError, match="negative"):
        working_hours_deadline(datetime(2026, 3, 12), -1, EW)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    # submitted Thursday 2 April 2026: the 7 working days start on the Friday (Good Friday, not a working day)
    assert add_working_days(date(2026, 4, 2), 7, EW) == date(2026, 4, 15)
    assert add_working_days(date(2026, 4, 2), 7, SCOT) == date(2026, 4, 14)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 24, date(2028, 1, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_to_the_end_of_a_short_month(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_a_period_beginning_with_a_day_ends_the_day_before_the_same_date() -> None:
    assert period_end(date(2026, 1, 1), 6) == date(2026, 6, 30)
    assert period_end(date(2025, 8, 31), 6) == date(2026, 2, 28)
    with pytest.raises(ValueError, match="at least one month"):
        period_end(date(2026, 1, 1), 0)
