"""The rules of a Prevent programme, as plain functions: age on a day, who must consent, what attendance
completes a phase, when reoffending is checked and when a record is due for a retention review."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .reference import PreventReference

ATTENDED, ABSENT, EXCUSED = "attended", "absent", "excused"


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """``day`` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birth: date, day: date) -> int:
    """Age in whole years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_problem(*, birth: date, on: date, minimum: int, maximum: int) -> str | None:
    """Why someone born on ``birth`` cannot be referred on ``on`` to a programme for ``minimum``-``maximum`` year
    olds, or None."""
    if birth >= on:
        return "The date of birth must be before the referral date."
    age = age_on(birth, on)
    if age < minimum or age > maximum:
        return f"The young person is {age} on the referral date; this programme is for ages {minimum} to {maximum}."
    return None


@dataclass(frozen=True)
class ConsentState:
    """Whose consent a referral holds, and what is still missing before it may be accepted."""

    own_consent_needed: bool
    young_person: bool
    guardian: bool

    @property
    def missing(self) -> list[str]:
        out = []
        if not self.guardian:
            out.append("A parent or guardian must consent (who, how and when) before the referral is accepted.")
        if self.own_consent_needed and not self.young_person:
            out.append("The young person must consent (how and when) before the referral is accepted.")
        return out

    @property
    def complete(self) -> bool:
        return not self.missing


def consent_state(
    *, ref: PreventReference, birth: date, on: date, young_person_given: bool, guardian_given: bool
) -> ConsentState:
    """Below the consent age (13, assumed) a parent or guardian consents for the young person; from it, both must."""
    return ConsentState(
        own_consent_needed=age_on(birth, on) >= ref.consent.own_consent_age,
        young_person=young_person_given,
        guardian=guardian_given,
    )


@dataclass(frozen=True)
class PhaseAttendance:
    attended: int
    absent: int
    excused: int

    @property
    def counted(self) -> int:
        return self.attended + self.absent

    @property
    def rate(self) -> float | None:
        """Attended out of attended plus absent (excused sessions do not count); None before any session."""
        return self.attended / self.counted if self.counted else None


def phase_attendance(marks: Iterable[str]) -> PhaseAttendance:
    marks = list(marks)
    return PhaseAttendance(marks.count(ATTENDED), marks.count(ABSENT), marks.count(EXCUSED))


def completion_problem(*, ref: PreventReference, marks: Iterable[str]) -> str | None:
    """Why a phase cannot be completed on this attendance, or None."""
    att = phase_attendance(marks)
    threshold = ref.completion.attendance_threshold
    if att.rate is None:
        return "No attendance is recorded for this phase yet."
    if att.rate < threshold:
        return (
            f"Attendance in this phase is {att.rate:.0%} ({att.attended} of {att.counted} sessions); "
            f"completing a phase needs at least {threshold:.0%}."
        )
    return None


def reoffending_due(*, ref: PreventReference, left_on: date) -> list[tuple[int, date]]:
    """(months, due date) of each reoffending check after leaving on ``left_on``."""
    return [(m, add_months(left_on, m)) for m in ref.reoffending_checks.months]


PENDING, WAITING, DECLINED, ACTIVE, COMPLETED, LEFT = "referred", "waiting", "declined", "active", "completed", "left"


def retention_review_on(
    *,
    ref: PreventReference,
    status: str,
    birth: date,
    referred_on: date,
    decided_on: date | None = None,
    left_on: date | None = None,
) -> date:
    """When a record is next due for a retention review: a period after its last event (referral, decline or
    leaving), and never later than the 18th birthday plus one year (the age backstop)."""
    r = ref.retention
    backstop = add_years(birth, r.age_backstop_years)
    if status in (COMPLETED, LEFT) and left_on is not None:
        event = add_months(left_on, r.after_leaving_months)
    elif status == DECLINED and decided_on is not None:
        event = add_months(decided_on, r.declined_months)
    elif status == ACTIVE:
        event = backstop
    else:
        event = add_months(referred_on, r.referral_pending_months)
    return min(event, backstop)


def retain_problem(*, ref: PreventReference, today: date, next_review: date) -> str | None:
    """Why a "retain" decision may not set ``next_review``, or None."""
    if next_review <= today:
        return "The next review must be after today."
    if next_review > add_months(today, ref.retention.max_retain_months):
        return f"The next review must be within {ref.retention.max_retain_months} months."
    return None
