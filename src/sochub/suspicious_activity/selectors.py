"""Reads of suspicious activity reports, always through the access list (``policies.visible_reports``): the
user's list, one report, its timeline, the DAML deadlines ending soon, and counts by sector and period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from sochub.engine import suspicious_activity as engine
from sochub.intel import selectors as intel_selectors
from sochub.partners.models import User

from . import policies
from .models import Decision, ReportSubject, ReportType, SubjectKind, SuspiciousActivityReport

PERIODS = engine.PERIODS


@cache
def reference() -> engine.Reference:
    """The reference data in use (read once per process)."""
    return engine.load_reference()


def reports_visible_to(*, user: User) -> QuerySet[SuspiciousActivityReport]:
    """The reports on whose access list ``user`` is, newest first."""
    return policies.visible_reports(user).select_related("agency", "created_by")


def report_get(*, user: User, report_id: int) -> SuspiciousActivityReport | None:
    """One report if ``user`` is on its access list, else None (the caller answers 404)."""
    return reports_visible_to(user=user).filter(pk=report_id).first()


def timeline(report: SuspiciousActivityReport, today: date | None = None) -> engine.Timeline | None:
    """The DAML timeline of a report (None for an information report or a DATF, which has no statutory periods
    unless the reference data says so)."""
    ref = reference()
    if report.report_type == ReportType.INFORMATION:
        return None
    if report.report_type == ReportType.DATF and not ref.daml.datf_has_statutory_periods:
        return None
    extensions = [engine.Extension(e.granted_on, e.days) for e in report.extensions.all()]
    return engine.daml_timeline(
        submitted_on=report.submitted_on,
        decision=report.decision,
        decided_on=report.decided_on,
        extensions=extensions,
        today=today or timezone.localdate(),
        daml=ref.daml,
        nation=report.nation,
    )


def consent(report: SuspiciousActivityReport, today: date | None = None) -> str:
    """Where consent stands: pending, granted, refused, deemed, or "" for a report that asks for none."""
    found = timeline(report, today)
    if found is not None:
        return found.consent
    return report.decision if report.asks_for_defence else ""


@dataclass(frozen=True)
class SubjectRow:
    """A subject as one reader may see it: the nominal is linked only if the reader may see it."""

    subject: ReportSubject
    nominal_id: str | None
    nominal_name: str

    @property
    def label(self) -> str:
        s = self.subject
        if s.kind == SubjectKind.COMPANY:
            return f"{s.company_name} ({s.company_number})" if s.company_number else s.company_name
        return s.name_as_reported or self.nominal_name or "A person (name not given)"


def subjects(*, user: User, report: SuspiciousActivityReport) -> list[SubjectRow]:
    rows = []
    for s in report.subjects.select_related("nominal"):
        nominal = intel_selectors.nominal_resolve(user=user, nominal_id=str(s.nominal_id)) if s.nominal_id else None
        name = ""
        if nominal is not None:
            profile = intel_selectors.nominal_profile(user=user, nominal=nominal)
            name = profile.display_name
        rows.append(SubjectRow(s, str(nominal.pk) if nominal is not None else None, name))
    return rows


# DAML deadlines -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    report: SuspiciousActivityReport
    what: str
    """"notice" or "moratorium"."""
    ends: date
    flag: str
    """"ends today", "ends soon" or ""."""

    @property
    def label(self) -> str:
        return "Notice period ends" if self.what == "notice" else "Moratorium ends"


def deadlines(*, user: User, today: date | None = None) -> list[DeadlineRow]:
    """Running notice periods and moratoriums of the reports ``user`` may see, soonest first, each flagged when
    it ends today or soon."""
    day = today or timezone.localdate()
    warn = reference().daml.warn_within_days.value
    qs = reports_visible_to(user=user).filter(report_type__in=[ReportType.DAML, ReportType.DATF])
    rows: list[DeadlineRow] = []
    for report in qs.prefetch_related("extensions"):
        found = timeline(report, day)
        if found is None:
            continue
        nxt = found.next_deadline(day)
        if nxt is None or nxt[1] < day:
            continue
        rows.append(DeadlineRow(report, nxt[0], nxt[1], engine.flag(nxt[1], day, warn)))
    return sorted(rows, key=lambda r: (r.ends, r.report.pk))


# Counts -------------------------------------------------------------------------------------------------


def _count_rows(user: User) -> list[dict[str, Any]]:
    """Sector and day of every report of the agencies whose counts ``user`` sees; nothing else is read."""
    agencies = policies.counts_agencies(user)
    if agencies is None:
        return []
    qs = SuspiciousActivityReport.objects.filter(agency__in=agencies)
    return [{"sector": s, "submitted_on": d} for s, d in qs.values_list("sector", "submitted_on")]


def counts(
    *,
    user: User,
    period: str = "month",
    start: date | None = None,
    end: date | None = None,
    sectors: list[str] | None = None,
) -> engine.CountTable:
    """Reports by period and sector for the agencies whose counts ``user`` sees (empty for anyone else)."""
    return engine.counts_by_sector(
        _count_rows(user), period=period if period in PERIODS else "month", start=start, end=end, sectors=sectors
    )


def campaign_comparison(
    *,
    user: User,
    sectors: list[str],
    before: tuple[date, date],
    after: tuple[date, date],
    target_pct: float | None = None,
) -> engine.Comparison:
    """The % change in reports from ``sectors`` between two periods, over the reports whose counts ``user``
    sees (raises ValueError for periods that overlap or run backwards)."""
    return engine.compare_periods(_count_rows(user), sectors=sectors, before=before, after=after, target_pct=target_pct)


def pending_decisions(*, user: User) -> QuerySet[SuspiciousActivityReport]:
    """Requests for a defence with no decision recorded (for the list page)."""
    return reports_visible_to(user=user).filter(
        report_type__in=[ReportType.DAML, ReportType.DATF], decision=Decision.PENDING
    )
