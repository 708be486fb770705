"""Every write to suspicious activity reports, and every audited read.

Recording a report, adding a subject, the DAML decision, moratorium extensions, and the access list. The
engine (``sochub.engine.suspicious_activity``) checks glossary codes and computes the notice period and the
moratorium. Each write, each read of a report and each export of counts is audited; putting someone on the
access list is audited as a disclosure to them. Audit rows name the report only, never the subject nominal,
so the nominal's own audit trail (shown on its page to its agency) never reveals a report.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import suspicious_activity as engine
from sochub.intel.models import Nominal
from sochub.intel.services import NotFound
from sochub.intel.validation import clean_text
from sochub.partners.models import User

from . import policies, selectors
from .models import (
    Decision,
    MoratoriumExtension,
    Nation,
    ReportAccess,
    ReportSubject,
    ReportType,
    Sector,
    SubjectKind,
    SuspiciousActivityReport,
)

OBJECT_TYPE = "suspicious_activity_report"
MAX_VALUE = Decimal("1e12")
_UKFIU_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/\-]{2,39}$")
_COMPANY_NUMBER = re.compile(r"^(?:[A-Z]{2}\d{6}|\d{8})$")


def _audit(actor: Actor, ids: list[Any], operation: str, *, recipients: list[str] | None = None, **detail: Any) -> None:
    audit.record(
        actor=actor,
        operation=operation,
        object_type=OBJECT_TYPE,
        object_ids=ids,
        purpose=actor.purpose or None,
        recipients=recipients or [],
        detail=detail,
    )


def _needs_purpose(actor: Actor) -> None:
    if not actor.purpose.strip():
        raise PermissionDenied("Say why you need this information first (a purpose).")


def _visible(actor: Actor, report: SuspiciousActivityReport) -> None:
    if not policies.can_view(actor.user, report):
        raise NotFound


def ukfiu_reference_clean(raw: str) -> str:
    ref = clean_text(raw, field="ukfiu_reference", max_length=40).upper()
    if not _UKFIU_REF.match(ref):
        raise ValidationError(
            {"ukfiu_reference": "Enter the UKFIU reference: letters, digits, / and - only, 3 to 40 characters."}
        )
    return ref


def company_number_clean(raw: str) -> str:
    """A Companies House number: 8 characters, two letters (SC, NI, OC, ...) and 6 digits, or 8 digits (shorter
    numbers are padded with leading zeros). Blank when not known."""
    text = re.sub(r"\s+", "", raw or "").upper()
    if not text:
        return ""
    if text.isdigit() and len(text) < 8:
        text = text.zfill(8)
    if not _COMPANY_NUMBER.match(text):
        raise ValidationError(
            {"company_number": "Enter the company number as 8 characters, like 01234567 or SC123456."}
        )
    return text


def _value(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or not Decimal(0) <= value < MAX_VALUE:
        raise ValidationError({"property_value": "Enter the value in pounds, £0 or more and under £1 trillion."})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({"property_value": "Enter the value in pounds and pence, like 2500.00."})
    return value


def _subject(
    actor: Actor,
    report: SuspiciousActivityReport,
    *,
    nominal: Nominal | None = None,
    name_as_reported: str = "",
    company_name: str = "",
    company_number: str = "",
) -> ReportSubject:
    name = clean_text(name_as_reported, field="name_as_reported", max_length=200, required=False)
    company = clean_text(company_name, field="company_name", max_length=200, required=False)
    number = company_number_clean(company_number)
    if nominal is not None:
        if company or number:
            raise ValidationError({"company_name": "Add a person and a company as two subjects."})
        if not policies.shows_nominal(actor.user, nominal):
            raise ValidationError({"nominal": "No nominal you can see has that id."})
        return ReportSubject.objects.create(
            report=report, kind=SubjectKind.PERSON, nominal=nominal, name_as_reported=name, added_by=actor.user
        )
    if not company:
        raise ValidationError({"company_name": "Enter the company's name, or choose a nominal for a person."})
    if name:
        raise ValidationError({"name_as_reported": "A person subject needs a nominal you can see."})
    return ReportSubject.objects.create(
        report=report,
        kind=SubjectKind.COMPANY,
        company_name=company,
        company_number=number,
        added_by=actor.user,
    )


@transaction.atomic
def report_record(
    *,
    actor: Actor,
    ukfiu_reference: str,
    report_type: str,
    sector: str,
    reporter_organisation: str,
    submitted_on: date,
    reason_for_suspicion: str,
    glossary_codes: list[str],
    no_codes_apply: bool = False,
    property_description: str = "",
    property_value: Decimal | None = None,
    prohibited_act: str = "",
    nation: str = Nation.ENGLAND_WALES,
    persons: list[tuple[Nominal, str]] | None = None,
    companies: list[tuple[str, str]] | None = None,
) -> SuspiciousActivityReport:
    """Record a report; the recorder alone is on its access list. ``persons`` are (nominal, name as reported)
    and ``companies`` (name, number). A DAML or DATF must state the prohibited act; a DAML's notice period is
    computed from the day it was submitted."""
    user = actor.user
    if not policies.can_record(user):
        raise PermissionDenied(
            "Only analysts, coordinators and officers vetted for OFFICIAL-SENSITIVE can record these reports."
        )
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    try:
        ref = ukfiu_reference_clean(ukfiu_reference)
    except ValidationError as exc:
        ref = ""
        errors.update(exc.message_dict)
    if report_type not in ReportType.values:
        fail("report_type", "Choose the type of report.")
    if sector not in Sector.values:
        fail("sector", "Choose the reporting sector.")
    if nation not in Nation.values:
        fail("nation", "Choose where the reporter is.")
    raw = {
        "reporter_organisation": reporter_organisation,
        "reason_for_suspicion": reason_for_suspicion,
        "property_description": property_description,
        "prohibited_act": prohibited_act,
    }
    texts: dict[str, str] = {}
    for field, limit, required in (
        ("reporter_organisation", 200, True),
        ("reason_for_suspicion", 10000, True),
        ("property_description", 4000, False),
        ("prohibited_act", 4000, False),
    ):
        try:
            texts[field] = clean_text(raw[field], field=field, max_length=limit, required=required)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            texts[field] = ""
    asks = report_type in (ReportType.DAML, ReportType.DATF)
    if asks and "prohibited_act" not in errors and not texts["prohibited_act"]:
        fail("prohibited_act", "Enter the prohibited act the reporter asked for a defence to do.")
    if not asks and texts["prohibited_act"]:
        fail("prohibited_act", "Only a DAML or DATF states a prohibited act.")
    if submitted_on > timezone.localdate():
        fail("submitted_on", "The date submitted must not be in the future.")
    if submitted_on.year < 2000:
        fail("submitted_on", "Enter the date the report was submitted to the UKFIU.")
    ref_data = selectors.reference()
    for problem in engine.code_problems(ref_data, glossary_codes, no_codes_apply=no_codes_apply, consent_request=asks):
        fail("glossary_codes", problem)
    try:
        value = _value(property_value)
    except ValidationError as exc:
        value = None
        errors.update(exc.message_dict)
    if ref and policies.visible_reports(user).filter(ukfiu_reference=ref).exists():
        fail("ukfiu_reference", "You have already recorded a report with this UKFIU reference.")
    if errors:
        raise ValidationError(errors)
    codes = list(dict.fromkeys(engine.normalise_code(c) for c in glossary_codes if c.strip()))
    notice_ends = None
    if report_type == ReportType.DAML or (report_type == ReportType.DATF and ref_data.daml.datf_has_statutory_periods):
        notice_ends = engine.notice_period(submitted_on, ref_data.daml, nation)[1]
    assert user.agency_id is not None  # can_record
    report = SuspiciousActivityReport.objects.create(
        agency_id=user.agency_id,
        ukfiu_reference=ref,
        report_type=report_type,
        sector=sector,
        reporter_organisation=texts["reporter_organisation"],
        submitted_on=submitted_on,
        nation=nation,
        glossary_codes=codes,
        no_codes_apply=no_codes_apply,
        reference_version=f"{ref_data.version} {engine.fingerprint(ref_data)}",
        reason_for_suspicion=texts["reason_for_suspicion"],
        property_description=texts["property_description"],
        property_value=value,
        prohibited_act=texts["prohibited_act"],
        notice_period_ends=notice_ends,
        created_by=user,
    )
    ReportAccess.objects.create(
        report=report, user=user, agency_id=user.agency_id, recorder=True, reason="Recorded the report", added_by=user
    )
    for nominal, name in persons or []:
        _subject(actor, report, nominal=nominal, name_as_reported=name)
    for company, number in companies or []:
        _subject(actor, report, company_name=company, company_number=number)
    _audit(
        actor,
        [report.pk],
        Operation.COLLECTION,
        action="recorded",
        report_type=report_type,
        sector=sector,
        subjects=report.subjects.count(),
        notice_period_ends=notice_ends.isoformat() if notice_ends else None,
    )
    return report


def report_consult(*, actor: Actor, report_id: int, view: str = "report") -> SuspiciousActivityReport:
    """Open one report (audited with the purpose); NotFound unless the user is on its access list."""
    _needs_purpose(actor)
    report = selectors.report_get(user=actor.user, report_id=report_id)
    if report is None:
        raise NotFound
    _audit(actor, [report.pk], Operation.CONSULTATION, view=view)
    return report


def reports_list(
    *, actor: Actor, view: str = "list", limit: int = 200, offset: int = 0
) -> list[SuspiciousActivityReport]:
    """The reports the user may see (a page of them), audited as a consultation with the purpose."""
    _needs_purpose(actor)
    shown = list(selectors.reports_visible_to(user=actor.user)[offset : offset + limit])
    _audit(actor, [r.pk for r in shown], Operation.CONSULTATION, view=view)
    return shown


def deadlines_consult(*, actor: Actor, today: date | None = None) -> list[selectors.DeadlineRow]:
    """The running DAML notice periods and moratoriums the user may see, audited with the purpose."""
    _needs_purpose(actor)
    rows = selectors.deadlines(user=actor.user, today=today)
    _audit(actor, [r.report.pk for r in rows], Operation.CONSULTATION, view="deadlines")
    return rows


@transaction.atomic
def subject_add(
    *,
    actor: Actor,
    report: SuspiciousActivityReport,
    nominal: Nominal | None = None,
    name_as_reported: str = "",
    company_name: str = "",
    company_number: str = "",
) -> ReportSubject:
    _visible(actor, report)
    if not policies.can_update(actor.user, report):
        raise PermissionDenied("Your role does not allow you to change this report.")
    subject = _subject(
        actor,
        report,
        nominal=nominal,
        name_as_reported=name_as_reported,
        company_name=company_name,
        company_number=company_number,
    )
    _audit(actor, [report.pk], Operation.ALTERATION, action="subject_added", kind=subject.kind, subject=subject.pk)
    return subject


@transaction.atomic
def decision_record(
    *, actor: Actor, report: SuspiciousActivityReport, decision: str, decided_on: date | None, note: str = ""
) -> SuspiciousActivityReport:
    """Record the UKFIU's answer to a DAML or DATF: consent granted or refused within the notice period. A
    refusal starts the 31-day moratorium."""
    _visible(actor, report)
    if not policies.can_update(actor.user, report):
        raise PermissionDenied("Your role does not allow you to change this report.")
    if not report.asks_for_defence:
        raise ValidationError({"decision": "An information report asks for no consent."})
    if report.decision != Decision.PENDING:
        raise ValidationError({"decision": f"The decision is already recorded ({report.get_decision_display()})."})
    ref = selectors.reference()
    note = clean_text(note, field="decision_note", max_length=2000, required=False)
    if decided_on is not None and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date of the decision must not be in the future."})
    if report.notice_period_ends is not None:
        problems = engine.decision_problems(
            submitted_on=report.submitted_on,
            decision=decision,
            decided_on=decided_on,
            daml=ref.daml,
            nation=report.nation,
        )
    elif decision not in ("granted", "refused"):
        problems = ["Choose whether consent was granted or refused."]
    elif decided_on is None or decided_on < report.submitted_on:
        problems = ["Enter the date of the decision, on or after the day the request was submitted."]
    else:
        problems = []
    if problems:
        raise ValidationError({"decision": problems})
    assert decided_on is not None
    report.decision, report.decided_on, report.decision_note = decision, decided_on, note
    report.moratorium_ends = (
        engine.moratorium_end(decided_on, ref.daml)
        if decision == Decision.REFUSED and report.notice_period_ends is not None
        else None
    )
    report.save(update_fields=["decision", "decided_on", "decision_note", "moratorium_ends"])
    _audit(
        actor,
        [report.pk],
        Operation.ALTERATION,
        action="decision",
        decision=decision,
        decided_on=decided_on.isoformat(),
        moratorium_ends=report.moratorium_ends.isoformat() if report.moratorium_ends else None,
    )
    return report


@transaction.atomic
def extension_add(
    *, actor: Actor, report: SuspiciousActivityReport, granted_on: date, days: int, court: str = ""
) -> MoratoriumExtension:
    """Record a court extension of the moratorium (at most 31 days each, 186 in all: reference data)."""
    _visible(actor, report)
    if not policies.can_update(actor.user, report):
        raise PermissionDenied("Your role does not allow you to change this report.")
    if report.decision != Decision.REFUSED or report.moratorium_ends is None or report.decided_on is None:
        raise ValidationError({"days": "Only a refused DAML has a moratorium to extend."})
    if granted_on > timezone.localdate():
        raise ValidationError({"granted_on": "The date granted must not be in the future."})
    court = clean_text(court, field="court", max_length=200, required=False)
    ref = selectors.reference()
    previous = [engine.Extension(e.granted_on, e.days) for e in report.extensions.all()]
    new = engine.Extension(granted_on, days)
    problems = engine.extension_problems(
        refused_on=report.decided_on,
        current_end=report.moratorium_ends,
        previous=previous,
        extension=new,
        daml=ref.daml,
    )
    if problems:
        raise ValidationError({"days": problems})
    ends = engine.moratorium_end(report.decided_on, ref.daml)
    for e in [*previous, new]:
        ends += timedelta(days=e.days)
    extension = MoratoriumExtension.objects.create(
        report=report, granted_on=granted_on, days=days, court=court, ends_on=ends, created_by=actor.user
    )
    report.moratorium_ends = ends
    report.save(update_fields=["moratorium_ends"])
    _audit(actor, [report.pk], Operation.ALTERATION, action="moratorium_extended", days=days, ends=ends.isoformat())
    return extension


@transaction.atomic
def access_add(
    *,
    actor: Actor,
    report: SuspiciousActivityReport,
    user: User,
    reason: str,
    financial_investigator: bool = False,
) -> ReportAccess:
    """Put ``user`` on the access list (the recorder only); audited as a disclosure to them with the reason."""
    _visible(actor, report)
    reason = clean_text(reason, field="reason", max_length=500)
    refusal = policies.access_refusal(actor.user, report, user, financial_investigator=financial_investigator)
    if refusal is not None:
        raise PermissionDenied(refusal)
    if report.access.filter(user=user).exists():
        raise ValidationError({"username": "That person is already on the list."})
    assert user.agency_id is not None  # works_with_intel
    entry = ReportAccess.objects.create(
        report=report,
        user=user,
        agency_id=user.agency_id,
        financial_investigator=financial_investigator and user.agency_id != report.agency_id,
        reason=reason,
        added_by=actor.user,
    )
    audit.record(
        actor=actor,
        operation=Operation.DISCLOSURE,
        object_type=OBJECT_TYPE,
        object_ids=[report.pk],
        purpose=reason,
        recipients=[user.username],
        detail={
            "action": "access_added",
            "recipient_agency": user.agency.code if user.agency else "",  # type: ignore[union-attr]
            "financial_investigator": entry.financial_investigator,
        },
    )
    return entry


@transaction.atomic
def access_remove(*, actor: Actor, report: SuspiciousActivityReport, entry: ReportAccess) -> None:
    """Take someone off the list (the recorder only; the recorder stays)."""
    _visible(actor, report)
    if not policies.can_manage_access(actor.user, report):
        raise PermissionDenied("Only the person who recorded the report can change who may see it.")
    if entry.report_id != report.pk:
        raise NotFound
    if entry.recorder:
        raise ValidationError({"access": "The recorder stays on the list."})
    username = entry.user.username
    entry.delete()
    _audit(actor, [report.pk], Operation.ALTERATION, action="access_removed", removed=username)


def counts_consult(
    *, actor: Actor, period: str, start: date | None, end: date | None, sectors: list[str] | None, export: bool = False
) -> engine.CountTable:
    """Counts by sector and period (no content), audited; the CSV export is audited as a disclosure."""
    if not policies.can_see_counts(actor.user):
        raise NotFound
    table = selectors.counts(user=actor.user, period=period, start=start, end=end, sectors=sectors)
    audit.record(
        actor=actor,
        operation=Operation.DISCLOSURE if export else Operation.CONSULTATION,
        object_type="suspicious_activity_counts",
        purpose=actor.purpose or "measuring reports by sector and period",
        recipients=[actor.user.username] if export else [],
        detail={
            "period": table.period,
            "from": start.isoformat() if start else None,
            "to": end.isoformat() if end else None,
            "sectors": table.sectors,
            "export": "csv" if export else None,
        },
    )
    return table


def campaign_consult(
    *,
    actor: Actor,
    sectors: list[str],
    before: tuple[date, date],
    after: tuple[date, date],
    target_pct: float | None,
) -> engine.Comparison:
    """A campaign comparison of two periods (counts only), audited; ValidationError for bad periods."""
    if not policies.can_see_counts(actor.user):
        raise NotFound
    try:
        result = selectors.campaign_comparison(
            user=actor.user, sectors=sectors, before=before, after=after, target_pct=target_pct
        )
    except ValueError as exc:
        raise ValidationError({"sectors": str(exc)}) from None
    audit.record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="suspicious_activity_counts",
        purpose=actor.purpose or "measuring a campaign",
        detail={
            "campaign": True,
            "sectors": result.sectors,
            "before": [before[0].isoformat(), before[1].isoformat()],
            "after": [after[0].isoformat(), after[1].isoformat()],
        },
    )
    return result
