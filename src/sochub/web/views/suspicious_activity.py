"""Suspicious activity reports: the list of reports the user may see, recording one, a report with its DAML
timeline, subjects and access list, the DAML deadlines, and counts by sector and period with a campaign
comparison (chart, table and CSV).

Reads go through ``sochub.suspicious_activity.selectors`` and services (a report the user is not on the access
list of answers 404); every read needs a purpose and is audited. Counts carry no content and are never broken
down by subject.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from sochub.engine import suspicious_activity as engine
from sochub.engine.imports import escape_cell
from sochub.engine.recovery import long_date
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import Nominal
from sochub.intel.services import NotFound
from sochub.partners.models import User
from sochub.suspicious_activity import policies, selectors, services
from sochub.suspicious_activity.models import Decision, Nation, ReportType, Sector, SuspiciousActivityReport

from .common import actor_for, current_user, error_list, form_date, intel_user, purpose_needed, render, signed_in


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(
        request,
        template,
        {"long_date": long_date, "ref": selectors.reference(), "today": timezone.localdate(), **context},
        status=status,
    )


def _errors(exc: ValidationError | PermissionDenied) -> list[dict[str, str]]:
    if isinstance(exc, PermissionDenied):
        return [{"text": str(exc), "href": "#"}]
    return error_list(exc)


def _report_or_404(request: HttpRequest, report_id: int) -> SuspiciousActivityReport:
    report = selectors.report_get(user=current_user(request), report_id=report_id)
    if report is None:
        raise Http404
    return report


# The list (landing page) ----------------------------------------------------------------------------------


@signed_in
def report_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.works_with_intel:
        if policies.can_see_counts(user):  # a system administrator sees counts only
            return redirect("web:suspicious_activity_counts")
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    reports = services.reports_list(actor=actor_for(request))
    today = timezone.localdate()
    return _page(
        request,
        "suspicious_activity/list.html",
        {
            "reports": reports,
            "consent": {r.pk: selectors.consent(r, today) for r in reports},
            "deadlines": selectors.deadlines(user=user, today=today),
            "can_record": policies.can_record(user),
            "can_count": policies.can_see_counts(user),
        },
    )


# Recording ---------------------------------------------------------------------------------------------

_FIELDS = (
    "ukfiu_reference",
    "report_type",
    "sector",
    "reporter_organisation",
    "submitted_on",
    "nation",
    "reason_for_suspicion",
    "property_description",
    "property_value",
    "prohibited_act",
    "nominal",
    "name_as_reported",
    "company_name",
    "company_number",
)


def _money(raw: str) -> Decimal | None:
    text = raw.strip()[:30].replace(",", "").lstrip("£")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError({"property_value": "Enter the value in pounds, like 2500.00."}) from None
    if not value.is_finite():
        raise ValidationError({"property_value": "Enter the value in pounds, like 2500.00."})
    return value


def _nominal(user: User, raw: str) -> Nominal | None:
    if not raw:
        return None
    nominal = intel_selectors.nominal_resolve(user=user, nominal_id=raw.strip()[:64])
    if nominal is None:
        raise ValidationError({"nominal": "No nominal you can see has that id."})
    return nominal


@intel_user
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_record(user):
        raise Http404
    form = {key: request.POST.get(key, "").strip()[:10000] for key in _FIELDS}
    form["nation"] = form["nation"] or Nation.ENGLAND_WALES
    codes = [c[:20] for c in request.POST.getlist("glossary_codes")[:60]]
    no_codes = "none" in codes
    codes = [c for c in codes if c != "none"]
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        submitted = form_date(form["submitted_on"])
        try:
            if submitted is None:
                raise ValidationError({"submitted_on": "Enter the date the report was submitted, like 2026-03-14."})
            value = _money(form["property_value"])
            nominal = _nominal(user, form["nominal"])
            if form["name_as_reported"] and nominal is None:
                raise ValidationError(
                    {"nominal": "Enter the id of the nominal the person is, or leave the name blank."}
                )
            report = services.report_record(
                actor=actor_for(request),
                ukfiu_reference=form["ukfiu_reference"],
                report_type=form["report_type"],
                sector=form["sector"],
                reporter_organisation=form["reporter_organisation"],
                submitted_on=submitted,
                nation=form["nation"],
                reason_for_suspicion=form["reason_for_suspicion"],
                glossary_codes=codes,
                no_codes_apply=no_codes,
                property_description=form["property_description"],
                property_value=value,
                prohibited_act=form["prohibited_act"],
                persons=[(nominal, form["name_as_reported"])] if nominal is not None else [],
                companies=[(form["company_name"], form["company_number"])] if form["company_name"] else [],
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "Report recorded. Only you can see it until you add people to its access list.")
            return redirect("web:suspicious_activity_report", report.pk)
    return _page(
        request,
        "suspicious_activity/new.html",
        {
            "form": form,
            "codes": codes,
            "no_codes": no_codes,
            "errors": errors,
            "types": ReportType,
            "sectors": Sector,
            "nations": Nation,
        },
        status=400 if errors else 200,
    )


# One report --------------------------------------------------------------------------------------------


def _detail(
    request: HttpRequest, report: SuspiciousActivityReport, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    return _page(
        request,
        "suspicious_activity/detail.html",
        {
            "r": report,
            "timeline": selectors.timeline(report, today),
            "consent": selectors.consent(report, today),
            "subjects": selectors.subjects(user=user, report=report),
            "access": list(report.access.select_related("user", "agency", "added_by")),
            "extensions": list(report.extensions.all()),
            "can_update": policies.can_update(user, report),
            "can_manage": policies.can_manage_access(user, report),
            "colleagues": _colleagues(user, report),
            "errors": errors or [],
            "form": request.POST,
            "Decision": Decision,
        },
        status=400 if errors else 200,
    )


def _colleagues(user: User, report: SuspiciousActivityReport) -> list[User]:
    """People of the report's agency the recorder could add (for the list to choose from)."""
    if not policies.can_manage_access(user, report):
        return []
    listed = report.access.values("user_id")
    qs = User.objects.filter(agency_id=report.agency_id, is_active=True).exclude(pk__in=listed).order_by("username")
    return [u for u in qs[:500] if policies.access_refusal(user, report, u, financial_investigator=False) is None]


