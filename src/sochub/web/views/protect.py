"""Staff pages for the self-assessment: the anonymous figures (charts drawn by the server, with the same
figures in tables) and alerts to the people who asked for them.

Who may see and send is decided in ``sochub.protect.policies``; anyone else gets 404. Contacts' addresses and
numbers are never shown: staff see how many people a message would reach, then confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sochub.engine.hotspots.errors import DataError
from sochub.protect import policies, selectors, services
from sochub.protect.districts import district_points
from sochub.protect.selectors import Row, SegmentInfo

from .common import actor_for, current_user, error_list, render, signed_in, tile_origin
from .selfassess import public_url

# One colour per segment (GOV.UK palette), in the questionnaire's order; the tables carry the same figures.
PALETTE = ("#00703c", "#1d70b8", "#4c2c92", "#28a197", "#f47738", "#d53880", "#d4351c", "#505a5f")


@dataclass
class Part:
    x: float
    width: float
    colour: str
    title: str


@dataclass
class ChartRow:
    label: str
    y: float
    total: int
    total_x: float
    parts: list[Part] = field(default_factory=list)


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    bar_height: int
    rows: list[ChartRow]
    legend: list[tuple[str, str]]


def _colours(segments: list[SegmentInfo]) -> dict[str, str]:
    return {s.id: PALETTE[i % len(PALETTE)] for i, s in enumerate(segments)}


def stacked_chart(
    *, id: str, title: str, desc: str, rows: list[Row], segments: list[SegmentInfo], label_width: int = 130
) -> Chart:
    """Horizontal bars, one per row, split into segments, scaled to the largest total."""
    width, bar, gap, top = 640, 22, 10, 4
    plot = width - label_width - 60
    biggest = max((r.total for r in rows), default=0) or 1
    colours = _colours(segments)
    names = {s.id: s.name for s in segments}
    out = []
    for i, row in enumerate(rows):
        y = top + i * (bar + gap)
        x = float(label_width)
        chart_row = ChartRow(label=row.label, y=y, total=row.total, total_x=0.0)
        for s in segments:
            n = row.counts.get(s.id, 0)
            if not n:
                continue
            w = plot * n / biggest
            chart_row.parts.append(
                Part(x=x, width=w, colour=colours[s.id], title=f"{row.label}: {s.id} {names[s.id]}, {n}")
            )
            x += w
        chart_row.total_x = x + 6
        out.append(chart_row)
    height = top + len(rows) * (bar + gap)
    legend = [(f"{s.id} {s.name}", colours[s.id]) for s in segments]
    return Chart(id, title, desc, width, height, label_width, bar, out, legend)


def _segment_rows(overall: Row, segments: list[SegmentInfo]) -> list[Row]:
    return [Row(f"{s.id} {s.name}"[:24], {s.id: overall.counts.get(s.id, 0)}) for s in segments]


def _user_may_view(request: HttpRequest) -> None:
    if not policies.can_view_stats(current_user(request)):
        raise Http404


@signed_in
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    _user_may_view(request)
    figs = selectors.figures(today=timezone.localdate())
    segs = figs.segments
    district_rows = list(figs.districts)
    if figs.other_districts.total:
        district_rows.append(figs.other_districts)
    if figs.not_given.total:
        district_rows.append(figs.not_given)
    busiest = sorted(figs.districts, key=lambda r: -r.total)[:15]
    charts = {
        "overall": stacked_chart(
            id="chart-overall",
            title="Responses by segment",
            desc="; ".join(f"{s.id} {s.name}: {figs.overall.counts.get(s.id, 0)}" for s in segs),
            rows=_segment_rows(figs.overall, segs),
            segments=segs,
            label_width=200,
        ),
        "months": stacked_chart(
            id="chart-months",
            title="Responses by month and segment, last 12 months",
            desc="; ".join(f"{r.label}: {r.total}" for r in figs.months),
            rows=figs.months,
            segments=segs,
        ),
        "districts": stacked_chart(
            id="chart-districts",
            title=f"Responses by segment in the {len(busiest)} districts with most responses",
            desc="; ".join(f"{r.label}: {r.total}" for r in busiest),
            rows=busiest,
            segments=segs,
        ),
    }
    try:
        points, map_problem = district_points(), ""
    except DataError as exc:  # the administrator's file: say what is wrong with it, keep the figures
        points, map_problem = {}, str(exc)
    tile_url = settings.SOCHUB_MAP_TILE_URL if points and tile_origin(settings.SOCHUB_MAP_TILE_URL) else ""
    response = render(
        request,
        "protect/stats.html",
        {
            "figs": figs,
            "charts": charts,
            "district_rows": district_rows,
            "can_send": policies.can_send_messages(current_user(request)),
            "map_on": bool(points),
            "map_problem": map_problem,
            "map_bands": list(zip(selectors.MAP_BANDS, selectors.MAP_COLOURS, strict=True)),
            "tile_url": tile_url,
            "tile_attribution": settings.SOCHUB_MAP_TILE_ATTRIBUTION if tile_url else "",
        },
    )
    if tile_url:
        response._csp_update = {"img-src": [tile_origin(tile_url)]}  # type: ignore[attr-defined]
    return response


@signed_in
@require_GET
def district_map(request: HttpRequest) -> HttpResponse:
    """The segment map's districts (only those with enough responses to be named), as GeoJSON."""
    _user_may_view(request)
    try:
        points = district_points()
    except DataError:
        points = {}
    data = selectors.district_map(selectors.figures(today=timezone.localdate()), points)
    return JsonResponse(data, content_type="application/geo+json")


def _unsubscribe_url(request: HttpRequest) -> Any:
    def build(token: str) -> str:
        return public_url(request, reverse("web:selfassess_unsubscribe", args=[token]))

    return build


@signed_in
@require_http_methods(["GET", "POST"])
def messages_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_send_messages(user):
        raise Http404
    segs = selectors.segments()
    values: dict[str, Any] = {"segments": [], "districts": "", "subject": "", "body": ""}
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        values = {
            "segments": request.POST.getlist("segments")[:50],
            "districts": request.POST.get("districts", "")[:2000],
            "subject": request.POST.get("subject", "")[:1000],
            "body": request.POST.get("body", "")[:20000],
        }
        action = request.POST.get("action", "check")
        try:
            draft = services.message_check(**values)
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            if action == "send":
                log = services.message_send(
                    actor=actor_for(request), draft=draft, unsubscribe_url=_unsubscribe_url(request)
                )
                people = "s" if log.sms_skipped != 1 else ""
                text = f"Message sent: {log.emailed} e-mail{'s' if log.emailed != 1 else ''}"
                if log.sms_skipped:
                    text += f"; {log.sms_skipped} phone contact{people} skipped (text messages are not set up)"
                messages.success(request, text)
                return redirect("web:protect_messages")
            if action == "check":
                count = selectors.audience_count(segments=draft.segments, districts=draft.districts)
                return render(
                    request,
                    "protect/message_confirm.html",
                    {"draft": draft, "count": count, "segment_names": {s.id: s.name for s in segs}},
                )
            # "edit": back to the form with the values
    return render(
        request,
        "protect/messages.html",
        {
            "segments": segs,
            "values": values,
            "errors": errors,
            "log": selectors.message_log(),
            "backend": settings.EMAIL_BACKEND,
        },
        status=400 if errors else 200,
    )
