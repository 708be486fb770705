"""Disruptions against OCGs and nominals: counts and list, recording one, its page and validation.

Reads go through ``sochub.operations.selectors`` (anything the user may not see answers 404); writes through
``sochub.operations.services``, which check the policies and the engine and write the audit rows. A disruption
against a nominal is personal data: recording or opening one needs a purpose and is logged as a consultation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from sochub.audit import services as audit
from sochub.audit.models import Operation
from sochub.engine import disruptions as engine
from sochub.intel import selectors as intel_selectors
from sochub.intel.models import OCG, Nominal
from sochub.intel.services import NotFound
from sochub.operations import policies, selectors, services
from sochub.operations.models import Disruption

from .common import actor_for, current_user, error_list, form_date, intel_user, purpose_needed, render

PAGE_SIZE = 25


def _audit_nominal_reads(request: HttpRequest, shown: Iterable[Disruption], view: str) -> None:
    """Showing a disruption against a person is a consultation of that person's record."""
    rows = [d for d in shown if d.nominal_id]
    if not rows:
        return
    audit.record(
        actor=actor_for(request),
        operation=Operation.CONSULTATION,
        object_type="nominal",
        object_ids=list(dict.fromkeys(str(d.nominal_id) for d in rows)),
        detail={"view": view, "disruptions": [d.pk for d in rows]},
    )


@intel_user
def disruption_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    start = form_date(request.GET.get("from", ""))
    end = form_date(request.GET.get("to", ""))
    period = request.GET.get("period", "month")
    period = period if period in engine.PERIODS else "month"
    qs = selectors.disruptions(user=user, start=start, end=end)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _audit_nominal_reads(request, page.object_list, "disruptions")
    return render(
        request,
        "disruptions/list.html",
        {
            "page": page,
            "counts": selectors.counts(user=user, start=start, end=end, period=period),
            "levels": selectors.menu().impact_levels,
            "start": start.isoformat() if start else "",
            "end": end.isoformat() if end else "",
            "period": period,
            "periods": engine.PERIODS,
            "qs": urlencode(
                {"from": start.isoformat() if start else "", "to": end.isoformat() if end else "", "period": period}
            )
            + "&",
        },
    )


def _target(request: HttpRequest) -> tuple[OCG | None, Nominal | None]:
    """The OCG or nominal named in the address (404 if missing or not visible)."""
    user = current_user(request)
    source = request.POST if request.method == "POST" else request.GET
    if source.get("ocg"):
        try:
            ocg_id = int(source["ocg"])
        except ValueError as exc:
            raise Http404 from exc
        ocg = intel_selectors.ocg_get(user=user, ocg_id=ocg_id)
        if ocg is None:
            raise Http404
        return ocg, None
    if source.get("nominal"):
        nominal = intel_selectors.nominal_resolve(user=user, nominal_id=source["nominal"][:64])
        if nominal is None:
            raise Http404
        return None, nominal
    raise Http404


def _tactic_groups(menu: engine.Menu, *, foreign_national: bool, chosen: str) -> list[dict[str, Any]]:
    """The tactics to offer, grouped by area; for a foreign national the immigration tactics come first."""
    options = engine.options_for(menu, foreign_national=foreign_national)

    def items(tactics: list[engine.Tactic]) -> list[dict[str, Any]]:
        return [
            {
                "value": t.id,
                "text": t.label,
                "checked": t.id == chosen,
                **({"hint": {"text": t.hint}} if t.hint else {}),
            }
            for t in tactics
        ]

    groups: list[dict[str, Any]] = []
    rest = options
    if foreign_national:
        first = [t for t in options if t.type == engine.IMMIGRATION]
        rest = [t for t in options if t.type != engine.IMMIGRATION]
        if first:
            groups.append(
                {
                    "id": "immigration",
                    "label": "Immigration (this person is flagged as a foreign national)",
                    "items": items(first),
                }
            )
    for area in menu.areas:
        tactics = [t for t in rest if t.area == area.id]
        if tactics:
            groups.append({"id": area.id, "label": area.label, "hint": area.description, "items": items(tactics)})
    return groups


