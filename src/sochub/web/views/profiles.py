"""SOC local profiles: the list, a profile's overview (layers, builds, findings), its map, trend charts,
4P action plan and the build files to download.

Reads go through ``sochub.profiles.selectors`` (a profile the user may not see answers 404); writes through
``sochub.profiles.services``, which check the policies and write the audit rows. A profile may carry
OCG-derived figures, so opening one needs a purpose and is logged as a consultation of the profile. OCG
addresses are only ever shown as counts per area: their coordinates never reach the browser.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.engine.hotspots.outputs import without_paths
from sochub.partners.models import Agency, AgencyStatus
from sochub.profiles import policies, selectors, services, tasks
from sochub.profiles.building import OCG_LAYER
from sochub.profiles.models import (
    MARKINGS,
    Action,
    ActionStatus,
    AreaKind,
    BuildStatus,
    LayerKind,
    Profile,
    ProfileBuild,
    Strand,
)

from .common import actor_for, current_user, intel_user, purpose_needed, render, tile_origin

# Files offered beside each build on the overview (the rest stay downloadable from the map and trends pages).
BUILD_DOWNLOADS = (
    ("report.pdf", "Report (PDF)"),
    ("report.html", "Report (web page)"),
    ("hotspots.csv", "Hot spots (CSV)"),
    ("areas_of_concern.csv", "Areas of concern (CSV)"),
    ("rows_left_out.csv", "Rows left out (CSV)"),
)
INLINE_SUFFIXES = (".png",)

# Map colours: one place for the map (sent as data-palette) and its legend (drawn by the server).
CLASS_COLOURS = {
    "hot 99": "#942514",
    "hot 95": "#d4351c",
    "hot 90": "#f47738",
    "cold 90": "#5694ca",
    "cold 95": "#1d70b8",
    "cold 99": "#003078",
}
DECILE_COLOURS = {
    1: "#a50026",
    2: "#d73027",
    3: "#f46d43",
    4: "#fdae61",
    5: "#fee090",
    6: "#e0f3f8",
    7: "#abd9e9",
    8: "#74add1",
    9: "#4575b4",
    10: "#313695",
}
CONCERN_COLOUR = "#4c2c92"
PATTERN_COLOURS = {
    "new hot spot": "#d4351c",
    "consecutive hot spot": "#f47738",
    "intensifying hot spot": "#942514",
    "persistent hot spot": "#912b88",
    "diminishing hot spot": "#b58840",
    "sporadic hot spot": "#ffdd00",
    "oscillating hot spot": "#d53880",
    "historical hot spot": "#505a5f",
    "new cold spot": "#5694ca",
    "consecutive cold spot": "#1d70b8",
    "intensifying cold spot": "#003078",
    "persistent cold spot": "#28a197",
    "diminishing cold spot": "#85994b",
    "sporadic cold spot": "#00703c",
    "oscillating cold spot": "#6f72af",
    "historical cold spot": "#b1b4b6",
}
OTHER_PATTERN_COLOUR = "#0b0c0c"
POINT_COLOURS = ("#00703c", "#1d70b8", "#912b88", "#f47738", "#5694ca", "#0b0c0c", "#d53880", "#28a197")
NOT_SIGNIFICANT = "not significant"
NO_PATTERN = "no pattern detected"


# Shared helpers -------------------------------------------------------------------------------


def _profile_or_404(request: HttpRequest, profile_id: int) -> Profile:
    profile = selectors.profile_get(user=current_user(request), profile_id=profile_id)
    if profile is None:
        raise Http404
    return profile


def _build_or_404(profile: Profile, build_id: int) -> ProfileBuild:
    build = selectors.build_get(profile=profile, build_id=build_id)
    if build is None or not build.output_dir:
        raise Http404
    return build


def _consulted(request: HttpRequest, profile: Profile, view: str, **detail: Any) -> None:
    """Opening a profile (it may carry OCG-derived figures) is a consultation of it."""
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="profile",
        object_ids=[profile.pk],
        detail={"view": view, **detail},
    )


def _date_from(request: HttpRequest, prefix: str) -> tuple[date | None, dict[str, str], bool]:
    """A GOV.UK date input (prefix-day, -month, -year): the date, the typed values, and whether anything was typed."""
    typed = {part: request.POST.get(f"{prefix}-{part}", "").strip() for part in ("day", "month", "year")}
    if not any(typed.values()):
        return None, typed, False
    try:
        return date(int(typed["year"]), int(typed["month"]), int(typed["day"])), typed, True
    except (ValueError, OverflowError):
        return None, typed, True


def _messages_of(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {field: " ".join(msgs) for field, msgs in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def _agency_choices(profile: Profile) -> list[Agency]:
    return [profile.agency, *profile.partners.order_by("name")]


# List and create ------------------------------------------------------------------------------


@intel_user
@require_GET
def profile_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if (needed := purpose_needed(request)) is not None:
        return needed
    profiles = list(selectors.profile_list(user=user))
    return render(request, "profiles/list.html", {"profiles": profiles, "can_create": policies.can_create(user)})


def _form_agencies(request: HttpRequest) -> list[Agency]:
    others = Agency.objects.filter(status=AgencyStatus.MEMBER).exclude(pk=current_user(request).agency_id or 0)
    return list(others.order_by("name"))


@intel_user
@require_http_methods(["GET", "POST"])
def profile_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_create(user):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    agencies = _form_agencies(request)
    values: dict[str, Any] = {
        "name": "",
        "area_name": "",
        "scope": "",
        "partners": [],
        "marking": "OFFICIAL-SENSITIVE",
        "areas": AreaKind.H3,
        "resolution": "8",
        "refresh_every_days": "90",
        "include_ocg_addresses": True,
    }
    problems: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        values = {
            "name": post.get("name", ""),
            "area_name": post.get("area_name", ""),
            "scope": post.get("scope", ""),
            "partners": post.getlist("partners"),
            "marking": post.get("marking", ""),
            "areas": post.get("areas", ""),
            "resolution": post.get("resolution", "").strip(),
            "refresh_every_days": post.get("refresh_every_days", "").strip(),
            "include_ocg_addresses": post.get("include_ocg_addresses") == "yes",
        }
        numbers: dict[str, int] = {}
        for field, label in (("resolution", "Hexagon resolution"), ("refresh_every_days", "Refresh every")):
            try:
                numbers[field] = int(values[field])
            except ValueError:
                problems[field] = f"{label}: enter a whole number"
        chosen = [a for a in agencies if str(a.pk) in values["partners"]]
        if not problems:
            try:
                profile = services.profile_create(
                    actor=actor_for(request),
                    name=values["name"],
                    area_name=values["area_name"],
                    scope=values["scope"],
                    partners=chosen,
                    marking=values["marking"],
                    areas=values["areas"],
                    resolution=numbers["resolution"],
                    refresh_every_days=numbers["refresh_every_days"],
                    include_ocg_addresses=values["include_ocg_addresses"],
                )
            except ValidationError as exc:
                problems = _messages_of(exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, "Profile created. Add the crime files, then build it.")
                return redirect("web:profile_detail", profile_id=profile.pk)
    return render(
        request,
        "profiles/new.html",
        {
            "values": values,
            "agencies": agencies,
            "markings": [m for m, _ in MARKINGS],
            "area_kinds": AreaKind.choices,
            "problems": problems,
            "errors": [{"text": m, "href": f"#{k}"} for k, m in problems.items()],
        },
        status=400 if problems else 200,
    )


# The overview -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildRow:
    build: ProfileBuild
    downloads: list[tuple[str, str]]
    error: str


def _overview(
    request: HttpRequest,
    profile: Profile,
    *,
    problems: dict[str, str] | None = None,
    upload: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    problems = problems or {}
    latest = selectors.latest_build(profile)
    builds = list(profile.builds.select_related("created_by", "job").order_by("-created_at", "-pk")[:20])
    last_attempt = builds[0] if builds else None
    failed = last_attempt if last_attempt is not None and last_attempt.status == BuildStatus.FAILED else None
    rows = [
        BuildRow(
            b,
            [(n, label) for n, label in BUILD_DOWNLOADS if selectors.build_file(b, n) is not None],
            without_paths(b.error),
        )
        for b in builds
    ]
    finding_rows = selectors.findings(profile)
    _consulted(request, profile, "profile overview", build=latest.pk if latest else None)
    return render(
        request,
        "profiles/detail.html",
        {
            "profile": profile,
            "partners": list(profile.partners.order_by("name")),
            "latest": latest,
            "summary": latest.summary if latest else {},
            "failed": failed,
            "failed_error": without_paths(failed.error) if failed else "",
            "in_progress": selectors.build_in_progress(profile),
            "builds": rows,
            "findings": finding_rows,
            "current_findings": sum(1 for r in finding_rows if r.current),
            "layers": list(
                profile.layers.filter(active=True).select_related("uploaded_by").order_by("kind", "uploaded_at")
            ),
            "layer_kinds": LayerKind.choices,
            "can_manage": policies.can_manage(user, profile),
            "can_plan": policies.can_plan(user, profile),
            "overdue_actions": selectors.overdue_actions(profile),
            "today": timezone.localdate(),
            "problems": problems,
            "upload": upload or {"kind": LayerKind.CRIMES, "name": ""},
            "errors": [{"text": m, "href": f"#{k}"} for k, m in problems.items()],
        },
        status=status,
    )


@intel_user
@require_GET
def profile_detail(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    return _overview(request, profile)


@intel_user
@require_GET
def profile_progress(request: HttpRequest, profile_id: int) -> HttpResponse:
    """The live progress of a build (htmx polls it); the whole page reloads when the build ends."""
    profile = _profile_or_404(request, profile_id)
    building = selectors.build_in_progress(profile)
    if building is None:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "profiles/_progress.html", {"profile": profile, "in_progress": building})


@intel_user
@require_POST
def profile_build(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    if not policies.can_manage(current_user(request), profile):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    try:
        tasks.build_start(actor=actor_for(request), profile=profile)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect(reverse("web:profile_detail", args=[profile.pk]) + "#build-progress")


@intel_user
@require_POST
def layer_upload(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    if not policies.can_manage(current_user(request), profile):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    kind = request.POST.get("kind", "")
    name = request.POST.get("name", "")
    uploaded = request.FILES.get("file")
    upload = {"kind": kind, "name": name}
    if uploaded is None:
        return _overview(request, profile, problems={"file": "Choose a file to upload"}, upload=upload, status=400)
    try:
        services.layer_add(
            actor=actor_for(request),
            profile=profile,
            kind=kind,
            filename=uploaded.name or "file",
            chunks=uploaded.chunks(),
            name=name,
        )
    except ValidationError as exc:
        return _overview(request, profile, problems=_messages_of(exc), upload=upload, status=400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, f"{uploaded.name} added. Build the profile to use it.")
    return redirect(reverse("web:profile_detail", args=[profile.pk]) + "#layers")


@intel_user
@require_POST
def layer_remove(request: HttpRequest, profile_id: int, layer_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    layer = profile.layers.filter(pk=layer_id, active=True).first()
    if layer is None or not policies.can_manage(current_user(request), profile):
        raise Http404
    if (needed := purpose_needed(request)) is not None:
        return needed
    try:
        services.layer_remove(actor=actor_for(request), layer=layer)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, f"{layer.original_name} removed from future builds.")
    return redirect(reverse("web:profile_detail", args=[profile.pk]) + "#layers")


# Map --------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _map_areas(path: str, mtime: float, size: int) -> dict[str, Any]:
    """The areas worth drawing: with crime, a hot or cold spot class, a pattern, or a concern rank."""
    del mtime, size  # part of the cache key only
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)

    def kept(p: dict[str, Any]) -> bool:
        return bool(
            (p.get("count") or 0) > 0
            or p.get("concern_rank") is not None
            or any(
                p.get(k, NOT_SIGNIFICANT) != NOT_SIGNIFICANT
                for k in ("hotspot_class", "hotspot_class_harm", "hotspot_class_soc")
            )
            or p.get("pattern", NO_PATTERN) != NO_PATTERN
        )

    return {"type": "FeatureCollection", "features": [f for f in data.get("features", []) if kept(f["properties"])]}


def _areas_of(build: ProfileBuild) -> dict[str, Any]:
    path = Path(build.output_dir) / "areas.geojson"
    if not path.is_file():
        return {"type": "FeatureCollection", "features": []}
    stat = path.stat()
    return _map_areas(str(path), stat.st_mtime, stat.st_size)


def _points_of(build: ProfileBuild) -> dict[str, Any]:
    """Point layers the users uploaded (the engine never writes the OCG addresses as points)."""
    path = Path(build.output_dir) / "points.geojson"
    if not path.is_file():
        return {"type": "FeatureCollection", "features": []}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _chosen_build(request: HttpRequest, profile: Profile) -> ProfileBuild | None:
    raw = request.GET.get("build", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        return _build_or_404(profile, int(raw))
    return selectors.latest_build(profile)


def _hotspot_rows(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [
        f["properties"]
        for f in features
        if any(
            f["properties"].get(k, NOT_SIGNIFICANT) != NOT_SIGNIFICANT
            for k in ("hotspot_class", "hotspot_class_harm", "hotspot_class_soc")
        )
    ]
    return sorted(rows, key=lambda p: (-(p.get("count") or 0), str(p.get("area_id"))))


@intel_user
@require_GET
def profile_map(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    build = _chosen_build(request, profile)
    context: dict[str, Any] = {"profile": profile, "build": build}
    if build is not None:
        summary = build.summary or {}
        features = _areas_of(build)["features"]
        point_layers = [n for n in (summary.get("point_layers") or {}) if n.lower() != OCG_LAYER]
        point_colours = {n: POINT_COLOURS[i % len(POINT_COLOURS)] for i, n in enumerate(point_layers)}
        palette = {
            "classes": CLASS_COLOURS,
            "deciles": {str(k): v for k, v in DECILE_COLOURS.items()},
            "concern": CONCERN_COLOUR,
            "patterns": PATTERN_COLOURS,
            "otherPattern": OTHER_PATTERN_COLOUR,
            "points": point_colours,
        }
        patterns = sorted({f["properties"].get("pattern") for f in features} - {None, NO_PATTERN})
        tile_url = settings.SOCHUB_MAP_TILE_URL if tile_origin(settings.SOCHUB_MAP_TILE_URL) else ""
        context.update(
            {
                "summary": summary,
                "concerns": summary.get("concerns") or [],
                "hotspots": _hotspot_rows(features),
                "areas_shown": len(features),
                "point_layers": point_colours,
                "ocg_counted": any(n.lower() == OCG_LAYER for n in (summary.get("point_layers") or {})),
                "palette_json": json.dumps(palette),
                "bounds_json": json.dumps(summary.get("bounds") or []),
                "class_colours": CLASS_COLOURS,
                "decile_colours": DECILE_COLOURS,
                "concern_colour": CONCERN_COLOUR,
                "pattern_colours": {p: PATTERN_COLOURS.get(p, OTHER_PATTERN_COLOUR) for p in patterns},
                "tile_url": tile_url,
                "tile_attribution": settings.SOCHUB_MAP_TILE_ATTRIBUTION if tile_url else "",
                "builds": list(profile.builds.filter(status=BuildStatus.DONE).order_by("-finished_at", "-pk")[:20]),
            }
        )
        _consulted(request, profile, "profile map", build=build.pk)
    response = render(request, "profiles/map.html", context)
    if build is not None and context.get("tile_url"):
        response._csp_update = {"img-src": [tile_origin(context["tile_url"])]}  # type: ignore[attr-defined]
    return response


@intel_user
@require_GET
def build_areas(request: HttpRequest, profile_id: int, build_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    build = _build_or_404(profile, build_id)
    _consulted(request, profile, "profile map areas", build=build.pk)
    return JsonResponse(_areas_of(build), content_type="application/geo+json")


@intel_user
@require_GET
def build_points(request: HttpRequest, profile_id: int, build_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    build = _build_or_404(profile, build_id)
    return JsonResponse(_points_of(build), content_type="application/geo+json")


# Trends -----------------------------------------------------------------------------------------

CHART_W, CHART_H, PAD_L, PAD_R, PAD_T, PAD_B = 300, 150, 44, 12, 12, 30


@dataclass(frozen=True)
class SmallChart:
    crime_type: str
    slug: str
    counts: list[int]
    total: int
    top: int
    points: str  # polyline points
    dots: list[tuple[float, float, str, int]]  # x, y, month label, count
    description: str


def _read_trends(path: Path) -> tuple[list[str], dict[str, dict[str, int]]]:
    months: set[str] = set()
    table: dict[str, dict[str, int]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            month = (row.get("month") or "")[:7]
            kind = row.get("crime_type") or ""
            if not month or not kind:
                continue
            try:
                count = int(float(row.get("count") or 0))
            except ValueError:
                continue
            months.add(month)
            table[kind][month] = table[kind].get(month, 0) + count
    return sorted(months), dict(table)


def _month_label(month: str) -> str:
    try:
        return date(int(month[:4]), int(month[5:7]), 1).strftime("%b %Y")
    except ValueError:
        return month


def _small_chart(kind: str, index: int, months: list[str], counts: list[int]) -> SmallChart:
    top = max(counts, default=0)
    scale_top = top or 1
    inner_w, inner_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B
    step = inner_w / (len(months) - 1) if len(months) > 1 else 0.0
    dots = []
    for i, (month, count) in enumerate(zip(months, counts, strict=True)):
        x = PAD_L + (i * step if len(months) > 1 else inner_w / 2)
        y = PAD_T + inner_h - inner_h * count / scale_top
        dots.append((round(x, 1), round(y, 1), _month_label(month), count))
    first, last = (counts[0], counts[-1]) if counts else (0, 0)
    peak = months[counts.index(top)] if counts else ""
    description = (
        f"{kind}: {sum(counts):,} in {len(months)} month{'s' if len(months) != 1 else ''}; "
        f"{first:,} in {_month_label(months[0]) if months else ''}, "
        f"{last:,} in {_month_label(months[-1]) if months else ''}; "
        f"highest {top:,} in {_month_label(peak)}."
    )
    return SmallChart(
        crime_type=kind,
        slug=f"trend-{index}",
        counts=counts,
        total=sum(counts),
        top=top,
        points=" ".join(f"{x},{y}" for x, y, _, _ in dots),
        dots=dots,
        description=description,
    )


@intel_user
@require_GET
def profile_trends(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    build = _chosen_build(request, profile)
    context: dict[str, Any] = {"profile": profile, "build": build, "charts": [], "months": []}
    if build is not None:
        path = selectors.build_file(build, "trends.csv")
        months, table = _read_trends(path) if path is not None else ([], {})
        kinds = sorted(table, key=lambda k: (-sum(table[k].values()), k))
        charts = [_small_chart(k, i, months, [table[k].get(m, 0) for m in months]) for i, k in enumerate(kinds)]
        soc = {c["crime_type"] for c in (build.summary or {}).get("categories", []) if c.get("soc")}
        context.update(
            {
                "charts": charts,
                "months": months,
                "month_labels": [_month_label(m) for m in months],
                "soc": soc,
                "geometry": {"w": CHART_W, "h": CHART_H, "l": PAD_L, "r": PAD_R, "t": PAD_T, "b": PAD_B},
                "monthly_totals": [sum(table[k].get(m, 0) for k in kinds) for m in months],
            }
        )
        _consulted(request, profile, "profile trends", build=build.pk)
    return render(request, "profiles/trends.html", context)


# Action plan ------------------------------------------------------------------------------------


def _action_form_defaults(request: HttpRequest, profile: Profile) -> dict[str, Any]:
    user = current_user(request)
    owner = user.agency_id if user.agency_id in {a.pk for a in _agency_choices(profile)} else profile.agency_id
    return {
        "strand": "",
        "title": "",
        "description": "",
        "owner_agency": str(owner),
        "lead": "",
        "due": {"day": "", "month": "", "year": ""},
        "findings": [request.GET.get("finding", "")],
    }


@intel_user
@require_http_methods(["GET", "POST"])
def action_plan(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    user = current_user(request)
    if (needed := purpose_needed(request)) is not None:
        return needed
    can_plan = policies.can_plan(user, profile)
    values = _action_form_defaults(request, profile)
    problems: dict[str, str] = {}
    rows = selectors.findings(profile)
    if request.method == "GET":
        _consulted(request, profile, "profile action plan")
    if request.method == "POST":
        if not can_plan:
            raise Http404
        post = request.POST
        due, typed, _ = _date_from(request, "due")
        values = {
            "strand": post.get("strand", ""),
            "title": post.get("title", ""),
            "description": post.get("description", ""),
            "owner_agency": post.get("owner_agency", ""),
            "lead": post.get("lead", ""),
            "due": typed,
            "findings": post.getlist("findings"),
        }
        owner = next((a for a in _agency_choices(profile) if str(a.pk) == values["owner_agency"]), None)
        chosen = [r.finding for r in rows if str(r.finding.pk) in values["findings"]]
        if owner is None:
            problems["owner_agency"] = "Choose the agency that owns the action"
        else:
            try:
                action = services.action_create(
                    actor=actor_for(request),
                    profile=profile,
                    strand=values["strand"],
                    title=values["title"],
                    owner_agency=owner,
                    lead=values["lead"],
                    due=due,
                    findings=chosen,
                    description=values["description"],
                )
            except ValidationError as exc:
                problems = _messages_of(exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, f"Action added under {action.get_strand_display()}.")
                return redirect(reverse("web:profile_actions", args=[profile.pk]) + f"#action-{action.pk}")
        if "due" in problems:
            problems["due-day"] = problems.pop("due")
    actions = list(selectors.actions(profile))
    by_strand = [(value, label, [a for a in actions if a.strand == value]) for value, label in Strand.choices]
    ordered_findings = sorted(rows, key=lambda r: (not r.current, r.finding.kind, r.finding.rank, r.finding.key))
    return render(
        request,
        "profiles/actions.html",
        {
            "profile": profile,
            "by_strand": by_strand,
            "total": len(actions),
            "overdue": sum(1 for a in actions if a.overdue),
            "can_plan": can_plan,
            "strands": Strand.choices,
            "agencies": _agency_choices(profile),
            "finding_rows": ordered_findings,
            "values": values,
            "problems": problems,
            "errors": [{"text": m, "href": f"#{k}"} for k, m in problems.items()],
        },
        status=400 if problems else 200,
    )


@intel_user
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, profile_id: int, action_id: int) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    user = current_user(request)
    if (needed := purpose_needed(request)) is not None:
        return needed
    action: Action | None = selectors.actions(profile).filter(pk=action_id).first()
    if action is None:
        raise Http404
    can_update = policies.can_update_action(user, action)
    values: dict[str, Any] = {"status": action.status, "note": "", "due": {"day": "", "month": "", "year": ""}}
    problems: dict[str, str] = {}
    if request.method == "GET":
        _consulted(request, profile, "profile action", action=action.pk)
    if request.method == "POST":
        if not can_update:
            raise Http404
        due, typed, given = _date_from(request, "due")
        values = {"status": request.POST.get("status", ""), "note": request.POST.get("note", ""), "due": typed}
        if given and due is None:
            problems["due-day"] = "Enter a real new due date, for example 27 3 2027, or leave it blank"
        else:
            try:
                services.action_update(
                    actor=actor_for(request), action=action, status=values["status"], note=values["note"], due=due
                )
            except ValidationError as exc:
                problems = _messages_of(exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, "Progress recorded.")
                return redirect("web:profile_action", profile_id=profile.pk, action_id=action.pk)
    return render(
        request,
        "profiles/action_detail.html",
        {
            "profile": profile,
            "action": action,
            "updates": list(action.updates.select_related("by").order_by("-at", "-pk")),
            "can_update": can_update,
            "statuses": ActionStatus.choices,
            "values": values,
            "problems": problems,
            "errors": [{"text": m, "href": f"#{k}"} for k, m in problems.items()],
        },
        status=400 if problems else 200,
    )


# Downloads --------------------------------------------------------------------------------------


@intel_user
@require_GET
def build_download(request: HttpRequest, profile_id: int, build_id: int, name: str) -> HttpResponse:
    profile = _profile_or_404(request, profile_id)
    if (needed := purpose_needed(request)) is not None:
        return needed
    build = _build_or_404(profile, build_id)
    path = selectors.build_file(build, name)
    if path is None:
        raise Http404
    _consulted(request, profile, "profile build file", build=build.pk, file=name)
    streamed = FileResponse(
        path.open("rb"),
        as_attachment=not name.endswith(INLINE_SUFFIXES),
        filename=f"profile-{profile.pk}-build-{build.pk}-{name}",
        content_type=selectors.DOWNLOADS[name],
    )
    return cast(HttpResponse, streamed)  # streamed; the decorators only pass it through
