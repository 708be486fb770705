"""The timeline of a request for a defence against money laundering (DAML, POCA s335): the notice period in
working days, consent granted, refused or deemed, the moratorium after a refusal and its court extensions.

Dates only: every period ends at the end of its last day. The notice period is seven working days starting
with the first working day after the disclosure; working days leave out weekends and the bank holidays of the
reporter's nation (``sochub.engine.recovery.clock``). The moratorium is 31 calendar days starting with the day
of refusal. The numbers come from the reference data (``daml`` settings).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from sochub.engine.recovery.clock import add_working_days, bank_holiday, is_working_day, next_working_day

from .reference_data import Daml

Decision = Literal["pending", "granted", "refused"]
"""What has been recorded: no answer yet, consent granted, consent refused."""

Consent = Literal["pending", "granted", "refused", "deemed"]
"""Where consent stands on a day: "deemed" once the notice period has ended with no refusal."""

DECISIONS: tuple[Decision, ...] = ("pending", "granted", "refused")

Flag = Literal["ends today", "ends soon", ""]


@dataclass(frozen=True)
class Extension:
    """A court extension of the moratorium: granted on a day, for a number of days."""

    granted_on: date
    days: int


@dataclass(frozen=True)
class Event:
    """One step of the timeline, for the report's page."""

    day: date
    label: str
    past: bool


@dataclass(frozen=True)
class Timeline:
    submitted_on: date
    notice_starts: date
    """The first working day after submission."""
    notice_ends: date
    """The seventh working day after submission: consent is deemed at the end of this day without a refusal."""
    consent: Consent
    decided_on: date | None
    moratorium_ends_first: date | None
    """The last day of the first 31-day moratorium (refusal only)."""
    moratorium_ends: date | None
    """The last day of the moratorium with every extension."""
    extended_days: int
    events: list[Event] = field(default_factory=list)
    skipped: list[tuple[date, str]] = field(default_factory=list)
    """Bank holidays inside the notice period (not counted), for the page to explain."""

    @property
    def notice_running(self) -> bool:
        return self.consent == "pending"

    def moratorium_running(self, today: date) -> bool:
        return self.moratorium_ends is not None and today <= self.moratorium_ends

    def next_deadline(self, today: date) -> tuple[str, date] | None:
        """What ends next and when: the notice period while no decision is known, else a running moratorium."""
        if self.consent == "pending":
            return ("notice", self.notice_ends)
        if self.consent == "refused" and self.moratorium_ends is not None and today <= self.moratorium_ends:
            return ("moratorium", self.moratorium_ends)
        return None


def notice_period(submitted_on: date, daml: Daml, nation: str = "england-wales") -> tuple[date, date]:
    """The first and last day of the notice period of a disclosure made on ``submitted_on``."""
    days = daml.notice_working_days.value
    return next_working_day(submitted_on, nation), add_working_days(submitted_on, days, nation)


def moratorium_end(refused_on: date, daml: Daml) -> date:
    """The last day of the moratorium: ``moratorium_days`` calendar days starting with the day of refusal."""
    return refused_on + timedelta(days=daml.moratorium_days.value - 1)


def decision_problems(
    *, submitted_on: date, decision: str, decided_on: date | None, daml: Daml, nation: str = "england-wales"
) -> list[str]:
    """Why a consent decision cannot be recorded (empty when it can).

    A decision is granted or refused, on a day from submission to the end of the notice period: after that,
    consent was already deemed and a refusal no longer has effect.
    """
    if decision not in ("granted", "refused"):
        return ["Choose whether consent was granted or refused."]
    if decided_on is None:
        return ["Enter the date of the decision."]
    if decided_on < submitted_on:
        return ["The decision cannot be before the request was submitted."]
    _, ends = notice_period(submitted_on, daml, nation)
    if decided_on > ends:
        return [
            f"The notice period ended on {ends.isoformat()}: consent was deemed then, so a decision after it has no "
            "effect."
        ]
    return []


def extension_problems(
    *, refused_on: date, current_end: date, previous: Sequence[Extension], extension: Extension, daml: Daml
) -> list[str]:
    """Why a court extension of the moratorium cannot be recorded (empty when it can)."""
    problems: list[str] = []
    if extension.days < 1:
        problems.append("An extension must be at least one day.")
    if extension.days > daml.extension_max_days.value:
        problems.append(f"One extension may be at most {daml.extension_max_days.value} days.")
    total = sum(e.days for e in previous) + extension.days
    if total > daml.extensions_total_max_days.value:
        problems.append(
            f"Extensions may add at most {daml.extensions_total_max_days.value} days in all "
            f"({total} days with this one)."
        )
    if extension.granted_on < refused_on:
        problems.append("An extension cannot be granted before consent was refused.")
    if extension.granted_on > current_end + timedelta(days=1):
        problems.append(
            f"The moratorium ended on {current_end.isoformat()}: an extension must be granted before it ends."
        )
    return problems


def daml_timeline(
    *,
    submitted_on: date,
    decision: str,
    decided_on: date | None,
    extensions: Sequence[Extension],
    today: date,
    daml: Daml,
    nation: str = "england-wales",
) -> Timeline:
    """Where a DAML stands on ``today``: the notice period, consent (deemed once the notice period has ended
    with no decision recorded), and the moratorium of a refusal with its extensions."""
    starts, ends = notice_period(submitted_on, daml, nation)
    skipped: list[tuple[date, str]] = []
    day = submitted_on + timedelta(days=1)
    while day <= ends:
        name = bank_holiday(day, nation)
        if name and day.weekday() < 5 and not is_working_day(day, nation):
            skipped.append((day, name))
        day += timedelta(days=1)
    consent: Consent
    if decision == "granted":
        consent = "granted"
    elif decision == "refused":
        consent = "refused"
    else:
        consent = "deemed" if today > ends else "pending"
    events = [
        Event(submitted_on, "Request submitted to the UKFIU", submitted_on <= today),
        Event(starts, "Notice period starts (first working day after submission)", starts <= today),
    ]
    first_end: date | None = None
    final_end: date | None = None
    extended = 0
    if consent in ("granted", "refused") and decided_on is not None:
        events.append(Event(decided_on, f"Consent {consent}", decided_on <= today))
    events.append(Event(ends, "Notice period ends", ends < today))
    if consent == "deemed":
        events.append(Event(ends + timedelta(days=1), "Consent deemed: no refusal in the notice period", True))
    if consent == "refused" and decided_on is not None:
        first_end = moratorium_end(decided_on, daml)
        final_end = first_end
        events.append(Event(first_end, "Moratorium ends (31 days from refusal)", first_end < today))
        for ext in sorted(extensions, key=lambda e: e.granted_on):
            final_end = final_end + timedelta(days=ext.days)
            extended += ext.days
            events.append(Event(ext.granted_on, f"Court extends the moratorium by {ext.days} days", True))
            events.append(Event(final_end, "Extended moratorium ends", final_end < today))
    events.sort(key=lambda e: e.day)
    return Timeline(
        submitted_on=submitted_on,
        notice_starts=starts,
        notice_ends=ends,
        consent=consent,
        decided_on=decided_on if consent in ("granted", "refused") else None,
        moratorium_ends_first=first_end,
        moratorium_ends=final_end,
        extended_days=extended,
        events=events,
        skipped=skipped,
    )


def flag(ends: date, today: date, warn_within_days: int) -> Flag:
    """ "ends today", "ends soon" (within ``warn_within_days`` days) or "" for a period ending on ``ends``."""
    if ends == today:
        return "ends today"
    if today < ends <= today + timedelta(days=warn_within_days):
        return "ends soon"
    return ""
