"""API of suspicious activity reports: the same selectors, policies and audit as its web pages.

Reports answer only to the people on their access list: anyone else gets 404 for a report and an empty list,
never a hint it exists. Reads are audited with the token's purpose. Counts by sector and period carry no
content and are never broken down by subject. A refused write answers 422 (naming the field) or 403 (role).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import Nominal
from sochub.intel.services import NotFound
from sochub.suspicious_activity import policies, selectors, services
from sochub.suspicious_activity.models import SuspiciousActivityReport

from .common import Page, actor_for, limits

router = Router(tags=["suspicious activity reports"])


class ReportItem(Schema):
    id: int
    ukfiu_reference: str
    report_type: str
    sector: str
    reporter_organisation: str
    submitted_on: date
    consent: str
    """pending, granted, refused, deemed; "" for an information report."""
    notice_period_ends: date | None
    moratorium_ends: date | None
    handling: str


class ReportList(Schema):
    items: list[ReportItem]
    count: int


class SubjectOut(Schema):
    kind: str
    label: str
    nominal: str | None
    """The nominal's id, only when the caller may see that nominal."""
    company_number: str


class AccessOut(Schema):
    username: str
    agency: str
    recorder: bool
    financial_investigator: bool


class ReportDetail(ReportItem):
    nation: str
    glossary_codes: list[str]
    no_codes_apply: bool
    reason_for_suspicion: str
    property_description: str
    property_value: Decimal | None
    prohibited_act: str
    decision: str
    decided_on: date | None
    subjects: list[SubjectOut]
    access: list[AccessOut]


class PersonIn(Schema):
    nominal: str
    name_as_reported: str = ""


class CompanyIn(Schema):
    name: str
    number: str = ""


class ReportIn(Schema):
    ukfiu_reference: str
    report_type: str
    sector: str
    reporter_organisation: str
    submitted_on: date
    reason_for_suspicion: str
    glossary_codes: list[str] = []
    no_codes_apply: bool = False
    property_description: str = ""
    property_value: Decimal | None = None
    prohibited_act: str = ""
    nation: str = "england-wales"
    persons: list[PersonIn] = []
    companies: list[CompanyIn] = []


class DecisionIn(Schema):
    decision: str
    decided_on: date
    note: str = ""


class CountsQuery(Schema):
    period: str = "month"
    start: date | None = None
    end: date | None = None
    sectors: list[str] | None = None


class CountRow(Schema):
    period: str
    sector: str
    count: int


class CountsOut(Schema):
    period: str
    sectors: list[str]
    rows: list[CountRow]
    total: int


class CampaignQuery(Schema):
    sectors: list[str]
    before_start: date
    before_end: date
    after_start: date
    after_end: date
    target_pct: float | None = None


class SectorChangeOut(Schema):
    sector: str
    before: int
    after: int
    change_pct: float | None


class CampaignOut(Schema):
    sectors: list[str]
    before: int
    after: int
    change_pct: float | None
    rate_change_pct: float | None
    target_pct: float | None
    met: bool | None
    by_sector: list[SectorChangeOut]


def _refused(exc: ValidationError | PermissionDenied) -> HttpError:
    if isinstance(exc, PermissionDenied):
        return HttpError(403, str(exc) or "Not allowed")
    if hasattr(exc, "error_dict"):
        return HttpError(422, "; ".join(f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs))
    return HttpError(422, "; ".join(exc.messages))


def _item(r: SuspiciousActivityReport, today: date) -> dict[str, Any]:
    return {
        "id": r.pk,
        "ukfiu_reference": r.ukfiu_reference,
        "report_type": r.report_type,
        "sector": r.sector,
        "reporter_organisation": r.reporter_organisation,
        "submitted_on": r.submitted_on,
        "consent": selectors.consent(r, today),
        "notice_period_ends": r.notice_period_ends,
        "moratorium_ends": r.moratorium_ends,
        "handling": r.handling,
    }


def _detail(user: Any, r: SuspiciousActivityReport) -> dict[str, Any]:
    return {
        **_item(r, timezone.localdate()),
        "nation": r.nation,
        "glossary_codes": list(r.glossary_codes),
        "no_codes_apply": r.no_codes_apply,
        "reason_for_suspicion": r.reason_for_suspicion,
        "property_description": r.property_description,
        "property_value": r.property_value,
        "prohibited_act": r.prohibited_act,
        "decision": r.decision,
        "decided_on": r.decided_on,
        "subjects": [
            {
                "kind": s.subject.kind,
                "label": s.label,
                "nominal": s.nominal_id,
                "company_number": s.subject.company_number,
            }
            for s in selectors.subjects(user=user, report=r)
        ],
        "access": [
            {
                "username": a.user.username,
                "agency": a.agency.code,
                "recorder": a.recorder,
                "financial_investigator": a.financial_investigator,
            }
            for a in r.access.select_related("user", "agency")
        ],
    }