@intel_user
@require_http_methods(["GET", "POST"])
def disruption_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not policies.can_record(user):
        raise Http404
    ocg, nominal = _target(request)
    if nominal is not None and (needed := purpose_needed(request)) is not None:
        return redirect(f"{needed['Location'].split('?')[0]}?{urlencode({'next': request.get_full_path()})}")
    menu = selectors.menu()
    flag = selectors.foreign_national(user=user, nominal=nominal) if nominal is not None else None
    today = timezone.localdate()
    form = {
        "tactic": request.POST.get("tactic", ""),
        "impact": request.POST.get("impact", ""),
        "rationale": request.POST.get("rationale", "")[:2000],
        "day": request.POST.get("on-day", str(today.day)),
        "month": request.POST.get("on-month", str(today.month)),
        "year": request.POST.get("on-year", str(today.year)),
    }
    errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            on = date(int(form["year"]), int(form["month"]), int(form["day"]))
        except ValueError:
            errors.append({"text": "Enter the date the tactic was used, for example 27 3 2025", "href": "#on"})
        if not form["tactic"]:
            errors.append({"text": "Choose the tactic used", "href": "#tactic"})
        if not form["impact"]:
            errors.append({"text": "Choose the impact of the disruption", "href": "#impact"})
        if not errors:
            try:
                disruption = services.disruption_record(
                    actor=actor_for(request),
                    ocg=ocg,
                    nominal=nominal,
                    tactic=form["tactic"],
                    impact=form["impact"],
                    rationale=form["rationale"],
                    on=on,
                )
            except ValidationError as exc:
                errors = error_list(exc)
            except (PermissionDenied, NotFound) as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request, "The disruption is recorded. Another analyst or coordinator must validate it."
                )
                return redirect("web:disruption_detail", disruption_id=disruption.pk)
        status = 400
    levels = [
        {"value": lv.id, "text": lv.label, "hint": {"text": lv.definition}, "checked": form["impact"] == lv.id}
        for lv in menu.impact_levels
    ]
    return render(
        request,
        "disruptions/form.html",
        {
            "ocg": ocg,
            "nominal": nominal,
            "foreign_national": flag,
            "groups": _tactic_groups(menu, foreign_national=bool(flag), chosen=form["tactic"]),
            "levels": levels,
            "menu": menu,
            "form": form,
            "errors": errors,
        },
        status=status,
    )


def _get_or_404(request: HttpRequest, disruption_id: int) -> Disruption:
    disruption = selectors.disruption_get(user=current_user(request), disruption_id=disruption_id)
    if disruption is None:
        raise Http404
    return disruption


@intel_user
def disruption_detail(request: HttpRequest, disruption_id: int) -> HttpResponse:
    user = current_user(request)
    d = _get_or_404(request, disruption_id)
    if d.nominal_id and (needed := purpose_needed(request)) is not None:
        return needed
    _audit_nominal_reads(request, [d], "disruption_detail")
    menu = selectors.menu()
    return render(
        request,
        "disruptions/detail.html",
        {
            "d": d,
            "impact": menu.level(d.impact) if menu.has_level(d.impact) else None,
            "area": menu.area(d.area).label if d.area in {a.id for a in menu.areas} else d.area,
            "theme": next((t.label for t in menu.types if t.id == d.tactic_type), d.tactic_type),
            "can_validate": policies.can_validate(user, d),
            "refusal": policies.validation_refusal(user, d),
        },
    )


@intel_user
@require_POST
def disruption_validate(request: HttpRequest, disruption_id: int) -> HttpResponse:
    d = _get_or_404(request, disruption_id)
    services.disruption_validate(actor=actor_for(request), disruption=d)  # PermissionDenied: 403
    messages.success(request, "The disruption is validated: it now counts.")
    return redirect("web:disruption_detail", disruption_id=d.pk)
