"""Nominal search and pages, OCGs, intelligence records, and the home dashboard."""

from __future__ import annotations

import csv

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from sochub.audit import services as audit
from sochub.audit.models import AuditEvent, Operation
from sochub.engine.imports import escape_cell
from sochub.intel import selectors, services
from sochub.intel.models import FactKind, OCGStatus
from sochub.linkage import selectors as linkage_selectors
from sochub.risk import policies as risk_policies
from sochub.risk import selectors as risk_selectors
from sochub.risk.models import AssessmentStatus

from .common import (
    PURPOSE_SESSION_KEY,
    actor_for,
    current_user,
    error_list,
    intel_user,
    purpose_needed,
    render,
    signed_in,
)

PAGE_SIZE = 25


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    counts = selectors.dashboard_counts(user=user) if user.works_with_intel else {}
    recent_intel = list(selectors.intelligence_search(user=user)[:5]) if user.works_with_intel else []
    if recent_intel:  # titles name people: showing them is a consultation
        audit.record(
            actor=actor_for(request),
            operation=Operation.CONSULTATION,
            object_type="intelligence",
            object_ids=[r.pk for r in recent_intel],
            detail={"view": "dashboard"},
        )
    my_activity = AuditEvent.objects.filter(user=user).exclude(detail__view="dashboard").order_by("-id")[:8]
    return render(request, "home.html", {"counts": counts, "recent_intel": recent_intel, "activity": my_activity})


@intel_user
def nominal_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    hits = services.nominal_search_audited(actor=actor_for(request), query=query) if query else []
    page = Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "intel/nominal_search.html", {"query": query, "page": page, "total": len(hits)})


@intel_user
def nominal_search_export(request: HttpRequest) -> HttpResponse:
    """The search results as CSV, marked OFFICIAL at top and bottom as exports must be."""
    query = request.GET.get("q", "").strip()[:200]
    if not request.session.get(PURPOSE_SESSION_KEY):
        return redirect(f"{reverse('web:purpose')}?next={request.get_full_path()}")
    hits = services.nominal_search_export(actor=actor_for(request), query=query)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="OFFICIAL-nominal-search.csv"'
    writer = csv.writer(response)
    writer.writerow(["OFFICIAL"])
    writer.writerow(["nominal_id", "name", "date_of_birth", "match_percent", "matched_on"])
    for h in hits:
        writer.writerow([h.nominal_id, escape_cell(h.name), h.birth_date, round(min(h.score, 100)), h.matched_on])
    writer.writerow(["OFFICIAL"])
    return response


@signed_in
@require_http_methods(["GET", "POST"])
def purpose(request: HttpRequest) -> HttpResponse:
    """Ask why the user needs personal data; remembered until they sign out or change it. Anyone of an agency
    may give one (a volunteer on a Prevent programme too): stating a purpose grants nothing by itself."""
    if current_user(request).agency_id is None:
        raise Http404
    nxt = request.POST.get("next") or request.GET.get("next") or reverse("web:nominal_search")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts=None) or not nxt.startswith("/"):
        nxt = reverse("web:nominal_search")
    if request.method == "POST":
        try:
            request.session[PURPOSE_SESSION_KEY] = services.require_purpose(request.POST.get("purpose", ""))
        except ValidationError as exc:
            return render(
                request,
                "intel/purpose.html",
                {"next": nxt, "errors": error_list(exc), "purpose": request.POST.get("purpose", "")[:500]},
                status=400,
            )
        return redirect(nxt)
    return render(request, "intel/purpose.html", {"next": nxt, "purpose": request.session.get(PURPOSE_SESSION_KEY, "")})


@intel_user
def nominal_detail(request: HttpRequest, nominal_id: str) -> HttpResponse:
    user = current_user(request)
    nominal = selectors.nominal_resolve(user=user, nominal_id=nominal_id)
    if nominal is None:
        raise Http404
    if str(nominal.pk) != nominal_id:  # merged away: send the user to the survivor
        return redirect("web:nominal_detail", nominal_id=str(nominal.pk), permanent=True)
    if (needed := purpose_needed(request)) is not None:
        return needed
    try:
        profile = services.nominal_consult(actor=actor_for(request), nominal_id=nominal_id)
    except services.NotFound as exc:
        raise Http404 from exc
    audit_rows = AuditEvent.objects.filter(
        object_type="nominal",
        object_ids__icontains=str(nominal.pk),
        agency_code=user.agency.code if user.agency else "",
    ).order_by("-id")[:50]
    return render(
        request,
        "intel/nominal_detail.html",
        {
            "p": profile,
            "FactKind": FactKind,
            "audit_rows": audit_rows,
            "purpose": actor_for(request).purpose,
            "sources": linkage_selectors.nominal_sources(user, nominal),
            "nominal_risk": {
                "assessments": list(
                    risk_selectors.assessments(user=user)
                    .filter(nominal=nominal)
                    .exclude(status=AssessmentStatus.SUPERSEDED)[:10]
                ),
                "can_assess": risk_policies.can_assess(user),
                "priority": risk_selectors.priority_of(user=user, nominal=nominal),
            },
        },
    )


@intel_user
def ocg_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in OCGStatus.values:
        status = ""
    qs = selectors.ocg_list(user=current_user(request), query=query, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "intel/ocg_list.html", {"page": page, "query": query, "status": status, "statuses": OCGStatus}
    )


@intel_user
def ocg_detail(request: HttpRequest, ocg_id: int) -> HttpResponse:
    user = current_user(request)
    ocg = selectors.ocg_get(user=user, ocg_id=ocg_id)
    if ocg is None:
        raise Http404
    members = selectors.ocg_members(user=user, ocg=ocg)
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="ocg",
        object_ids=[ocg.pk, *[m.nominal_id for m, _ in members]],
    )
    return render(
        request,
        "intel/ocg_detail.html",
        {
            "ocg": ocg,
            "members": members,
            "ocg_risk": risk_selectors.ocg_risk(user=user, ocg=ocg),
            "can_assess": risk_policies.can_assess(user),
        },
    )


@intel_user
def intelligence_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    qs = selectors.intelligence_search(user=current_user(request), query=query)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    if query or page.object_list:  # a search is logged even when it finds nothing
        audit.record(
            actor=actor_for(request),
            operation=Operation.CONSULTATION,
            object_type="intelligence_search",
            object_ids=[r.pk for r in page.object_list],
            query=query,
        )
    return render(request, "intel/intelligence_list.html", {"page": page, "query": query})


@intel_user
def intelligence_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    try:
        record = services.intelligence_consult(actor=actor_for(request), record_id=record_id)
    except services.NotFound as exc:
        raise Http404 from exc
    visible_subjects = selectors.intelligence_subjects(user=current_user(request), record=record)
    return render(request, "intel/intelligence_detail.html", {"r": record, "subjects": visible_subjects})