def _consult(request: HttpRequest, report_id: int, view: str) -> tuple[Any, SuspiciousActivityReport]:
    actor = actor_for(request)
    try:
        return actor, services.report_consult(actor=actor, report_id=report_id, view=view)
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc


@router.get("/reports", response=ReportList)
def report_list(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """Reports on whose access list the caller is, newest first."""
    actor = actor_for(request)
    limit, offset = limits(page)
    try:
        shown = services.reports_list(actor=actor, view="api_list", limit=limit, offset=offset)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    today = timezone.localdate()
    return {"items": [_item(r, today) for r in shown], "count": selectors.reports_visible_to(user=actor.user).count()}


@router.get("/reports/{report_id}", response=ReportDetail)
def report_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    actor, report = _consult(request, report_id, "api_report")
    return _detail(actor.user, report)


def _persons(user: Any, persons: list[PersonIn]) -> list[tuple[Nominal, str]]:
    out = []
    for p in persons[:50]:
        nominal = intel_selectors.nominal_resolve(user=user, nominal_id=p.nominal[:64])
        if nominal is None:
            raise HttpError(422, "persons: No nominal you can see has that id")
        out.append((nominal, p.name_as_reported))
    return out


@router.post("/reports", response={201: ReportDetail})
def report_create(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    """Record a report; the caller alone is on its access list. A DAML comes back with its notice period."""
    actor = actor_for(request)
    try:
        report = services.report_record(
            actor=actor,
            ukfiu_reference=payload.ukfiu_reference[:200],
            report_type=payload.report_type[:20],
            sector=payload.sector[:60],
            reporter_organisation=payload.reporter_organisation[:1000],
            submitted_on=payload.submitted_on,
            reason_for_suspicion=payload.reason_for_suspicion[:20000],
            glossary_codes=[c[:20] for c in payload.glossary_codes[:60]],
            no_codes_apply=payload.no_codes_apply,
            property_description=payload.property_description[:8000],
            property_value=payload.property_value,
            prohibited_act=payload.prohibited_act[:8000],
            nation=payload.nation[:20],
            persons=_persons(actor.user, payload.persons),
            companies=[(c.name[:400], c.number[:30]) for c in payload.companies[:50]],
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    found = selectors.report_get(user=actor.user, report_id=report.pk)
    assert found is not None
    return Status(201, _detail(actor.user, found))


@router.post("/reports/{report_id}/decision", response=ReportDetail)
def report_decision(request: HttpRequest, report_id: int, payload: DecisionIn) -> dict[str, Any]:
    """Record the UKFIU's decision on a DAML or DATF (granted or refused, within the notice period)."""
    actor = actor_for(request)
    report = selectors.report_get(user=actor.user, report_id=report_id)
    if report is None:
        raise HttpError(404, "Not found")
    try:
        services.decision_record(
            actor=actor, report=report, decision=payload.decision[:20], decided_on=payload.decided_on, note=payload.note
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(exc) from exc
    found = selectors.report_get(user=actor.user, report_id=report_id)
    assert found is not None
    return _detail(actor.user, found)


@router.get("/counts", response=CountsOut)
def counts(request: HttpRequest, q: Query[CountsQuery]) -> dict[str, Any]:
    """Reports by period and sector (counts only) for the agencies whose counts the caller sees."""
    token_user = request.auth.user  # type: ignore[attr-defined]
    if not policies.can_see_counts(token_user):
        raise HttpError(404, "Not found")
    # a system administrator (who works with no personal data) sees counts too
    actor = Actor(user=token_user, channel=Channel.API, purpose=request.auth.purpose)  # type: ignore[attr-defined]
    try:
        table = services.counts_consult(
            actor=actor, period=q.period, start=q.start, end=q.end, sectors=q.sectors or None
        )
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc
    return {"period": table.period, "sectors": table.sectors, "rows": table.long_rows(), "total": table.total}


@router.get("/campaign", response=CampaignOut)
def campaign(request: HttpRequest, q: Query[CampaignQuery]) -> dict[str, Any]:
    """The % change in reports from chosen sectors between two periods (the 'Flag it up' measure)."""
    actor = actor_for(request)
    try:
        c = services.campaign_consult(
            actor=actor,
            sectors=q.sectors,
            before=(q.before_start, q.before_end),
            after=(q.after_start, q.after_end),
            target_pct=q.target_pct,
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    except NotFound as exc:
        raise HttpError(404, "Not found") from exc
    return {
        "sectors": c.sectors,
        "before": c.before,
        "after": c.after,
        "change_pct": c.change_pct,
        "rate_change_pct": c.rate_change_pct,
        "target_pct": c.target_pct,
        "met": c.met,
        "by_sector": [vars(s) for s in c.by_sector],
    }