@intel_user
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    _report_or_404(request, report_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    try:
        report = services.report_consult(actor=actor_for(request), report_id=report_id)
    except NotFound as exc:
        raise Http404 from exc
    return _detail(request, report)


def _write(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    report = _report_or_404(request, report_id)
    user, post, actor = current_user(request), request.POST, actor_for(request)
    try:
        if action == "decision":
            services.decision_record(
                actor=actor,
                report=report,
                decision=post.get("decision", ""),
                decided_on=form_date(post.get("decided_on", "")),
                note=post.get("decision_note", "")[:3000],
            )
            done = "Decision recorded."
        elif action == "extension":
            granted = form_date(post.get("granted_on", ""))
            days = post.get("days", "").strip()
            if granted is None or not days.isdigit() or len(days) > 4:
                raise ValidationError({"days": "Enter the date the extension was granted and its number of days."})
            services.extension_add(
                actor=actor, report=report, granted_on=granted, days=int(days), court=post.get("court", "")[:300]
            )
            done = "Extension recorded."
        elif action == "subject":
            nominal = _nominal(user, post.get("nominal", ""))
            services.subject_add(
                actor=actor,
                report=report,
                nominal=nominal,
                name_as_reported=post.get("name_as_reported", "")[:300],
                company_name=post.get("company_name", "")[:300],
                company_number=post.get("company_number", "")[:30],
            )
            done = "Subject added."
        elif action == "access":
            username = post.get("username", "").strip()[:150]
            candidate = User.objects.filter(username=username).first() if username else None
            if candidate is None:
                raise ValidationError({"username": "Enter the username of someone who can be added."})
            services.access_add(
                actor=actor,
                report=report,
                user=candidate,
                reason=post.get("reason", "")[:600],
                financial_investigator=post.get("financial_investigator") == "yes",
            )
            done = f"{candidate.username} can now see this report."
        else:
            entry = report.access.filter(pk=int(action.removeprefix("remove:"))).first()
            if entry is None:
                raise Http404
            services.access_remove(actor=actor, report=report, entry=entry)
            done = "Removed from the access list."
    except (ValidationError, PermissionDenied) as exc:
        return _detail(request, report, _errors(exc))
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, done)
    return redirect("web:suspicious_activity_report", report.pk)


@intel_user
@require_POST
def report_decision(request: HttpRequest, report_id: int) -> HttpResponse:
    return _write(request, report_id, "decision")


@intel_user
@require_POST
def report_extension(request: HttpRequest, report_id: int) -> HttpResponse:
    return _write(request, report_id, "extension")


@intel_user
@require_POST
def report_subject(request: HttpRequest, report_id: int) -> HttpResponse:
    return _write(request, report_id, "subject")


@intel_user
@require_POST
def report_access_add(request: HttpRequest, report_id: int) -> HttpResponse:
    return _write(request, report_id, "access")


@intel_user
@require_POST
def report_access_remove(request: HttpRequest, report_id: int, access_id: int) -> HttpResponse:
    return _write(request, report_id, f"remove:{access_id}")


# DAML deadlines ----------------------------------------------------------------------------------------


@intel_user
def deadlines(request: HttpRequest) -> HttpResponse:
    if (needed := purpose_needed(request)) is not None:
        return needed
    rows = services.deadlines_consult(actor=actor_for(request))
    return _page(request, "suspicious_activity/deadlines.html", {"rows": rows})


# Counts and campaigns ----------------------------------------------------------------------------------


def _counts_query(request: HttpRequest) -> dict[str, Any]:
    period = request.GET.get("period", "month")
    chosen = [s for s in request.GET.getlist("sector")[:20] if s in Sector.values]
    return {
        "period": period if period in selectors.PERIODS else "month",
        "start": form_date(request.GET.get("from", "")),
        "end": form_date(request.GET.get("to", "")),
        "sectors": chosen or None,
    }


def _campaign_query(request: HttpRequest) -> dict[str, Any]:
    ref = selectors.reference()
    campaign = ref.campaigns[0] if ref.campaigns else None
    chosen = [s for s in request.GET.getlist("campaign_sector")[:20] if s in Sector.values]
    return {
        "campaign": campaign,
        "sectors": chosen or (list(campaign.sectors) if campaign else []),
        "before_start": form_date(request.GET.get("before_from", "")),
        "before_end": form_date(request.GET.get("before_to", "")),
        "after_start": form_date(request.GET.get("after_from", "")),
        "after_end": form_date(request.GET.get("after_to", "")),
    }


def _chart(table: engine.CountTable, ref: engine.Reference) -> dict[str, Any]:
    """Bars of the total reports per period (SVG drawn by the template, with the same numbers in a table)."""
    width, label_w, bar_h, gap = 640, 90, 18, 6
    top = max((table.period_total(p) for p in table.periods), default=0) or 1
    bars = []
    for i, p in enumerate(table.periods):
        n = table.period_total(p)
        bars.append({"label": p, "y": 10 + i * (bar_h + gap), "width": (width - label_w - 60) * n / top, "total": n})
    return {
        "id": "counts-chart",
        "width": width,
        "height": 20 + len(bars) * (bar_h + gap),
        "label_width": label_w,
        "bar_height": bar_h,
        "bars": bars,
        "title": f"Reports by {table.period}",
        "desc": f"Number of reports in each {table.period}"
        + (f" from {', '.join(ref.sector_label(s).lower() for s in table.sectors)}" if len(table.sectors) < 9 else "")
        + "; the same numbers are in the table below.",
    }


def _comparison_chart(c: engine.Comparison) -> dict[str, Any]:
    top = max(c.before, c.after, 1)
    span = 420
    return {
        "id": "campaign-chart",
        "bars": [
            {"label": "First period", "y": 10, "width": span * c.before / top, "total": c.before},
            {"label": "Second period", "y": 40, "width": span * c.after / top, "total": c.after},
        ],
    }


@signed_in
def counts(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_see_counts(user):
        raise Http404
    q = _counts_query(request)
    cq = _campaign_query(request)
    ref = selectors.reference()
    table = services.counts_consult(actor=actor_for(request), **q)
    comparison = None
    errors: list[dict[str, str]] = []
    dates = [cq["before_start"], cq["before_end"], cq["after_start"], cq["after_end"]]
    if any(request.GET.get(k) for k in ("before_from", "before_to", "after_from", "after_to")):
        if any(d is None for d in dates):
            errors.append(
                {"text": "Enter the first and last day of both periods, like 2025-01-31.", "href": "#before_from"}
            )
        else:
            try:
                comparison = services.campaign_consult(
                    actor=actor_for(request),
                    sectors=cq["sectors"],
                    before=(dates[0], dates[1]),
                    after=(dates[2], dates[3]),
                    target_pct=cq["campaign"].target_change_pct
                    if cq["campaign"] and set(cq["sectors"]) == set(cq["campaign"].sectors)
                    else None,
                )
            except ValidationError as exc:
                errors = [{"text": str(m), "href": "#before_from"} for m in exc.messages]
    query = urlencode(
        [
            ("period", q["period"]),
            ("from", q["start"].isoformat() if q["start"] else ""),
            ("to", q["end"].isoformat() if q["end"] else ""),
        ]
        + [("sector", s) for s in (q["sectors"] or [])]
    )
    agencies = policies.counts_agencies(user)
    return _page(
        request,
        "suspicious_activity/counts.html",
        {
            "table": table,
            "chart": _chart(table, ref),
            "q": q,
            "cq": cq,
            "comparison": comparison,
            "comparison_chart": _comparison_chart(comparison) if comparison else None,
            "errors": errors,
            "sectors": Sector,
            "periods": selectors.PERIODS,
            "query": query,
            "scope": "every agency" if user.has_role("system_admin") else ", ".join(a.name for a in (agencies or [])),
            "iso": lambda d: d.isoformat() if d else "",
        },
        status=400 if errors else 200,
    )


@signed_in
def counts_csv(request: HttpRequest) -> HttpResponse:
    """The counts as CSV (period, sector, count; no content), marked at top and bottom; the export is audited."""
    user = current_user(request)
    if not policies.can_see_counts(user):
        raise Http404
    q = _counts_query(request)
    table = services.counts_consult(actor=actor_for(request), export=True, **q)
    ref = selectors.reference()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="OFFICIAL-SENSITIVE-suspicious-activity-report-counts.csv"'
    writer = csv.writer(response)
    writer.writerow(["OFFICIAL-SENSITIVE"])
    writer.writerow([table.period, "sector", "sector_label", "reports"])
    for row in table.long_rows():
        writer.writerow(
            [escape_cell(row["period"]), row["sector"], escape_cell(ref.sector_label(row["sector"])), row["count"]]
        )
    writer.writerow(["OFFICIAL-SENSITIVE"])
    return response
