"""The GAIN coordinator's regional dashboard: one page showing what the region's partners are doing together.

Each domain's selector decides what the user may see: the region's coordinator sees every agency in the
region, anyone else only what involves their own agency. The page lists no person by name, only premises,
operations and request references, so opening it is logged as a consultation of the regional picture.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.exchange import selectors as exchange_selectors
from sochub.operations import selectors as operations_selectors
from sochub.operations.models import OutcomeKind
from sochub.partners.models import Region
from sochub.recovery import selectors as recovery_selectors

from . import recovery as recovery_views
from .common import actor_for, current_user, intel_user, render


@intel_user
def gain_home(request: HttpRequest) -> HttpResponse:
    """Open the user's own region: the one they coordinate, else their agency's."""
    user = current_user(request)
    region_id = user.coordinator_region_id or (user.agency.region_id if user.agency else None)
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    if region is None:
        return render(request, "gain/no_region.html", {})
    return redirect("web:gain_region", region_code=region.code)


@intel_user
def gain_region(request: HttpRequest, region_code: str) -> HttpResponse:
    user = current_user(request)
    region = Region.objects.filter(code=region_code).first()
    coordinator = region is not None and user.coordinator_region_id == region.pk
    if region is None or not (coordinator or (user.agency and user.agency.region_id == region.pk)):
        raise Http404
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    operations = operations_selectors.region_operations_summary(user=user, region=region)
    disruptions = operations_selectors.region_disruption_counts(user=user, region=region, start=year_start)
    context = {
        "region": region,
        "coordinator": coordinator,
        "agencies": list(region.agencies.order_by("name")),
        "requests": exchange_selectors.region_request_summary(user=user, region=region),
        "operations": operations,
        "outcome_rows": [(OutcomeKind(k).label, n) for k, n in operations.outcome_totals.items() if n],
        "disruptions": disruptions,
        "disruption_total": sum(row["total"] for row in disruptions["agency"]),
        "levels": operations_selectors.menu().impact_levels,
        "recovery": recovery_selectors.region_recovery_summary(user=user, region=region),
        "measures": recovery_selectors.MEASURES,
        "today": today,
        "year_start": year_start,
        **recovery_views.DATES,
    }
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="gain_region_dashboard",
        object_ids=[region.code],
        detail={"scope": "region" if coordinator else "own agency"},
    )
    return render(request, "gain/region.html", context)
